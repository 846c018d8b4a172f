sitegenSearch.index({"segments":[["0",27,16,"e528678487"],["pages",2,1,"26c16dc8e6"]],"block":8,"communities":{"baihua":"百花社区","huashan":"华山社区","jinhua":"金华社区","longchi":"龙池社区","yinhua":"银华社区"}});
