"""Pure units: no files, no processes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sitegen.content.fields import FieldReader, Invalid, parse_moment
from sitegen.content.markup import MarkdownConverter, summarize
from sitegen.content.schemas import NOTICE
from sitegen.content.slugs import slugify
from sitegen.content.sourcetext import UndecodableFile, decode_source
from sitegen.content.yamlnodes import parse_yaml
from sitegen.errors import Diagnostics
from sitegen.model import Body, Notice
from sitegen.site.urls import canonical, relative, resolve_refs, term_slugs
from sitegen.site.visibility import Flags, State, is_current, is_published, state

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXAMPLE_NOTICES = Path(__file__).parent.parent / "content" / "notices"


def read(text: str, schema=NOTICE) -> tuple[dict, Diagnostics]:
    diagnostics = Diagnostics()
    values = FieldReader(Path("n.md"), diagnostics, SHANGHAI).read_map(parse_yaml(text), schema)
    return values, diagnostics


def test_yaml_values_keep_the_text_written() -> None:
    values, diagnostics = read(
        "title: no\ndate: 2026-11-20\ntags: [yes, on, 10:00, 1.10]\nsummary: 09:30\n"
    )
    values.pop("date")
    assert values == {"title": "no", "tags": ["yes", "on", "10:00", "1.10"], "summary": "09:30"}
    assert diagnostics.items == []


def test_date_without_offset_is_in_the_site_time_zone() -> None:
    values, _ = read("title: t\ndate: 2026-11-20 08:00\nexpires: 2026-11-21\n")
    assert values["date"] == datetime(2026, 11, 20, 8, 0, tzinfo=SHANGHAI)
    assert values["expires"] == datetime(2026, 11, 22, 0, 0, tzinfo=SHANGHAI), (
        "a date alone covers that whole day"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=SHANGHAI)),
        ("2026-11-20 09:00", datetime(2026, 11, 20, 9, tzinfo=SHANGHAI)),
        ("2026-11-20T09:00:00+08:00", datetime(2026, 11, 20, 1, tzinfo=ZoneInfo("UTC"))),
        ("2026-11-20T01:00:00Z", datetime(2026, 11, 20, 9, tzinfo=SHANGHAI)),
    ],
)
def test_date_forms(raw: str, expected: datetime) -> None:
    assert parse_moment(raw, SHANGHAI) == expected


def test_slash_dates_get_a_hint() -> None:
    with pytest.raises(Invalid) as caught:
        parse_moment("2026/11/20", SHANGHAI)
    assert caught.value.hint.startswith("use dashes")


def test_unknown_key_suggests_the_close_one() -> None:
    _, diagnostics = read("title: t\ndate: 2026-11-20\nexpire: 2026-12-01\n")
    [problem] = diagnostics.items
    assert str(problem) == "n.md:3: error: unknown key `expire`\n    hint: did you mean `expires`?"


def test_bom_crlf_and_gb18030() -> None:
    assert decode_source(b"\xef\xbb\xbftitle: a\r\nx\r\n", Path("a")).text == "title: a\nx\n"
    decoded = decode_source("标题：停水".encode("gb18030"), Path("a.md"))
    assert decoded.text == "标题：停水" and len(decoded.warnings) == 1
    with pytest.raises(UndecodableFile) as caught:
        decode_source(b"ok\n\x81\x30\xff\xff", Path("b.md"))
    assert "byte offset 3" in caught.value.diagnostic.message


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("2026-11-10-冬季供暖缴费通知", "2026-11-10-dong-ji-gong-nuan-jiao-fei-tong-zhi"),
        ("关于我们", "guan-yu-wo-men"),
        ("Water Outage_2026", "water-outage-2026"),
        ("《通知》", "tong-zhi"),
    ],
)
def test_slugs(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_markdown_links_become_references_and_unsafe_ones_go() -> None:
    converter = MarkdownConverter({"notices/a.md", "notices/b.md", "assets/map.svg"})
    rendered = converter.convert(
        "[b](b.md#x) ![m](../assets/map.svg) [j](javascript:alert(1)) [n](nope.md) <b onclick=x>hi</b>",
        "notices/a.md",
    )
    assert 'href="sitegen-ref:notices/b.md#x"' in rendered.html
    assert 'src="sitegen-ref:assets/map.svg"' in rendered.html
    assert "javascript" not in rendered.html and "<a>j</a>" in rendered.html
    assert rendered.refs == {"notices/b.md", "assets/map.svg"}
    # Pasted HTML keeps its formatting and loses its script, with a warning.
    assert "<b>hi</b>" in rendered.html and "onclick" not in rendered.html
    assert [(b.target, b.severity) for b in rendered.broken] == [
        ("javascript:alert(1)", "warning"),
        ("nope.md", "error"),
        ("<b onclick=x>", "warning"),
    ]
    assert "onclick" in rendered.broken[2].message


def test_time_ranges_in_the_text_do_not_break_and_those_in_tags_are_left() -> None:
    html = (
        MarkdownConverter(set())
        .convert(
            "停水时间 9:00-17:30，复水 18：00至20：00。\n\n"
            '<abbr title="8:00-9:00">早班</abbr> | 表 | 时间 |\n\n| 时段 |\n|---|\n| 7:30 ~ 8:30 |',
            "notices/a.md",
        )
        .html
    )
    shown = [
        '<span class="nowrap">9:00-17:30</span>',
        '<span class="nowrap">18：00至20：00</span>',
        '<td><span class="nowrap">7:30 ~ 8:30</span></td>',
    ]
    assert all(part in html for part in shown), html
    assert 'title="8:00-9:00"' in html and html.count("nowrap") == 3


def test_summary_cuts_chinese_at_a_sentence_end() -> None:
    html = "<p>" + "各位居民：因管道维修需要停水。" * 10 + "</p>"
    summary = summarize(html, limit=40)
    assert summary.endswith("。") and len(summary) <= 40


def test_relative_urls_name_files() -> None:
    assert relative("notices/a/index.html", "notices/b/index.html") == "../b/index.html"
    assert relative("index.html", "notices/b/index.html") == "notices/b/index.html"
    assert relative("notices/a/index.html", "index.html") == "../../index.html"
    assert canonical("https://x.cn/sq/", "notices/b/index.html") == "https://x.cn/sq/notices/b/"


def test_references_resolve_per_page_and_unpublished_ones_lose_the_link() -> None:
    html = '<a href="sitegen-ref:notices/b.md#x">b</a><a href="sitegen-ref:notices/draft.md">d</a>'
    targets = {"notices/b.md": "notices/bee/index.html"}
    out = resolve_refs(html, "notices/a/index.html", targets)
    assert out == '<a href="../bee/index.html#x">b</a><a data-unpublished="">d</a>'
    # an unpublished picture leaves its description, never an <img> without one
    pictures = '<p><img alt="草图" src="sitegen-ref:notices/draft.md"> 后</p>'
    assert resolve_refs(pictures, "notices/a/index.html", targets) == "<p>草图 后</p>"
    assert 'href="https://x.cn/notices/bee/#x"' in resolve_refs(
        html, "feed.xml", targets, "https://x.cn/"
    )


def test_term_slugs_are_unique() -> None:
    slugs = term_slugs(["施工", "师公", "停水"])
    assert len(set(slugs.values())) == 3


def notice(**changes) -> Notice:
    base = dict(
        slug="n",
        title="t",
        source=Path("n.md"),
        body=Body(""),
        summary="",
        links=frozenset(),
        digest="",
        slug_line=None,
    )
    base["date"] = datetime(2026, 11, 20, 8, tzinfo=SHANGHAI)
    return Notice(**{**base, **changes})


def test_one_visibility_predicate() -> None:
    now = datetime(2026, 11, 20, 9, tzinfo=SHANGHAI)
    assert state(notice(), now) is State.CURRENT
    assert state(notice(draft=True), now) is State.DRAFT
    assert state(notice(date=datetime(2026, 11, 21, tzinfo=SHANGHAI)), now) is State.SCHEDULED
    expired = notice(expires=datetime(2026, 11, 20, 9, tzinfo=SHANGHAI))
    assert state(expired, now) is State.EXPIRED
    assert is_published(expired, now, Flags()) and not is_current(expired, now, Flags())
    assert not is_published(notice(draft=True), now, Flags())
    assert is_published(notice(draft=True), now, Flags(drafts=True))


def test_a_comment_after_text_is_a_warning() -> None:
    values, diagnostics = read("title: 第3号通知 #重要\ndate: 2026-11-20  # 发布日期\n")
    assert values["title"] == "第3号通知"
    [warning] = diagnostics.items
    assert str(warning) == (
        "n.md:1: warning: only `第3号通知` is read here: in YAML, ` #` starts a comment\n"
        '    hint: if the `#` part belongs to the text, put it all in quotes: "第3号通知 #…"'
    )


def test_a_chinese_comma_in_a_list_is_a_warning() -> None:
    values, diagnostics = read("title: t\ndate: 2026-11-20\ntags: [防火，安全, 停水]\n")
    assert values["tags"] == ["防火，安全", "停水"]
    assert [str(d) for d in diagnostics.items] == [
        "n.md:3: warning: `防火，安全` is read as one item: list items are separated by an English comma\n"
        "    hint: write [防火, 安全], not [防火，安全]"
    ]


def test_heading_ids_are_those_the_toc_extension_gives() -> None:
    """Our heading ids skip the toc extension's table of contents, not its naming."""
    import re
    from functools import partial

    import markdown
    from markdown.extensions.toc import slugify as toc_slugify

    text = (
        "## 一、基本情况\n\n## 一、基本情况\n\n## 水电 & 燃气\n\n## **重要**提示\n\n"
        "### 时间：9:00<10:00\n\n## `代码`与[链接](https://x.cn)\n\n## 一、基本情况_1\n\n#### Q&amp;A\n"
    )
    toc = markdown.Markdown(
        extensions=["toc"],
        extension_configs={"toc": {"slugify": partial(toc_slugify, unicode=True)}},
    )
    expected = re.findall(r'<h\d id="([^"]*)"', toc.convert(text))
    ours = re.findall(r'<h\d id="([^"]*)"', MarkdownConverter(set()).convert(text, "x.md").html)
    assert ours == expected
    assert len(set(ours)) == len(ours) == 8


