"""Pure parsing: the text of one content file in, one typed model object out.

Nothing here opens a file; `sitegen.sitefolder.load` does the I/O. Problems go to the
reader's Diagnostics and the function returns None for an unusable file, so a
run reports every broken file at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from sitegen.content import schemas
from sitegen.content.config import check_theme, key_line, read_yaml, written
from sitegen.content.fields import FieldReader, Invalid
from sitegen.content.frontmatter import split_front_matter
from sitegen.content.markup import MarkdownConverter, Rendered, summarize
from sitegen.content.slugs import Pinyin, host_safe, is_reserved_name, is_valid_slug, slugify
from sitegen.content.yamlnodes import Map, Node, Seq
from sitegen.errors import Diagnostics, suggest
from sitegen.model import (
    GONGWEN_PAPER,
    BannerSpec,
    Board,
    Body,
    Campaign,
    Community,
    Disclosure,
    Notice,
    Office,
    OrgBody,
    Page,
    PosterSpec,
    Publicity,
    SiteConfig,
    StaffMember,
)

MIN_SLOGAN_WIDTH_CM = 20.0  # of cloth between a banner's two hems, at the least


@dataclass
class ParseContext:
    """What parsing one file needs to know about the rest of the site."""

    config: SiteConfig
    converter: MarkdownConverter
    diagnostics: Diagnostics
    community_slugs: frozenset[str] = frozenset()
    campaign_slugs: frozenset[str] = frozenset()
    theme_names: frozenset[str] = frozenset({"default"})
    pinyin: Pinyin = field(default_factory=dict)  # of names already made into slugs

    def reader(self, source: Path) -> FieldReader:
        return FieldReader(source, self.diagnostics, self.config.timezone)


# --- Markdown files with front matter --------------------------------------------


@dataclass
class _MarkdownFile:
    node: Node | None
    values: dict[str, Any]
    body: Rendered
    body_line: int
    body_text: str
    digest: str  # of the file's whole text: what everything else about the item comes from


def _read_markdown_file(
    text: str, source: Path, content_path: str, schema: dict, ctx: ParseContext
) -> _MarkdownFile | None:
    reader = ctx.reader(source)
    try:
        parts = split_front_matter(text)
    except Invalid as problem:
        reader.error(problem.line, problem.message, problem.hint)
        return None
    node = read_yaml(parts.front_matter, reader, parts.front_matter_line)
    if node is None and parts.front_matter.strip():
        return None
    values = reader.read_map(node, schema, line=parts.front_matter_line)
    body = ctx.converter.convert(parts.body, content_path)
    searched_from = 0
    for broken in body.broken:  # in the order they appear: each is sought after the last
        line, searched_from = _line_of(parts.body, broken.target, parts.body_line, searched_from)
        if broken.severity == "warning":
            ctx.diagnostics.warning(reader.where(line), broken.message, broken.hint)
        else:
            ctx.diagnostics.error(reader.where(line), broken.message, broken.hint)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _MarkdownFile(node, values, body, parts.body_line, parts.body, digest)


def _line_of(body: str, needle: str, first_line: int, start: int) -> tuple[int, int]:
    """The line of `needle` in `body` at or after offset `start` (else anywhere), and
    the offset just after it."""
    index = body.find(needle, start)
    if index < 0:
        index = body.find(needle)
    if index < 0:
        return first_line, start
    return first_line + body.count("\n", 0, index), index + len(needle)


def _slug(
    values: dict[str, Any], node: Node | None, source: Path, reader: FieldReader, pinyin: Pinyin
) -> tuple[str, int | None]:
    """The item's address, and the line of its `slug:` (None: made from the file name)."""
    if "slug" in values:
        slug, line = values["slug"], key_line(node, "slug")
        if is_reserved_name(slug):
            reader.error(
                line,
                f"`slug: {slug}` is a name Windows keeps for itself: a site with it cannot "
                "be copied to a Windows PC or served by IIS",
                f"write `slug: {host_safe(slug.lower())}`",
            )
        elif not is_valid_slug(slug):
            reader.error(
                line,
                f"`slug` may use only a-z, 0-9 and hyphens, found `{slug}`",
                f"write `slug: {host_safe(slugify(slug)) or 'notice-1'}`",
            )
        return slug, line
    slug = slugify(source.stem, pinyin)
    if not slug:
        reader.error(1, "cannot make an address from the file name", "add a `slug:` line")
    elif is_reserved_name(slug):
        reader.diagnostics.warning(
            reader.where(1),
            f"the address `{slug}` (from the file name) is a name Windows keeps for itself, "
            f"so `{host_safe(slug)}` is used instead",
            "rename the file, or add a `slug:` line to choose the address",
        )
        slug = host_safe(slug)
    return slug, None


