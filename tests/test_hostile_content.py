"""Content that slips past a careless check: addresses that smuggle themselves into
references or into print's fetches, autolinks, formulas, broken templates, a site
address that is not one. Each through the real CLI: the message, the exit status,
no traceback, and what the output holds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from conftest import NOW, REPO, run_sitegen, serving_address

NOTICE = "content/notices/2026-11-18-停水通知.md"
PAGE = "output/notices/2026-11-18-ting-shui-tong-zhi/index.html"
POSTER_HTML = "output/print/posters/2026-11-18-ting-shui-tong-zhi.html"

# Addresses of pictures that print must never fetch, in the spellings that slipped by:
# one slash, backslashes, a leading space, entities, no scheme, capitals, other schemes.
MARKDOWN_IMAGES = [
    "https:/evil.example/1.png",
    "https:\\\\evil.example\\2.png",
    "//evil.example/3.png",
    "HTTPS://evil.example/4.png",
    "http:evil.example/5.png",
    "https:///evil.example/6.png",
    "hTtP://evil.example/7.png",
    "https:evil.example/8.png",
    "ftp://evil.example/9.png",
    "file:///etc/passwd",
    "data:image/png;base64,iVBORw0KGgo=",
    "javascript:alert(10)",
]
PASTED_IMAGES = [
    " https://evil.example/11.png",
    "https&#58;//evil.example/12.png",
    "&#104;ttps://evil.example/13.png",
    "https:&#47;&#47;evil.example/14.png",
    " //evil.example/15.png",
    "\\\\evil.example\\share\\16.png",
    "/etc/17.png",
    "../assets/18.png",
    "&#9;javascript:alert(19)",
    "HTTPS:/evil.example/20.png",
    "https://evil.example/21.png",
    "sitegen-ref:assets/22.png",
]


def append(site: Path, text: str) -> None:
    path = site / NOTICE
    path.write_text(path.read_text("utf-8") + text, encoding="utf-8")


@pytest.mark.print
def test_print_lays_out_only_the_sites_own_pictures_whatever_the_spelling(make_site) -> None:
    site = make_site()
    path = site / NOTICE  # still current when the preview builds, as of today
    path.write_text(path.read_text("utf-8").replace("2026-11-25", "2099-12-31"), encoding="utf-8")
    append(
        site,
        "\n"
        + "".join(f"\n![图{n}]({src})\n" for n, src in enumerate(MARKDOWN_IMAGES, start=1))
        + "".join(
            f'\n<p><img src="{src}" alt="贴图{n}"></p>\n'
            for n, src in enumerate(PASTED_IMAGES, start=11)
        ),
    )
    built = run_sitegen("build", str(site), "--now", NOW)
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr and "FatalURLFetchingError" not in built.stderr
    assert f"{NOTICE}:" in built.stderr  # each removal is named at the notice
    poster = (site / POSTER_HTML).read_text("utf-8")
    sources = re.findall(r'<img\b[^>]*\bsrc="([^"]*)"', poster)
    unsafe = [s for s in sources if not s.startswith("data:image/svg+xml")]  # the QR code
    assert not [s for s in unsafe if "evil" in s or ":" in s or "\\" in s], sources
    shown = subprocess.run(
        ["pdftotext", str(site / POSTER_HTML.replace(".html", ".pdf")), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "图1" in shown and "贴图11" in shown  # descriptions stand in for the pictures
    page = (site / PAGE).read_text("utf-8")
    assert not re.search(r"<img\b(?![^>]*\bsrc=\")[^>]*>", page), "an <img> without a picture"
    assert "贴图18" in page and "图12" in page  # removed pictures keep their descriptions

    # the preview makes the same poster on demand, and answers
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", str(site), "--port", "0", "--no-drafts"],
        stderr=subprocess.PIPE, text=True, env=_env(),
    )  # fmt: skip
    try:
        address = serving_address(process)
        url = address + "print/posters/2026-11-18-ting-shui-tong-zhi.pdf"
        with urllib.request.urlopen(url, timeout=120) as reply:
            assert reply.status == 200 and reply.read().startswith(b"%PDF")
    finally:
        process.terminate()
        process.wait(timeout=30)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.mark.print
def test_a_refused_fetch_during_layout_is_a_warning_naming_the_notice(make_site) -> None:
    """A theme's print template asking for an address print never fetches: the poster
    is made without it, and the warning names the notice."""
    site = make_site()
    theme = site / "themes/mine"
    (theme / "templates/print").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: 我的\n", encoding="utf-8")
    base = Path(__file__).parent.parent / "sitegen/default_theme/templates/print/poster.html"
    template = base.read_text("utf-8").replace(
        '<div class="sheet-footer">',
        '<img src="https://evil.example/tracker.png" alt=""><div class="sheet-footer">',
    )
    assert "tracker" in template
    (theme / "templates/print/poster.html").write_text(template, encoding="utf-8")
    config = site / "content/site.yaml"
    config.write_text(config.read_text("utf-8") + "theme: mine\n", encoding="utf-8")
    built = run_sitegen("build", str(site), "--now", NOW)
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    assert (
        f"{NOTICE}: warning: print/posters/2026-11-18-ting-shui-tong-zhi.pdf is not fit "
        in built.stderr
    )
    assert "the layout left out what it could not load" in built.stderr
    assert "https://evil.example/tracker.png" in built.stderr
    assert (site / "output/print/posters/2026-11-18-ting-shui-tong-zhi.pdf").is_file()


def test_no_pasted_address_becomes_a_reference_to_a_file_of_the_site(make_site) -> None:
    secret = "content/notices/2026-11-19-名单.md"
    site = make_site({secret: "---\ntitle: 内部名单\ndate: 2026-11-18\n---\n名单正文。\n"})
    append(
        site,
        '\n<a href="sitegen-sitegen-ref:ref:notices/2026-11-19-名单.md">甲</a>\n'
        '<a href="sitegen-ref&#58;notices/2026-11-19-名单.md">乙</a>\n'
        '<a href="SITEGEN-REF:notices/2026-11-19-名单.md">丙</a>\n'
        '<a href="sitegen-ref:notices/2026-11-19-名单.md" href="https://example.org/">丁</a>\n'
        '<div><<mi>a href="sitegen-ref:notices/2026-11-19-名单.md">戊</a></div>\n\n'
        '<div><a <math> href="sitegen-ref:notices/2026-11-19-名单.md">己</a></div>\n\n'
        "[本站的链接](2026-11-19-名单.md)\n",
    )
    built = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert built.returncode == 0, built.stderr
    assert "removed the sitegen-sitegen-ref: address of <a>" in built.stderr
    page = (site / PAGE).read_text("utf-8")
    assert page.count("ming-dan") == 1, "only the Markdown link leads to the list"
    assert '<a href="../2026-11-19-ming-dan/index.html">本站的链接</a>' in page
    assert "sitegen-ref" not in page and "sitegen-own" not in page
    assert all(word in page for word in "甲乙丙丁戊己")

    # the list becomes a draft: no page names its address
    (site / secret).write_text(
        "---\ntitle: 内部名单\ndate: 2026-11-18\ndraft: true\n---\n名单正文。\n", encoding="utf-8"
    )
    assert run_sitegen("build", str(site), "--now", NOW, "--no-print").returncode == 0
    out = "".join(p.read_text("utf-8", "replace") for p in (site / "output").rglob("*.html"))
    assert "ming-dan" not in out


def test_autolinks_become_mail_links_and_messages_hold_no_control_characters(make_site) -> None:
    site = make_site()
    append(site, "\n联系 <zhangsan@example.com> 或 <mailto:li@example.com>。\n")
    (site / "content/assets").mkdir()
    (site / "content/assets/\x1b[2J表格.pdf").write_bytes(b"%PDF-1.4\n")
    built = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert built.returncode == 1  # the file's name is an error; the mail links are not
    assert "\x1b" not in built.stderr and "\x02" not in built.stderr and "\x03" not in built.stderr
    assert "content/assets/\\x1b[2J表格.pdf: error:" in built.stderr, built.stderr
    assert "zhangsan" not in built.stderr
    (site / "content/assets/\x1b[2J表格.pdf").unlink()
    built = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert built.returncode == 0, built.stderr
    page = (site / PAGE).read_text("utf-8")
    assert 'href="mailto:zhangsan@example.com"' in page
    assert 'href="mailto:li@example.com"' in page


def test_a_pasted_formula_keeps_its_text_and_the_warning_says_so(make_site) -> None:
    site = make_site()
    append(
        site,
        "\n面积 <math><mi>S</mi><mo>=</mo><mn>120</mn></math> 平方米，另有 <mi>x</mi> 处。\n\n"
        "<svg><text>示意图文字</text></svg>\n\n最后一段。\n",
    )
    built = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert built.returncode == 0, built.stderr
    assert "removed the <math> formula's layout (its text is kept)" in built.stderr
    assert "removed <svg> and what it holds" in built.stderr
    assert "what it held is not on the page" in built.stderr
    page = (site / PAGE).read_text("utf-8")
    assert "S=120" in page and "另有 x 处" in page and "最后一段" in page


def test_a_community_without_every_boundary_passes_check_and_build(make_site) -> None:
    site = make_site(
        {
            "content/communities/huashan.yaml": "name: 华山社区\nhouseholds: 1200\n"
            "boundaries:\n  east: 华山路\n  north: 铁路\n"
        }
    )
    for command in (["check"], ["build", "--no-print"]):
        result = run_sitegen(*command, str(site), "--now", NOW)
        assert result.returncode == 0, result.stderr
    page = (site / "output/communities/huashan/index.html").read_text("utf-8")
    assert "华山路" in page and "铁路" in page


def test_a_broken_theme_template_is_a_message_naming_the_file_and_line(make_site) -> None:
    site = make_site()
    theme = site / "themes/mine"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: 我的\n", encoding="utf-8")
    config = site / "content/site.yaml"
    config.write_text(config.read_text("utf-8") + "theme: mine\n", encoding="utf-8")
    (theme / "templates/notice.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n',
        encoding="utf-8",
    )
    built = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert built.returncode == 1
    assert "Traceback" not in built.stderr and "None:" not in built.stderr
    assert "themes/mine/templates/notice.html:3: error: the template (theme `mine`)" in built.stderr

    (theme / "templates/notice.html").unlink()
    (theme / "templates/community.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n\n{{ community.office.fax }}\n'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    built = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert built.returncode == 1
    assert "Traceback" not in built.stderr
    assert (
        "themes/mine/templates/community.html:4: error: the template (theme `mine`) failed "
        "while making communities/"
    ) in built.stderr, built.stderr
    assert "communities/" in built.stderr and "fax" in built.stderr, built.stderr


def test_base_url_must_be_a_full_web_address(make_site) -> None:
    for written, why in (
        ('"https://example.org/sq /"', "it holds a space, a quote, < > or a control character"),
        ("'https://example.org/\">x'", "it holds a space, a quote, < > or a control character"),
        ("https:/example.org/", "it names no host"),
        ("ftp://example.org/", "it starts with neither http:// nor https://"),
        ("https://example.org/?from=qr", "it holds ? or #"),
    ):
        site = make_site(
            {"content/site.yaml": f"title: 测试\nbase_url: {written}\nissuer: 测试办\n"}
        )
        result = run_sitegen("check", str(site), "--now", NOW)
        assert result.returncode == 1, written
        assert (
            f"content/site.yaml:2: error: `base_url` must be the site's full web address ({why})"
            in result.stderr
        ), result.stderr
        assert "Traceback" not in result.stderr
    for intranet in ("http://shequ/", "http://[fd00::5]/", "http://192.168.1.20:8080/sq/"):
        site = make_site(
            {"content/site.yaml": f"title: 测试\nbase_url: {intranet}\nissuer: 测试办\n"}
        )
        assert run_sitegen("check", str(site), "--now", NOW).returncode == 0, intranet


def test_numbers_past_any_use_and_titles_past_a_page_are_messages(make_site) -> None:
    site = make_site(
        {
            "content/pages/about.md": "---\ntitle: 关于\nmenu: -99999999999999999999\n---\n正文\n",
            "content/site.yaml": "title: 测试\nbase_url: https://example.org/\n"
            "posters:\n  recent_days: 99999999\nper_page: 1e400\n",
            "content/notices/2026-11-19-长标题.md": "---\ntitle: "
            + "关于" * 150
            + "\ndate: 2026-11-19\n---\n正文\n",
        }
    )
    result = run_sitegen("build", str(site), "--now", NOW)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for expected in (
        "content/pages/about.md:3: error: `menu`: `-99999999999999999999` is far larger than "
        "any number sitegen reads here",
        "content/site.yaml:4: error: `recent_days`: expected at most 3660 days, found `99999999`",
        "content/site.yaml:5: error: `per_page`: expected a whole number, found `1e400`",
        "content/notices/2026-11-19-长标题.md:2: error: `title`: the title is 300 characters long",
    ):
        assert expected in result.stderr, result.stderr


def test_new_refuses_a_title_that_would_break_the_file(make_site) -> None:
    site = make_site()
    for title in ("停水\nb: c\n---\n<script>", "\x1b[2J通知", "   "):
        result = run_sitegen("new", "notice", title, "--site", str(site), "--now", NOW)
        assert result.returncode == 1, title
        assert "is empty or holds a line break or another control character" in result.stderr
        assert "\x1b" not in result.stderr
    assert sorted(p.name for p in (site / "content/notices").iterdir()) == [
        "2026-11-18-停水通知.md"
    ]
