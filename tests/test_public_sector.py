"""What inspectors of a Chinese public-sector site look for: 公示期 and the 备案 footer."""

from __future__ import annotations

import re

from conftest import NOW, REPO, run_sitegen
from lxml import html as lxml_html
from test_print import squeeze, text

SITE_YAML = """\
title: 测试县社区办
base_url: https://example.org/sq/
issuer: 测试县社区建设办公室
footer:
  host: 测试县社区建设办公室
  contact: 电话 0571-0000-0000
  icp: 浙ICP备00000000号-1
  police: 浙公网安备 33000000000001号
"""


def publicity_notice(expires: str | None) -> str:
    ends = f"expires: {expires}\n" if expires else ""
    return (
        "---\ntitle: 关于2026年11月拟新增低保对象的公示\ndate: 2026-11-18 09:00\n"
        f"{ends}communities: [huashan]\ncategory: 公示\n---\n"
        "| 姓名 | 户籍地址 |\n|---|---|\n| 王某某 | 华山社区 |\n\n对公示对象有异议的，请在公示期内反映。\n"
    )


def test_a_short_publicity_period_warns_and_the_period_is_shown(make_site) -> None:
    site = make_site({"content/notices/2026-11-18-dibao.md": publicity_notice("2026-11-20")})
    result = run_sitegen("build", str(site), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert (
        "content/notices/2026-11-18-dibao.md:4: warning: the 公示期 is 3 days "
        "(2026-11-18 to 2026-11-20), shorter than the 7 days a 公示 must be up" in result.stderr
    ), result.stderr
    assert "set `expires: 2026-11-24` or later" in result.stderr
    page = (site / "output/notices/2026-11-18-dibao/index.html").read_text("utf-8")
    row = lxml_html.fromstring(page).find_class("publicity")[0].text_content()
    assert squeeze(row) == "公示期2026年11月18日至2026年11月20日"
    poster = site / "output/print/posters/2026-11-18-dibao.pdf"
    assert "公示期：2026年11月18日至2026年11月20日" in squeeze(text(poster))

    long_enough = make_site({"content/notices/2026-11-18-dibao.md": publicity_notice("2026-11-24")})
    result = run_sitegen("check", str(long_enough), "--now", NOW)
    assert result.returncode == 0 and "公示期" not in result.stderr, result.stderr


def test_a_publicity_notice_without_an_end_and_the_site_setting(make_site) -> None:
    site = make_site({"content/notices/2026-11-18-dibao.md": publicity_notice(None)})
    result = run_sitegen("check", str(site), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert (
        "content/notices/2026-11-18-dibao.md:5: warning: a 公示 is up for a set period (公示期), "
        "and this one has no `expires`" in result.stderr
    ), result.stderr
    assert "add `expires: 2026-11-24`" in result.stderr

    three_days = make_site(
        {
            "content/site.yaml": SITE_YAML + "publicity:\n  min_days: 3\n",
            "content/notices/2026-11-18-dibao.md": publicity_notice("2026-11-20"),
        }
    )
    result = run_sitegen("check", str(three_days), "--now", NOW)
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr


def test_the_footer_names_the_host_and_links_both_records_on_every_page(make_site) -> None:
    site = make_site({"content/site.yaml": SITE_YAML})
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 0, result.stderr
    pages = sorted((site / "output").rglob("*.html"))
    forwarding = {p for p in pages if p.relative_to(site / "output").parts[0] == "n"}
    assert len(pages) - len(forwarding) > 10
    for page in sorted(set(pages) - forwarding):
        footer = lxml_html.parse(str(page)).getroot().find_class("site-footer")
        assert footer, page
        links = {a.text_content().strip(): a.get("href") for a in footer[0].iter("a")}
        assert links["浙ICP备00000000号-1"] == "https://beian.miit.gov.cn/", page
        assert links["浙公网安备 33000000000001号"] == (
            "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=33000000000001"
        ), page
        assert "主办单位：测试县社区建设办公室" in footer[0].text_content()


def test_record_numbers_written_wrong_are_errors_with_the_form(make_site) -> None:
    site = make_site(
        {"content/site.yaml": SITE_YAML.replace("浙ICP备00000000号-1", "ICP 00000000")}
    )
    result = run_sitegen("check", str(site), "--now", NOW)
    assert result.returncode == 1
    assert re.search(
        r"content/site\.yaml:7: error: `icp`: `ICP 00000000` is not an ICP 备案 number",
        result.stderr,
    ), result.stderr
    assert "for example 浙ICP备12345678号-1" in result.stderr


def test_every_page_of_the_example_has_its_records_share_tags_and_the_elder_switch() -> None:
    """On the golden tree of the example (tests/expected): every page but the forwarding
    ones (`n/<id>/`), which only send the browser on."""
    expected = REPO / "tests/expected"
    pages = [p for p in sorted(expected.rglob("*.html")) if p.relative_to(expected).parts[0] != "n"]
    assert len(pages) > 100
    problems = []
    for page in pages:
        root = lxml_html.parse(str(page)).getroot()
        where = page.relative_to(expected).as_posix()
        shared = {
            m.get("property"): m.get("content") for m in root.iter("meta") if m.get("property")
        }
        for tag in ("og:title", "og:url", "og:site_name", "og:type"):
            if not shared.get(tag):
                problems.append(f"{where}: no {tag}")
        if shared.get("og:url") and not shared["og:url"].startswith(
            "https://www.qingxi-shequ.example/"
        ):
            problems.append(f"{where}: og:url {shared['og:url']} is not absolute")
        if not root.xpath('//footer//a[@href="https://beian.miit.gov.cn/"]'):
            problems.append(f"{where}: no ICP link in the footer")
        if not root.xpath('//button[@id="elder-toggle"]'):
            problems.append(f"{where}: no 长者模式 switch")
        icons = root.xpath('//link[@rel="icon"]/@href')
        base = "https://www.qingxi-shequ.example/"  # the 404 page's links are absolute
        icon = (
            expected / icons[0].removeprefix(base)
            if icons and icons[0].startswith(base)
            else page.parent / (icons[0] if icons else "missing")
        )
        if not icon.resolve().is_file():
            problems.append(f"{where}: no icon of its own, or one that is not there: {icons}")
        if not root.xpath('//meta[@name="theme-color"]/@content'):
            problems.append(f"{where}: no theme-color")
    assert not problems, "\n".join(problems[:20])
    notice = lxml_html.parse(str(expected / "notices/2026-11-18-water-outage/index.html")).getroot()
    described = {m.get("property"): m.get("content") for m in notice.iter("meta")}
    assert described["og:type"] == "article"
    assert described["og:description"].startswith("各位居民：接县供水公司通知")


def disclosed_notice(doc_no: str) -> str:
    return (
        "---\ntitle: 关于调整社区服务中心开放时间的通知\ndate: 2026-11-18 09:00\n"
        "communities: [huashan]\ncategory: 通知\ndisclosure:\n"
        "  index_no: 11330000MB0000000X/2026-00031\n  topic: 便民服务\n"
        f"  written: 2026-11-15\n  doc_no: {doc_no}\n---\n自12月1日起，服务中心周六上午开放。\n"
    )


def test_a_disclosed_notice_has_its_table_and_is_in_the_catalogue(make_site) -> None:
    site = make_site(
        {"content/notices/2026-11-18-kaifang.md": disclosed_notice("测社建〔2026〕31号")}
    )
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 0, result.stderr
    page = lxml_html.parse(str(site / "output/notices/2026-11-18-kaifang/index.html")).getroot()
    rows = {
        row.find("th").text_content(): row.find("td").text_content()
        for row in page.find_class("disclosure")[0].iter("tr")
    }
    assert rows == {
        "索引号": "11330000MB0000000X/2026-00031",
        "主题分类": "便民服务",
        "发布机构": "测试县社区建设办公室",
        "成文日期": "2026年11月15日",
        "发文字号": "测社建〔2026〕31号",
        "发布日期": "2026年11月18日",
        "有效性": "有效",
    }
    catalogue = lxml_html.parse(str(site / "output/disclosure/index.html")).getroot()
    assert [h.text_content() for h in catalogue.iter("h2")] == ["便民服务"]
    assert catalogue.find_class("catalogue-table")[0].find("caption").text_content() == "2026年"
    assert "关于调整社区服务中心开放时间的通知" in catalogue.text_content()
    footer = lxml_html.parse(str(site / "output/index.html")).getroot().find_class("site-footer")[0]
    assert "信息公开目录" in footer.text_content()
    # without a disclosed notice there is no catalogue, and no link to one
    (site / "content/notices/2026-11-18-kaifang.md").unlink()
    assert run_sitegen("build", str(site), "--now", NOW, "--no-print").returncode == 0
    assert not (site / "output/disclosure").exists()
    footer = lxml_html.parse(str(site / "output/index.html")).getroot().find_class("site-footer")[0]
    assert "信息公开目录" not in footer.text_content()


def test_a_document_number_with_the_wrong_brackets_gets_the_fix(make_site) -> None:
    site = make_site(
        {"content/notices/2026-11-18-kaifang.md": disclosed_notice("测社建[2026]31号")}
    )
    result = run_sitegen("check", str(site), "--now", NOW)
    assert result.returncode == 1
    assert (
        "content/notices/2026-11-18-kaifang.md:10: error: `doc_no`: `测社建[2026]31号` is not a 发文字号"
        in result.stderr
    ), result.stderr
    assert (
        "the year goes in 六角括号 〔〕, not [] or (): write `测社建〔2026〕31号`" in result.stderr
    )


PASTED = """\
---
title: 关于开展燃气安全入户检查的通知
date: 2026-11-18 09:00
communities: [longchi]
---
### 一、检查时间

<p onclick="alert('x')">请配合检查人员工作。</p>

<script>document.title = "被改了"</script>

检查期间请<span style="color:red;font-size:40px">保持电话畅通</span>，谢谢。

<table class="MsoTable"><tr><th>楼栋</th><th>时间</th></tr>
<tr><td>1-3栋</td><td>8:00-12:00</td></tr></table>

<a href="javascript:alert(1)">点此查看</a>，或访问 <a href="https://www.example.gov.cn/">县政府网站</a>。

##### 二、注意事项

　　检查人员均佩戴工作证。
"""


def test_pasted_html_keeps_its_text_and_loses_what_could_run(make_site) -> None:
    site = make_site({"content/notices/2026-11-18-gas.md": PASTED})
    result = run_sitegen("build", str(site), "--now", NOW)
    assert result.returncode == 0, result.stderr
    where = "content/notices/2026-11-18-gas.md"
    for line, removed in (
        (8, "the onclick script of <p>"),
        (10, "<script> and what it holds"),
        (12, "the style of <span>"),
        (14, "the class attribute of <table>"),
        (17, "the javascript: address of <a>"),
    ):
        assert f"{where}:{line}: warning: pasted HTML: removed {removed}" in result.stderr, (
            line,
            result.stderr,
        )
    page = (site / "output/notices/2026-11-18-gas/index.html").read_text("utf-8")
    tree = lxml_html.fromstring(page)
    body = tree.find_class("prose")[0]
    shown = squeeze(body.text_content())
    for words in ("请配合检查人员工作。", "保持电话畅通", "1-3栋", "8:00-12:00", "县政府网站"):
        assert words in shown, (words, shown)
    assert "<" not in shown and "&lt;" not in page.split('class="prose"')[1]
    assert "被改了" not in page and "alert" not in page
    scripts = [s.get("src") for s in tree.iter("script")]
    assert all(src and src.endswith(".js") for src in scripts), scripts
    assert not [(e.tag, name) for e in body.iter() for name in e.attrib if name.startswith("on")]
    assert not [e for e in body.iter() if "style" in e.attrib]
    table = body.find(".//table")
    assert table is not None and table.getparent().get("class") == "table-wrap"
    # Headings start at h2 under the page's h1 and skip no level; Word's indentation goes.
    assert [h.tag for h in body.iter("h2", "h3", "h4", "h5", "h6")] == ["h2", "h3"]
    assert "　" not in shown
    # The summary (page description, feeds, lists) reads as text.
    description = tree.find(".//meta[@name='description']").get("content")
    assert "<" not in description and "请配合检查人员工作" in description


def test_a_csv_attachment_without_a_bom_warns_with_the_fix(make_site) -> None:
    table = "姓名,电话\n王某某,13800000000\n"
    site = make_site(
        {
            "content/assets/报名表.csv": table.encode("utf-8"),
            "content/assets/with-bom.csv": b"\xef\xbb\xbf" + table.encode("utf-8"),
            "content/assets/gbk.csv": table.encode("gbk"),
        }
    )
    result = run_sitegen("check", str(site), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert (
        "content/assets/报名表.csv: warning: this CSV file is UTF-8 without a byte-order mark"
        in result.stderr
    ), result.stderr
    assert "CSV UTF-8（逗号分隔）" in result.stderr
    assert "with-bom.csv" not in result.stderr and "gbk.csv" not in result.stderr


# The smallest PNG there is: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63600001000000050001a5f645400000000049454e44ae426082"
)


def test_the_site_share_image_is_what_a_page_without_a_picture_shares(make_site) -> None:
    site = make_site(
        {
            "content/site.yaml": SITE_YAML + "share_image: assets/share.png\n",
            "content/assets/share.png": PIXEL,
        }
    )
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 0, result.stderr
    for page in ("index.html", "notices/2026-11-18-ting-shui-tong-zhi/index.html"):
        tree = lxml_html.fromstring((site / "output" / page).read_text("utf-8"))
        image = tree.find(".//meta[@property='og:image']")
        assert image is not None and image.get("content") == (
            "https://example.org/sq/assets/share.png"
        ), page

    for value, message in (
        ("assets/share.svg", "WeChat and other apps show only PNG, JPEG, GIF or WebP"),
        ("assets/shares.png", "there is no such file in content/"),
    ):
        broken = make_site(
            {
                "content/site.yaml": SITE_YAML + f"share_image: {value}\n",
                "content/assets/share.png": PIXEL,
                "content/assets/share.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
            }
        )
        result = run_sitegen("check", str(broken), "--now", NOW)
        assert result.returncode != 0
        assert f"content/site.yaml:9: error: `share_image: {value}`: {message}" in (
            result.stderr
        ), result.stderr
    assert "did you mean `assets/share.png`?" in result.stderr
