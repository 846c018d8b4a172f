"""Every key a user may write, and what type its value has.

One table per kind of file; `sitegen.content.parse` reads files by them. Anything not
declared here is an unknown key, reported with a "did you mean".
"""

from __future__ import annotations

import re

from sitegen.content.fields import (
    Field,
    Invalid,
    boolean,
    free_form,
    list_item_text,
    list_of,
    moment,
    moment_end,
    number,
    one_of,
    record,
    text,
    whole_number,
)
from sitegen.content.yamlnodes import Map, Node, Scalar
from sitegen.model import (
    GONGWEN_PAPER,
    ORIENTATIONS,
    PAPERS,
    POSTER_STYLES,
    PRINT_PROFILES,
    VALIDITY,
)

paper = one_of(*PAPERS)
orientation = one_of(*ORIENTATIONS)
PAPER_SCHEMA = {"paper": Field(paper), "orientation": Field(orientation)}
POSTER_SCHEMA = {**PAPER_SCHEMA, "style": Field(one_of(*POSTER_STYLES)), "header": Field(text)}
PRINT_SCHEMA = {"profile": Field(one_of(*PRINT_PROFILES)), "marks": Field(boolean)}


def audience(node: Node, reader) -> list[str] | None:
    """`all` (None) or a list of community slugs."""
    if isinstance(node, Scalar) and node.text.strip().lower() in ("all", "全部"):
        return None
    return list_of(text)(node, reader)


def poster_map(schema: dict[str, Field], what: str):
    """A map of poster settings: its paper, its style, the 公文 layout's header.
    The 公文 layout is A4 portrait by the standard, so it takes no other paper."""
    read = record(schema, what)

    def convert(node: Node, reader) -> dict:
        values = read(node, reader)
        if values.get("style") != "gongwen":
            return values
        for key, only in (
            ("paper", GONGWEN_PAPER.paper),
            ("orientation", GONGWEN_PAPER.orientation),
        ):
            if key in values and values[key] != only:
                raise Invalid(
                    f"the 公文 layout (`style: gongwen`) is {GONGWEN_PAPER.paper} "
                    f"{GONGWEN_PAPER.orientation} only, found `{key}: {values[key]}`",
                    f"leave `{key}` out: a 公文 is printed on one or more A4 pages, "
                    "which go on any board",
                    line=node.keys.get(key) if isinstance(node, Map) else None,
                )
        return values

    return convert


def poster_setting(node: Node, reader) -> dict | bool:
    """`false` (no poster), `true`, or a map of poster settings."""
    if isinstance(node, Scalar):
        return boolean(node, reader)
    return poster_map(POSTER_SCHEMA, "`poster`")(node, reader)


def positive(convert):
    def checked(node: Node, reader):
        value = convert(node, reader)
        if value <= 0:
            raise Invalid(f"expected a number above 0, found `{value}`")
        return value

    return checked


def at_least(minimum: float, convert, hint: str):
    def checked(node: Node, reader):
        value = convert(node, reader)
        if value < minimum:
            raise Invalid(f"expected at least {minimum:g}, found `{_number(value)}`", hint)
        return value

    return checked


def at_most(maximum: float, convert, what: str):
    """`convert`'s value, refused above `maximum` (`what`: the unit, for the message)."""

    def checked(node: Node, reader):
        value = convert(node, reader)
        if value > maximum:
            raise Invalid(
                f"expected at most {maximum:g} {what}, found `{_number(value)}`",
                "check the number",
            )
        return value

    return checked


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


TEN_YEARS = 3660  # days: the longest any posting or 公示 period sitegen counts


MIN_BANNER_MARGIN_CM = 5.0
BANNER_MARGIN_HINT = (
    "a banner needs at least 5 cm of plain cloth at each end for its hems and grommets; "
    "leave `margin_cm` out for 5 cm"
)


def font_family(node: Node, reader) -> str:
    """A CSS font-family list; it goes into a <style> element, so nothing that could end it."""
    value = text(node, reader)
    if any(mark in value for mark in "<>{};"):
        raise Invalid(
            f"a font list may not contain < > {{ }} or ;, found `{value}`",
            "list font names separated by commas, for example '\"Noto Sans SC\", sans-serif'",
        )
    return value