def _check_audience(
    values: dict, node: Node | None, reader: FieldReader, ctx: ParseContext
) -> tuple[str, ...]:
    communities = values.get("communities") or []
    for slug in communities:
        if slug not in ctx.community_slugs:
            reader.error(
                key_line(node, "communities"),
                f"unknown community `{slug}` in `communities`",
                _suggest(slug, ctx.community_slugs, "communities are"),
            )
    return tuple(communities)


def _suggest(value: str, known: frozenset[str] | tuple[str, ...], what: str) -> str:
    listed = f"the {what}: " + ", ".join(sorted(known)) if known else f"no {what} defined"
    return suggest(value, sorted(known), listed)


def parse_notice(text: str, source: Path, content_path: str, ctx: ParseContext) -> Notice | None:
    parsed = _read_markdown_file(text, source, content_path, schemas.NOTICE, ctx)
    if parsed is None:
        return None
    values, node = parsed.values, parsed.node
    reader = ctx.reader(source)
    errors_before = len(ctx.diagnostics.errors)
    slug, slug_line = _slug(values, node, source, reader, ctx.pinyin)
    communities = _check_audience(values, node, reader, ctx)
    category = values.get("category")
    if category is not None and category not in ctx.config.categories:
        reader.error(
            key_line(node, "category"),
            f"unknown category `{category}`",
            _suggest(category, ctx.config.categories, "categories in site.yaml are"),
        )
    campaign = values.get("campaign")
    if campaign is not None and campaign not in ctx.campaign_slugs:
        reader.error(
            key_line(node, "campaign"),
            f"unknown campaign `{campaign}`",
            _suggest(campaign, ctx.campaign_slugs, "campaigns are"),
        )
    if "date" in values and values.get("expires") and values["expires"] <= values["date"]:
        reader.error(
            key_line(node, "expires"),
            f"`expires` ({written(node, 'expires')}) is not after `date` ({written(node, 'date')})",
            "a notice must be published before it expires; check the two dates",
        )
    if "title" not in values or "date" not in values or len(ctx.diagnostics.errors) > errors_before:
        return None
    _check_publicity(values, node, reader, ctx.config.publicity)
    return Notice(
        slug=slug,
        title=values["title"],
        source=source,
        body=Body(parsed.body.html),
        summary=values.get("summary") or summarize(parsed.body.html),
        links=frozenset(parsed.body.refs),
        digest=parsed.digest,
        slug_line=slug_line,
        date=values["date"],
        expires=values.get("expires"),
        communities=communities,
        category=category,
        tags=tuple(dict.fromkeys(values.get("tags", ()))),
        campaign=campaign,
        pinned=values.get("pinned", False),
        urgent=values.get("urgent", False),
        draft=values.get("draft", False),
        issuer=values.get("issuer") or ctx.config.issuer,
        poster=_poster(values.get("poster", True), ctx.config.posters, node, reader),
        poster_asked=values.get("poster", False) is not False,
        disclosure=_disclosure(values, ctx.config.issuer),
        extra=values.get("extra") or {},
    )


def _disclosure(values: dict, default_issuer: str) -> Disclosure | None:
    if "disclosure" not in values:
        return None
    given = dict(values["disclosure"])
    if "written" in given:
        given["written"] = given["written"].date()
    return Disclosure(**{"publisher": values.get("issuer") or default_issuer, **given})


