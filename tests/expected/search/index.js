sitegenSearch.index({"segments":[["0",27,16,"a9e53279ab"],["pages",2,1,"eb877199be"]],"block":8,"communities":{"baihua":"百花社区","huashan":"华山社区","jinhua":"金华社区","longchi":"龙池社区","yinhua":"银华社区"}});