MAX_TITLE = 200  # characters: four lines of a poster; official titles stay under a hundred


def title(node: Node, reader) -> str:
    value = text(node, reader)
    if len(value) > MAX_TITLE:
        raise Invalid(
            f"the title is {len(value)} characters long, more than the {MAX_TITLE} a page "
            "or a poster can carry (was the text pasted into the title?)",
            "keep the title to one sentence, and put the rest in the body below the `---`",
        )
    return value


POSTERS_SCHEMA = {
    **PAPER_SCHEMA,
    "style": Field(one_of(*POSTER_STYLES)),
    "header": Field(text),
    "recent_days": Field(
        at_least(
            0,
            at_most(TEN_YEARS, whole_number, "days"),
            "a number of days, for example 7 (0: posters only for notices due on a board or asking for one)",
        )
    ),
}


ICP_NUMBER = re.compile(r"[\u4e00-\u9fff]ICP[备证]\d{6,10}号(-\d+)?")
POLICE_NUMBER = re.compile(r"[\u4e00-\u9fff]公网安备\s*(\d{14})号")


def icp_number(node: Node, reader) -> str:
    """An ICP 备案 number as MIIT issues it: 浙ICP备12345678号, or with -1 for a site."""
    value = text(node, reader).strip()
    if not ICP_NUMBER.fullmatch(value):
        raise Invalid(
            f"`{value}` is not an ICP 备案 number",
            "copy it as the record shows it, for example 浙ICP备12345678号-1",
        )
    return value


def police_number(node: Node, reader) -> str:
    """A 公安备案 number: 浙公网安备 33010602000000号 (14 digits)."""
    value = text(node, reader).strip()
    if not POLICE_NUMBER.fullmatch(value):
        raise Invalid(
            f"`{value}` is not a 公安备案 number",
            "copy it as the record shows it, for example 浙公网安备 33010602000001号 (14 digits)",
        )
    return value


DOC_NO = re.compile(r"\S+〔\d{4}〕\d+号")
_WRONG_BRACKETS = re.compile(r"[\[［(（【]\s*(\d{4})\s*[\]］)）】]")


def doc_no(node: Node, reader) -> str:
    """A 发文字号 as GB/T 9704 writes it: 机关代字〔年份〕序号号, the year in 〔〕."""
    value = text(node, reader).strip()
    if DOC_NO.fullmatch(value):
        return value
    fixed = _WRONG_BRACKETS.sub(r"〔\1〕", value)
    hint = (
        f"the year goes in 六角括号 〔〕, not [] or (): write `{fixed}`"
        if fixed != value and DOC_NO.fullmatch(fixed)
        else "write it as 机关代字〔年份〕序号号, for example 清社建〔2026〕12号"
    )
    raise Invalid(f"`{value}` is not a 发文字号", hint)


DISCLOSURE = {
    "index_no": Field(text),
    "topic": Field(text),
    "publisher": Field(text),
    "written": Field(moment),
    "doc_no": Field(doc_no),
    "validity": Field(one_of(*VALIDITY)),
}


def publish_targets(node: Node, reader) -> dict[str, tuple[str, dict[str, str]]]:
    """`publish:`: each target's name and its address (`NAME: URL`), or a map of the
    address and its settings (`NAME: {url: …, encoding: gbk}`), checked as a target."""
    from sitegen.publish.targets import TargetError, parse_target

    if not isinstance(node, Map):
        raise Invalid(
            "expected one `NAME: address` line for each place the site is published to",
            "for example `host: ftp://staff@www.example.gov.cn/www`",
        )
    targets = {}
    for name, value in node.values.items():
        line = node.keys.get(name, value.line)
        if isinstance(value, Map):
            settings = {key: text(item, reader) for key, item in value.values.items()}
            url = settings.pop("url", "")
        else:
            url, settings = text(value, reader), {}
        try:
            parse_target(url, settings)
        except TargetError as err:
            raise Invalid(f"target `{name}`: {err.message}", err.hint, line=line) from err
        targets[name] = (url, settings)
    return targets