def _check_publicity(
    values: dict, node: Node | None, reader: FieldReader, publicity: Publicity
) -> None:
    """A 公示 is up for a set period, at least `publicity.min_days` days (counting the
    first and the last); inspectors check it. Warnings, not errors: a missing date
    must not stop the rest of the site from being published."""
    if values.get("category") != publicity.category:
        return
    first = values["date"].date()
    shortest = (first + timedelta(days=publicity.min_days - 1)).isoformat()
    expires = values.get("expires")
    if expires is None:
        reader.diagnostics.warning(
            reader.where(key_line(node, "category")),
            f"a {publicity.category} is up for a set period (公示期), and this one has no `expires`",
            f"add `expires: {shortest}` (at least {publicity.min_days} days), or later",
        )
        return
    last = (expires - timedelta(microseconds=1)).date()
    days = (last - first).days + 1
    if days < publicity.min_days:
        reader.diagnostics.warning(
            reader.where(key_line(node, "expires")),
            f"the 公示期 is {days} days ({first.isoformat()} to {last.isoformat()}), shorter "
            f"than the {publicity.min_days} days a {publicity.category} must be up",
            f"set `expires: {shortest}` or later (`publicity: min_days` in site.yaml sets "
            "the shortest)",
        )


def _poster(
    setting: dict | bool, default: PosterSpec, node: Node | None, reader: FieldReader
) -> PosterSpec | None:
    if setting is False:
        return None
    if setting is True:
        return default
    style = setting.get("style", default.style)
    inner = node.values.get("poster") if isinstance(node, Map) else None

    def line(key: str) -> int | None:
        return key_line(inner, key) or key_line(node, "poster")

    if style == "gongwen":
        for key in ("paper", "orientation"):
            if key in setting and setting[key] != getattr(GONGWEN_PAPER, key):
                reader.error(
                    line(key),
                    f"`poster`: `{key}: {setting[key]}` on a notice whose posters are in the "
                    "公文 layout (`posters: {style: gongwen}` in site.yaml), which is A4 only",
                    f"add `style: standard` under `poster:` for a poster fitted to "
                    f"{setting[key]}, or leave `{key}` out",
                )
        return PosterSpec(style=style, header=setting.get("header", default.header))
    if "header" in setting:
        reader.diagnostics.warning(
            reader.where(line("header")),
            "`poster`: `header` is the red header of the 公文 layout; this poster is not in it",
            "add `style: gongwen` under `poster:`, or leave `header` out",
        )
    return PosterSpec(
        paper=setting.get("paper", default.paper),
        orientation=setting.get("orientation", default.orientation),
        style=style,
    )


def parse_campaign(
    text: str, source: Path, content_path: str, ctx: ParseContext
) -> Campaign | None:
    parsed = _read_markdown_file(text, source, content_path, schemas.CAMPAIGN, ctx)
    if parsed is None:
        return None
    values, node = parsed.values, parsed.node
    reader = ctx.reader(source)
    errors_before = len(ctx.diagnostics.errors)
    slug, slug_line = _slug(values, node, source, reader, ctx.pinyin)
    communities = _check_audience(values, node, reader, ctx)
    check_theme(values, node, reader, ctx.theme_names)
    if "start" in values and values.get("end") and values["end"] <= values["start"]:
        reader.error(key_line(node, "end"), "`end` is not after `start`", "check the two dates")
    banner = values.get("banner", {})
    spec = BannerSpec(**banner)
    if spec.width_cm - 2 * spec.margin_cm < MIN_SLOGAN_WIDTH_CM:
        reader.error(
            key_line(node, "banner"),
            f"a banner {spec.width_cm:g} cm wide leaves no room for the slogan between its "
            f"two {spec.margin_cm:g} cm ends for the hems",
            "make `width_cm` larger, or `margin_cm` smaller (at least 5)",
        )
    if "title" not in values or len(ctx.diagnostics.errors) > errors_before:
        return None
    return Campaign(
        slug=slug,
        title=values["title"],
        source=source,
        body=Body(parsed.body.html),
        summary=values.get("summary") or summarize(parsed.body.html),
        links=frozenset(parsed.body.refs),
        digest=parsed.digest,
        slug_line=slug_line,
        slogans=tuple(values.get("slogans", ())),
        start=values.get("start"),
        end=values.get("end"),
        theme=values.get("theme"),
        communities=communities,
        banner=spec,
        extra=values.get("extra") or {},
    )


