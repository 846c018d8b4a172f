"""Scratch sites built through the real CLI: visibility over time, safety, the output folder."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, REPO, run_sitegen, tree_digest
from lxml import html as lxml_html

SCRIPTED_NOTICE = """\
---
title: 含有脚本的通知
date: 2026-11-10
---
请注意<script>alert("x")</script>这段文字。

<img src="x.png" onerror="alert(1)">

[点我](javascript:alert(1)) 和 [另一个](JAVASCRIPT:alert(2)) 以及 <a href="javascript:alert(3)">原始链接</a>

![图](javascript:alert(4))
"""


def build(site: Path, now: str = NOW, *extra: str):
    result = run_sitegen("build", str(site), "--now", now, "--no-print", *extra)
    assert result.returncode == 0, result.stderr
    return result


def page_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_script_handlers_and_javascript_links_never_reach_the_page(make_site) -> None:
    site = make_site({"content/notices/script.md": SCRIPTED_NOTICE})
    result = build(site)
    html = page_text(site / "output/notices/script/index.html")
    # the theme's own script (长者模式) is the only one: a file of the site, nothing inline
    scripts = re.findall(r"<script\b[^>]*>", html, re.I)
    assert scripts == ['<script src="../../static/default/elder.js">'], scripts
    handlers = [
        f"<{element.tag} {name}>"
        for element in lxml_html.fromstring(html).iter()
        if isinstance(element.tag, str)
        for name in element.attrib
        if name.lower().startswith("on")
    ]
    assert not handlers, f"an event-handler attribute got through: {handlers}"
    for tag in re.findall(r"<(?:a|img)\b[^>]*>", html, re.I):
        assert "javascript:" not in tag.lower(), tag
    # Pasted HTML is cleaned, not shown as text: the script goes with what it held.
    assert "&lt;" not in html and "alert" not in html
    assert "请注意这段文字。" in html
    warned = {
        line.split(": warning: pasted HTML: removed ")[0]: line
        for line in result.stderr.splitlines()
        if ": warning: pasted HTML: removed " in line
    }
    for line, removed in (
        (5, "<script> and what it holds"),
        (7, "the onerror script of <img>"),
        (9, "the javascript: address of <a>"),
    ):
        assert removed in warned.get(f"content/notices/script.md:{line}", ""), result.stderr
    assert (
        "content/notices/script.md:9: warning: the link `javascript:alert(1)` was removed"
        in result.stderr
    )


def test_drafts_and_scheduled_are_in_no_output_unless_asked(make_site) -> None:
    site = make_site(
        {
            "content/notices/draft.md": "---\ntitle: 草稿通知ABC\ndate: 2026-11-01\ndraft: true\n---\n草稿。\n",
            "content/notices/later.md": "---\ntitle: 以后的通知XYZ\ndate: 2026-12-24 09:00\n---\n以后。\n",
        }
    )
    build(site)
    out = site / "output"
    for marker in ("草稿通知ABC", "以后的通知XYZ"):
        holders = [
            p
            for p in out.rglob("*")
            if p.is_file() and marker in p.read_text(encoding="utf-8", errors="ignore")
        ]
        assert holders == [], f"{marker} leaked into {holders}"
    assert not (out / "notices/draft").exists() and not (out / "notices/later").exists()

    build(site, NOW, "--drafts", "--future")
    assert "草稿" in page_text(out / "notices/draft/index.html")
    assert "以后的通知XYZ" in page_text(out / "notices/later/index.html")


def test_moving_now_archives_expired_notices_and_removes_stale_pages(make_site) -> None:
    site = make_site()
    build(site, "2026-11-20T10:00:00+08:00")
    out = site / "output"
    slug = "2026-11-18-ting-shui-tong-zhi"
    assert slug in page_text(out / "index.html")
    assert slug in page_text(out / "communities/longchi/index.html")

    build(site, "2026-12-20T10:00:00+08:00")
    assert slug not in page_text(out / "index.html")
    assert slug not in page_text(out / "communities/longchi/index.html")
    notice = page_text(out / f"notices/{slug}/index.html")
    assert "已于2026年11月25日到期" in notice
    assert slug in page_text(out / "archive/2026/11/index.html")
    assert "关于临时停水的通知" not in page_text(out / "feed.xml")

    (site / "content/notices/2026-11-18-停水通知.md").unlink()
    build(site, "2026-12-20T10:00:00+08:00")
    assert not (out / f"notices/{slug}").exists(), "a deleted notice's page must be gone"


def test_example_site_over_time() -> None:
    """The example built in November and in February: what expired moves to the archive."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        november, february = Path(tmp, "nov"), Path(tmp, "feb")
        for out, now in (
            (november, "2026-11-20T10:00:00+08:00"),
            (february, "2027-02-15T10:00:00+08:00"),
        ):
            result = run_sitegen("build", str(REPO), "--out", str(out), "--now", now, "--no-print")
            assert result.returncode == 0, result.stderr
        water = "notices/2026-11-18-water-outage/index.html"
        home_nov, home_feb = page_text(november / "index.html"), page_text(february / "index.html")
        assert "2026-11-18-water-outage" in home_nov and "2026-11-18-water-outage" not in home_feb
        assert "已于" not in page_text(november / water) and "到期，仅作存档" in page_text(
            february / water
        )
        longchi_nov = page_text(november / "communities/longchi/index.html")
        longchi_feb = page_text(february / "communities/longchi/index.html")
        assert (
            "2026-11-18-water-outage" in longchi_nov
            and "2026-11-18-water-outage" not in longchi_feb
        )
        # scheduled in November, published (and by February expired) later
        gala = "notices/2026-12-05-ying-xin-chun-wen-yi-hui-yan-jie-mu-zheng-ji/index.html"
        assert not (november / gala).exists() and (february / gala).exists()
        assert "2026-11-18-water-outage" in page_text(february / "archive/2026/11/index.html")