def test_pasted_html_edge_cases_keep_the_rest_of_the_body() -> None:
    converter = MarkdownConverter({"notices/a.md", "assets/map.png"})

    def convert(text: str):
        return converter.convert(text, "notices/b.md")

    # Any pasted HTML cleans the whole body: links to a place on the page stay.
    assert (
        '<a href="#二">第二节</a>' in convert("见[第二节](#二)\n\n| a<br>b |\n|---|\n| 1 |\n").html
    )
    # A table pasted inside a paragraph: its wrapper ends with it.
    html = convert("说明：<table><tr><td>甲</td></tr></table>\n\n## 下一节\n\n正文\n").html
    assert html.index("</div>") < html.index("下一节")
    # A <style> or <textarea> never closed would take the rest of the notice with it.
    for tag in ("<style>", "<textarea>", "<svg>"):
        rendered = convert(f"文字{tag}内容\n\n## 明天停水\n\n请储水 8:00-9:00\n")
        assert "明天停水</h2>" in rendered.html and "请储水" in rendered.html, rendered.html
        assert "&lt;" not in rendered.html
        assert f"removed {tag}, which is never closed" in rendered.broken[0].message
    # Words in angle brackets are text, not tags.
    assert "&lt;A区&gt;和&lt;B区&gt;明天停水" in convert("<A区>和<B区>明天停水\n").html
    # A pasted reference is not one of Markdown's checked links: it goes, with a warning.
    rendered = convert('<a href="sitegen-ref:notices/a.md">x</a>\n')
    assert "<a>x</a>" in rendered.html and "sitegen-ref" not in rendered.html
    assert rendered.broken[0].message == "pasted HTML: removed the sitegen-ref: address of <a>"
    # What an <svg> holds goes with it, and is not warned about tag by tag.
    rendered = convert("<svg><text>图</text></svg>文字\n")
    assert [b.message for b in rendered.broken] == ["pasted HTML: removed <svg> and what it holds"]
    # A picture in a link is not wrapped in another.
    html = convert("[**![图](../assets/map.png)**](https://x.org/)\n").html
    assert html.count("<a ") == 1 and "image-link" not in html