def parse_page(text: str, source: Path, content_path: str, ctx: ParseContext) -> Page | None:
    parsed = _read_markdown_file(text, source, content_path, schemas.PAGE, ctx)
    if parsed is None:
        return None
    values = parsed.values
    reader = ctx.reader(source)
    errors_before = len(ctx.diagnostics.errors)
    slug, slug_line = _slug(values, parsed.node, source, reader, ctx.pinyin)
    if "title" not in values or len(ctx.diagnostics.errors) > errors_before:
        return None
    return Page(
        slug=slug,
        title=values["title"],
        source=source,
        body=Body(parsed.body.html),
        summary=values.get("summary") or summarize(parsed.body.html),
        links=frozenset(parsed.body.refs),
        digest=parsed.digest,
        slug_line=slug_line,
        menu=values.get("menu"),
        draft=values.get("draft", False),
        extra=values.get("extra") or {},
    )


# --- community profiles ---------------------------------------------------------


def parse_community(
    text: str, source: Path, content_path: str, ctx: ParseContext
) -> Community | None:
    reader = ctx.reader(source)
    node = read_yaml(text, reader)
    if node is None:
        if not text.strip():
            reader.error(1, "the file is empty", "a profile needs at least `name: …`")
        return None
    errors_before = len(ctx.diagnostics.errors)
    values = reader.read_map(node, schemas.COMMUNITY)
    slug = slugify(PurePosixPath(content_path).stem, ctx.pinyin)
    if is_reserved_name(slug):
        reader.error(
            1,
            f"the file name `{slug}` is a name Windows keeps for itself: the community's "
            "pages could not be copied to a Windows PC or served by IIS",
            f"rename the file, for example to {host_safe(slug)}.yaml",
        )
    board_nodes = node.values.get("boards") if isinstance(node, Map) else None
    lines = [item.line for item in board_nodes.items] if isinstance(board_nodes, Seq) else []
    boards = [
        Board(**entry, line=line)
        for entry, line in zip(values.get("boards", []), lines, strict=False)
        if {"id", "location"} <= entry.keys()
    ]
    seen: set[str] = set()
    for board in boards:
        if board.id in seen:
            reader.error(
                key_line(node, "boards"),
                f"two boards have the id `{board.id}`",
                "give each board its own id",
            )
        if not is_valid_slug(board.id):
            reader.error(
                key_line(node, "boards"),
                f"board id `{board.id}` may use only a-z, 0-9 and hyphens",
                f"for example `id: {slugify(board.id) or 'b1'}`",
            )
        seen.add(board.id)
    description = ctx.converter.convert(values.get("description", ""), content_path)
    for broken in description.broken:
        reader.error(key_line(node, "description"), broken.message, broken.hint)
    if "name" not in values or len(ctx.diagnostics.errors) > errors_before:
        return None
    return Community(
        slug=slug,
        name=values["name"],
        source=source,
        households=values.get("households"),
        population=values.get("population"),
        area_km2=values.get("area_km2"),
        formed_from=tuple(values.get("formed_from", ())),
        boundaries=values.get("boundaries", {}),
        office=Office(**values.get("office", {})),
        organization=tuple(
            OrgBody(**entry)
            for entry in values.get("organization", [])
            if {"layer", "body"} <= entry.keys()
        ),
        staff=tuple(
            StaffMember(**entry)
            for entry in values.get("staff", [])
            if {"name", "role"} <= entry.keys()
        ),
        services=tuple(values.get("services", ())),
        boards=tuple(boards),
        description_html=description.html,
    )