def test_output_folder_swap_keeps_dotfiles_and_unchanged_files(make_site, tmp_path) -> None:
    site = make_site()
    build(site)
    out = site / "output"
    (out / ".git").mkdir()
    (out / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (out / ".htaccess").write_text("ErrorDocument 404 /404.html\n")
    (site / "neighbour.txt").write_text("not ours")
    before = tree_digest(out)

    result = build(site)
    assert re.search(r"\(0 written, \d+ unchanged, 0 removed\)", result.stdout), result.stdout
    assert tree_digest(out) == before, "a build with no change must leave every file as it was"
    assert (site / "neighbour.txt").read_text() == "not ours"
    # beside the output only the build cache may appear
    assert sorted(p.name for p in site.iterdir()) == [
        ".sitegen-cache",
        "content",
        "neighbour.txt",
        "output",
    ]

    # a change swaps in a whole new folder: the dotfiles and unchanged files come along
    notice = site / "content/notices/2026-11-18-停水通知.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("停水", "停水（改）", 1), "utf-8")
    build(site)
    after = tree_digest(out)
    assert after[".git/HEAD"] == before[".git/HEAD"] and after[".htaccess"] == before[".htaccess"]
    assert after["communities/huashan/index.html"] == before["communities/huashan/index.html"]
    assert after["index.html"] != before["index.html"]


def test_the_next_build_puts_back_dotfiles_a_killed_build_had_moved(make_site) -> None:
    """A build killed between moving the output's dotfiles into the spare folder and
    the swap leaves them there: the next build moves them back, and removes the
    staging folder a killed build left."""
    site = make_site()
    build(site)
    spare, staging = site / ".output.spare", site / ".output.staging-999999"
    (spare / ".git").mkdir(parents=True)
    (spare / ".git/HEAD").write_text("ref: refs/heads/main\n")
    staging.mkdir()
    (staging / "index.html").write_text("half a site")
    build(site)
    assert (site / "output/.git/HEAD").read_text() == "ref: refs/heads/main\n"
    assert not staging.exists() and not (spare / ".git").exists()
    assert "half a site" not in (site / "output/index.html").read_text(encoding="utf-8")


def test_failed_build_leaves_previous_output_untouched(make_site) -> None:
    site = make_site()
    build(site)
    before = tree_digest(site / "output")
    (site / "content/notices/broken.md").write_text(
        "---\ntitle: 坏的\nexpire: 2026-12-01\n---\n", encoding="utf-8"
    )
    result = run_sitegen("build", str(site), "--now", NOW)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert tree_digest(site / "output") == before


def test_check_reports_without_writing(make_site) -> None:
    site = make_site()
    result = run_sitegen("check", str(site), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("checked 1 notices, 2 communities")
    assert not (site / "output").exists()


def test_every_link_inside_the_site_is_relative(make_site) -> None:
    site = make_site(
        {
            "content/notices/b.md": "---\ntitle: 见上\ndate: 2026-11-19\n---\n详见[停水通知](2026-11-18-停水通知.md#一)。\n",
        }
    )
    build(site)
    html = page_text(site / "output/notices/b/index.html")
    assert 'href="../2026-11-18-ting-shui-tong-zhi/index.html#一"' in html
    for url in re.findall(r'(?:href|src)="([^"]+)"', html):
        assert not url.startswith("/"), f"root-relative link {url}"
        assert "://" not in url or url.startswith("https://example.org/sq/"), f"absolute link {url}"


def test_heading_anchors_keep_chinese(make_site) -> None:
    site = make_site(
        {
            "content/notices/h.md": "---\ntitle: 标题\ndate: 2026-11-19\n---\n## 一、基本情况\n\n正文。\n"
        }
    )
    build(site)
    assert '<h2 id="一基本情况">一、基本情况</h2>' in page_text(
        site / "output/notices/h/index.html"
    )


def test_new_notice_refuses_unknown_community_and_category(make_site) -> None:
    site = make_site()
    bad = run_sitegen("new", "notice", "测试", "--site", str(site), "--community", "longchii")
    assert bad.returncode == 1
    assert bad.stderr == (
        "sitegen: --community longchii: no such community\n    hint: the communities are huashan, longchi\n"
    )
    bad = run_sitegen("new", "notice", "测试", "--site", str(site), "--category", "通告")
    assert bad.returncode == 1 and "not one of the site's categories" in bad.stderr
    assert list((site / "content/notices").iterdir()) == [
        site / "content/notices/2026-11-18-停水通知.md"
    ]
    made = run_sitegen(
        "new",
        "notice",
        "冬季防火",
        "--site",
        str(site),
        "--community",
        "longchi",
        "--category",
        "通知",
        "--now",
        "2026-11-21 09:00",
    )
    assert made.returncode == 0, made.stderr
    assert run_sitegen("check", str(site), "--now", "2026-11-22").returncode == 0


def test_parse_cache_never_hides_an_edit_or_a_lost_link_target(make_site) -> None:
    site = make_site(
        {
            "content/assets/map.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
            "content/notices/b.md": "---\ntitle: 见地图\ndate: 2026-11-19\n---\n![地图](../assets/map.svg) 旧文字。\n",
        }
    )
    build(site)
    page = site / "output/notices/b/index.html"
    assert "旧文字" in page_text(page)
    assert (site / ".sitegen-cache/cache.sqlite").is_file()

    source = site / "content/notices/b.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("旧文字", "新文字"), encoding="utf-8"
    )
    build(site)
    assert "新文字" in page_text(page)

    (site / "content/assets/map.svg").unlink()
    broken = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert broken.returncode == 1
    assert (
        "content/notices/b.md:5: error: the link `../assets/map.svg` points at nothing"
        in broken.stderr
    )

    # a warning is shown again when the file comes from the cache
    source.write_text(
        "---\ntitle: 见地图\ndate: 2026-11-19\n---\n[点](javascript:x) 文字。\n", encoding="utf-8"
    )
    first, second = build(site), build(site)
    for result in (first, second):
        assert (
            "content/notices/b.md:5: warning: the link `javascript:x` was removed" in result.stderr
        )


def test_strict_fails_on_any_warning_and_writes_nothing(make_site) -> None:
    site = make_site()
    assert run_sitegen("build", str(site), "--now", NOW, "--strict", "--no-print").returncode == 0
    before = tree_digest(site / "output")
    notice = site / "content/notices/2026-11-18-停水通知.md"
    notice.write_text(
        notice.read_text(encoding="utf-8") + "\n![](https://example.com/a.png)\n", "utf-8"
    )
    for command in (["check"], ["build", "--no-print"]):
        result = run_sitegen(*command, str(site), "--now", NOW, "--strict")
        assert result.returncode == 1, result.stderr
        assert (
            "warning: the image `https://example.com/a.png` is on another website" in result.stderr
        )
        assert "sitegen: 1 warning, and --strict fails on any; nothing was written" in result.stderr
    assert tree_digest(site / "output") == before
    assert run_sitegen("build", str(site), "--now", NOW, "--no-print").returncode == 0
    # the warning is recorded: a no-change build still fails with --strict
    result = run_sitegen("build", str(site), "--now", NOW, "--strict", "--no-print")
    assert result.returncode == 1 and "--strict fails on any" in result.stderr


def test_messages_come_in_file_and_line_number_order() -> None:
    from sitegen.errors import Diagnostic, SourceRef, in_order

    places = [("b.md", 1), ("a.md", 10), ("a.md", None), ("a.md", 9)]
    shown = [
        str(d.where) for d in in_order([Diagnostic(SourceRef(Path(p), n), "m") for p, n in places])
    ]
    assert shown == ["a.md", "a.md:9", "a.md:10", "b.md:1"]


def test_a_build_with_nothing_to_do_loads_none_of_the_pipeline(make_site) -> None:
    """The build record answers alone: no templates, Markdown or print code are
    loaded (they were half of such a build's time at ten thousand notices); and
    without `--now` (read in site.yaml's time zone), not the model either, nor what
    a swap of folders needs (a tenth of it)."""
    site = make_site()
    heavy = {"sitegen.pipeline", "jinja2", "markdown", "weasyprint", "segno", "pypinyin"}
    lighter = heavy | {"sitegen.model", "sitegen.site.urls", "ctypes"}

    def modules_loaded_by_a_build(*now: str) -> set[str]:
        script = (
            "import sys\nfrom sitegen.cli import main\n"
            f"assert main(['build', {str(site)!r}, '--no-print', *{now!r}]) == 0\n"
            "print(' '.join(sys.modules))"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        return set(done.stdout.split())

    at_now = ("--now", NOW)
    assert modules_loaded_by_a_build(*at_now) >= {"sitegen.pipeline", "jinja2", "markdown"}
    assert modules_loaded_by_a_build(*at_now) & heavy == set()
    (site / "content/site.yaml").touch()  # only its time changed: the record must look again
    assert "sitegen.pipeline" in modules_loaded_by_a_build(*at_now)
    assert "sitegen.pipeline" in modules_loaded_by_a_build()  # at the present moment
    assert modules_loaded_by_a_build() & lighter == set()


@pytest.mark.print
def test_check_reports_every_warning_a_build_with_print_gives(tmp_path: Path) -> None:
    """`check` is the whole build, print included, into the cache folder: the same
    warnings as `build`, in the same order; `--strict` fails both alike."""
    site = tmp_path / "site"
    for name in ("content", "themes"):
        shutil.copytree(REPO / name, site / name)
    notice = site / "content/notices/2026-11-18-water-outage.md"
    text = notice.read_text("utf-8")
    notice.write_text(text.replace("title: ", "title: 𪚥", 1), encoding="utf-8")  # no font has it
    checked = run_sitegen("check", str(site), "--now", NOW)
    assert checked.returncode == 0, checked.stderr
    assert "the poster's font cannot draw 𪚥" in checked.stderr
    assert "is not fit for printing" in checked.stderr or "does not fit one" in checked.stderr
    assert not (site / "output").exists()
    built = run_sitegen("build", str(site), "--now", NOW)
    assert built.returncode == 0, built.stderr
    assert checked.stderr == built.stderr
    strict_check = run_sitegen("check", str(site), "--now", NOW, "--strict")
    strict_build = run_sitegen("build", str(site), "--now", NOW, "--strict")
    assert strict_check.returncode == strict_build.returncode == 1
    assert strict_check.stderr == strict_build.stderr
