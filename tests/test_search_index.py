"""The search index as files: what is in it, what is never in it, and what an edit rewrites."""

from __future__ import annotations

import json
import re

from conftest import NOW, run_sitegen

from sitegen.outputs.search import bigrams, fold, plain_text, shard_of

NOTICE = """\
---
title: {title}
date: {date}
{extra}---
各位居民：

{body}
"""


def notice(title: str, body: str, date: str = "2026-11-10 09:00", extra: str = "") -> str:
    return NOTICE.format(title=title, body=body, date=date, extra=extra)


def _calls(path) -> list:
    """The arguments of the sitegenSearch call a shard file makes."""
    text = path.read_text("utf-8")
    match = re.fullmatch(r"sitegenSearch\.\w+\((.*)\);\n", text, re.S)
    assert match, text[:200]
    return json.loads(f"[{match.group(1)}]")


def test_words_are_bigrams_of_letters_and_digits_folded() -> None:
    assert bigrams("停水通知") == {"停水", "水通", "通知"}
    assert bigrams("１２栋，Ｂ座") == {"12", "2栋", "b座"}  # a sign ends a run
    assert fold("ＡＢｃ１") == "abc1"
    assert (
        plain_text("<p>请<strong>务必</strong>注意</p><p>第二段&amp;</p>") == "请务必注意 第二段&"
    )
    assert 0 <= shard_of("停水", 128) < 128 and shard_of("停水", 1) == 0


def test_the_index_holds_published_notices_and_never_drafts(make_site) -> None:
    site = make_site(
        {
            "content/notices/2026-11-10-a.md": notice(
                "关于燃气检查的通知", "请留意入户检查的工作人员证件。"
            ),
            "content/notices/2026-11-12-draft.md": notice(
                "草稿通知", "这是尚未发布的机密草稿内容。", extra="draft: true\n"
            ),
            "content/notices/2026-12-30-later.md": notice(
                "以后的通知", "年底才公布的预定发布内容。", date="2026-12-30 09:00"
            ),
        }
    )
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 0, result.stderr
    out = site / "output"
    (manifest,) = _calls(out / "search/index.js")
    assert [s[0] for s in manifest["segments"]] == ["0"]  # no pages in this site
    rows = [row for block in sorted((out / "search/0").glob("d*.js")) for row in _calls(block)[2]]
    titles = {row[1] for row in rows}
    assert titles == {"关于燃气检查的通知", "关于临时停水的通知"}, titles
    everything = "".join(p.read_text("utf-8") for p in (out / "search").rglob("*.js"))
    for hidden in ("机密草稿", "预定发布", "草稿通知", "以后的通知"):
        assert hidden not in everything
    page = (out / "search/index.html").read_text("utf-8")
    noscript = page.split("<noscript>")[1].split("</noscript>")[0]
    assert "JavaScript" in noscript and "archive/index.html" in noscript


def test_an_edit_rewrites_only_the_shards_it_touches(make_site) -> None:
    many = {
        f"content/notices/2026-10-{day:02d}-n{day}.md": notice(
            f"第{day}号通知", f"第{day}号通知的正文，关于社区第{day}项工作安排。"
        )
        for day in range(1, 29)
    }
    site = make_site(many)
    assert run_sitegen("build", str(site), "--now", NOW, "--no-print").returncode == 0
    folder = site / "output/search"
    before = {p: p.read_bytes() for p in folder.rglob("*.js")}
    stamps = {p: p.stat().st_mtime_ns for p in before}
    edited = site / "content/notices/2026-10-07-n7.md"
    edited.write_text(notice("第7号通知", "第7号通知的正文，关于社区第7项工作部署。"), "utf-8")
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 0, result.stderr
    after = {p: p.read_bytes() for p in folder.rglob("*.js")}
    assert after.keys() == before.keys()
    changed = sorted(p.relative_to(folder).as_posix() for p in after if after[p] != before[p])
    touched = {
        shard_of(b, len(list((folder / "0").glob("t*.js"))))
        for b in bigrams("第7项工作安排") ^ bigrams("第7项工作部署")
    }
    blocks = [c for c in changed if "/d" in c]
    assert blocks == ["0/d0.js"], changed  # notice 7 of 29, oldest first: the first block
    assert {c for c in changed if "/t" in c} <= {f"0/t{n}.js" for n in touched}, changed
    # And the manifest, which holds each segment's version.
    assert "index.js" in changed
    assert 2 < len(changed) <= 2 + len(touched) < len(after) / 2, changed
    untouched = [p for p in after if after[p] == before[p]]
    assert all(p.stat().st_mtime_ns == stamps[p] for p in untouched), "unchanged files rewritten"


def test_a_build_without_search_has_no_index_and_no_box_until_built_with_it(make_site) -> None:
    """`--no-search`, as `--no-print`: the like-for-like build beside generators that
    make no index; the next build with search makes it again, and the box."""
    site = make_site()
    output = site / "output"
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print", "--no-search")
    assert result.returncode == 0, result.stderr
    assert not (output / "search").exists()
    pages = list(output.rglob("*.html"))
    assert pages and not any('role="search"' in p.read_text("utf-8") for p in pages)
    assert run_sitegen("build", str(site), "--now", NOW, "--no-print").returncode == 0
    assert (output / "search/index.js").is_file() and (output / "search/index.html").is_file()
    home = (output / "index.html").read_text("utf-8")
    assert 'role="search"' in home and 'action="search/index.html"' in home