SITE = {
    "title": Field(title, required=True),
    "base_url": Field(text, required=True),
    "description": Field(text),
    "language": Field(text),
    "timezone": Field(text),
    "theme": Field(text),
    "issuer": Field(text),
    "categories": Field(list_of(text)),
    "per_page": Field(positive(at_most(1000, whole_number, "notices a page"))),
    "posters": Field(poster_map(POSTERS_SCHEMA, "`posters`")),
    "print": Field(record(PRINT_SCHEMA, "`print`")),
    "publish": Field(publish_targets),
    "publicity": Field(
        record(
            {
                "category": Field(text),
                "min_days": Field(positive(at_most(TEN_YEARS, whole_number, "days"))),
            },
            "`publicity`",
        )
    ),
    "share_image": Field(text),
    "footer": Field(
        record(
            {
                "host": Field(text),
                "contact": Field(text),
                "icp": Field(icp_number),
                "police": Field(police_number),
            },
            "`footer`",
        )
    ),
}

NOTICE = {
    "title": Field(title, required=True),
    "date": Field(moment, required=True),
    "expires": Field(moment_end),
    "communities": Field(audience),
    "category": Field(text),
    "tags": Field(list_of(list_item_text)),
    "campaign": Field(text),
    "pinned": Field(boolean),
    "urgent": Field(boolean),
    "draft": Field(boolean),
    "issuer": Field(text),
    "poster": Field(poster_setting),
    "disclosure": Field(record(DISCLOSURE, "`disclosure`")),
    "summary": Field(text),
    "slug": Field(text),
    "extra": Field(free_form),
}

CAMPAIGN = {
    "title": Field(title, required=True),
    "slogans": Field(list_of(text)),
    "start": Field(moment),
    "end": Field(moment_end),
    "theme": Field(text),
    "communities": Field(audience),
    "banner": Field(
        record(
            {
                "width_cm": Field(positive(at_most(10000, number, "cm"))),
                "height_cm": Field(positive(at_most(10000, number, "cm"))),
                "margin_cm": Field(at_least(MIN_BANNER_MARGIN_CM, number, BANNER_MARGIN_HINT)),
            },
            "`banner`",
        )
    ),
    "summary": Field(text),
    "slug": Field(text),
    "extra": Field(free_form),
}

PAGE = {
    "title": Field(title, required=True),
    "slug": Field(text),
    "summary": Field(text),
    "menu": Field(whole_number),
    "draft": Field(boolean),
    "extra": Field(free_form),
}

COMMUNITY = {
    "name": Field(text, required=True),
    "households": Field(positive(whole_number)),
    "population": Field(positive(whole_number)),
    "area_km2": Field(positive(number)),
    "formed_from": Field(list_of(text)),
    "boundaries": Field(
        record({side: Field(text) for side in ("east", "south", "west", "north")}, "`boundaries`")
    ),
    "office": Field(
        record(
            {"address": Field(text), "phone": Field(text), "hours": Field(text)},
            "`office`",
        )
    ),
    "organization": Field(
        list_of(
            record(
                {
                    "layer": Field(text, required=True),
                    "body": Field(text, required=True),
                    "duties": Field(text),
                },
                "an `organization` entry",
            )
        )
    ),
    "staff": Field(
        list_of(
            record(
                {
                    "name": Field(text, required=True),
                    "role": Field(text, required=True),
                    "phone": Field(text),
                },
                "a `staff` entry",
            )
        )
    ),
    "services": Field(list_of(text)),
    "boards": Field(
        list_of(
            record(
                {
                    "id": Field(text, required=True),
                    "location": Field(text, required=True),
                    "paper": Field(paper),
                    "slots": Field(positive(at_most(1000, whole_number, "posters"))),
                },
                "a `boards` entry",
            )
        )
    ),
    "description": Field(text),
}

THEME = {
    "name": Field(text),
    "extends": Field(text),
    "palette": Field(free_form),
    "fonts": Field(record({"body": Field(font_family), "heading": Field(font_family)}, "`fonts`")),
    "logo": Field(text),
}


POSTING_ROUND = {
    "date": Field(moment, required=True),
    "board": Field(text, required=True),
    "posters": Field(list_of(list_item_text)),
}
POSTINGS = {"rounds": Field(free_form)}  # each round is read by POSTING_ROUND, with its line