def test_the_gated_inline_processor_changes_nothing_but_the_time() -> None:
    """Every inline syntax, nested and broken, converts exactly as with the stock processor."""
    from markdown.treeprocessors import InlineProcessor

    from sitegen.content.inline_gate import GatedInlineProcessor

    gated = MarkdownConverter({"notices/a.md", "assets/map.png"})
    assert isinstance(gated._md.treeprocessors["inline"], GatedInlineProcessor), (
        "this Python-Markdown has no __handleInline: check inline_gate.py against its loop"
    )
    stock = MarkdownConverter({"notices/a.md", "assets/map.png"})
    stock._md.treeprocessors.register(InlineProcessor(stock._md), "inline", 20)
    bodies = [
        "请**务必**在*今晚*前储水，`代码` 与 ``a`b`` 和 \\*不是强调\\*。\n",
        '见[通知](a.md)、[外链](https://x.cn "标题")、![地图](../assets/map.png)和<https://x.cn>、<a@b.cn>。\n',
        "***又粗又斜*** __粗__ _斜_ snake_case_name **未闭合 *也未闭合\n",
        "第一行  \n第二行\n第三行&amp;&copy;&#20013; <span>内联</span> <A区>\n",
        "[参考][r] 与 [r] 和 ![图][r]\n\n[r]: a.md\n",
        "- **一**、[链接*里的强调*](a.md)\n- `**不是强调**`\n\n| 甲 | *乙* |\n|---|---|\n| [a](a.md) | 8:00-9:00 |\n",
        "> 引用里的**强调**和`代码`\n>\n> 第二段 ~~删除~~ ==标记==\n",
        "",
    ]
    bodies += [
        path.read_text(encoding="utf-8-sig") for path in sorted(EXAMPLE_NOTICES.glob("*.md"))
    ]
    for body in bodies:
        assert gated.convert(body, "notices/b.md").html == stock.convert(body, "notices/b.md").html


def test_a_read_of_now_is_noted_as_the_part_read() -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from sitegen.outputs.moment import ReadMoment, same_between
    from sitegen.outputs.render import cn_date

    tz = ZoneInfo("Asia/Shanghai")
    moment = datetime(2027, 3, 5, 10, 30, tzinfo=tz)

    def read(use) -> set[str]:
        reads: set[str] = set()
        use(ReadMoment(moment, reads))
        return reads

    assert read(lambda now: now.month) == {"now:month"}
    assert read(lambda now: now.year) == {"now:year"}
    assert read(lambda now: cn_date(now)) == {"now:year", "now:month", "now:date"}
    assert read(lambda now: cn_date(now.astimezone(tz))) == {"now:year", "now:month", "now:date"}
    for whole in (
        lambda now: now.hour, lambda now: now < moment, lambda now: now - timedelta(days=1),
        lambda now: str(now), lambda now: f"{now:%Y}", lambda now: now.isoformat(),
        lambda now: now.astimezone(ZoneInfo("UTC")), lambda now: now == moment,
    ):  # fmt: skip
        assert "now" in read(whole)
    assert ReadMoment(moment, set()) == moment and ReadMoment(moment, set()) - moment == timedelta()

    # the stretch of time in which what was read stays the same
    assert same_between(moment, {"now:month", "links:x"}) == (
        datetime(2027, 3, 1, tzinfo=tz), datetime(2027, 4, 1, tzinfo=tz),
    )  # fmt: skip
    assert same_between(moment, {"now:date", "now:year"}) == (
        datetime(2027, 3, 5, tzinfo=tz), datetime(2027, 3, 6, tzinfo=tz),
    )  # fmt: skip
    assert same_between(moment, {"now:year"})[1] == datetime(2028, 1, 1, tzinfo=tz)
    assert same_between(moment, {"now", "now:year"}) == (moment, moment)
    assert same_between(moment, {"targets"}) is None
    december = datetime(2027, 12, 31, 23, 0, tzinfo=tz)
    assert same_between(december, {"now:month"})[1] == datetime(2028, 1, 1, tzinfo=tz)


# The cache database's layout and the types it holds, as they were when SCHEMA_VERSION
# was last set. A change to either makes this test fail: give SCHEMA_VERSION the next
# number (old caches are then set aside at once, instead of failing entry by entry),
# and record the new digest here.
SCHEMA_OF_VERSION = {5: "7cf05b60237fa0dc49ccda98365f9ceb"}


def _layout(kind, seen: set) -> list[str]:
    import dataclasses
    import typing

    if not dataclasses.is_dataclass(kind) or kind in seen:
        return [str(kind)]
    seen.add(kind)
    hints = typing.get_type_hints(kind)
    parts = [kind.__name__]
    for field in dataclasses.fields(kind):
        parts.append(f"{field.name}:{hints[field.name]}")
        for inner in (hints[field.name], *typing.get_args(hints[field.name])):
            if dataclasses.is_dataclass(inner):
                parts += _layout(inner, seen)
    return parts


def test_the_cache_schema_version_follows_its_tables_and_types() -> None:
    import hashlib

    from sitegen.incremental import cache_db
    from sitegen.incremental.parse_cache import CACHED_TYPES
    from sitegen.incremental.record import Snapshot

    seen: set = set()
    parts = [cache_db.SCHEMA]
    for kind in (*CACHED_TYPES.values(), Snapshot):
        parts += _layout(kind, seen)
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    assert SCHEMA_OF_VERSION.get(cache_db.SCHEMA_VERSION) == digest, (
        f"the cache's tables or types changed ({digest}): bump cache_db.SCHEMA_VERSION "
        "and record the new digest in SCHEMA_OF_VERSION"
    )


def test_the_code_fingerprints_follow_the_import_graph() -> None:
    """The import lines as the fingerprints read them are the imports Python's own parser
    finds, and every module that plans an output is in a kind's fingerprint."""
    import ast

    from sitegen.incremental import code_version

    modules = code_version.modules_of()
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names if alias.name.startswith("sitegen")}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sitegen"):
                assert node.level == 0, f"{name}: a relative import the scan does not read"
                found.add(node.module)
                found |= {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
        assert found == set(code_version._imports(name)), name
    import re

    planners = {
        name for name, path in modules.items()
        if re.search(r"\bOutput\(", path.read_text("utf-8")) and name != "sitegen.outputs.plan"
    }  # fmt: skip
    kinds = code_version.imported_by(code_version.PAGES) | code_version.imported_by(
        code_version.PRINT
    )
    assert planners and planners <= kinds, planners - kinds


def test_a_read_moment_keeps_its_fold_and_copies_read_the_whole() -> None:
    import copy
    import pickle
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from sitegen.outputs.moment import ReadMoment

    repeated = datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/New_York"), fold=1)
    reads: set[str] = set()
    moment = ReadMoment(repeated, reads)
    assert moment.astimezone(UTC) == repeated.astimezone(UTC)  # 06:30, not 05:30
    for whole in (copy.copy, copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))):
        reads.clear()
        assert whole(moment) == repeated and reads == {"now"}
