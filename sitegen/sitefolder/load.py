"""Reading a site folder: every content file decoded, parsed and cross-checked.

This is the I/O edge of the pipeline; the parsing itself is in `sitegen.content.parse`.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sitegen.content.config import parse_config
from sitegen.content.markup import MarkdownConverter
from sitegen.content.names import path_problem
from sitegen.content.parse import (
    ParseContext,
    parse_campaign,
    parse_community,
    parse_notice,
    parse_page,
)
from sitegen.content.postings import POSTINGS_FILE, parse_postings
from sitegen.content.slugs import Pinyin, slugify
from sitegen.content.sourcetext import read_source
from sitegen.errors import Diagnostics, SourceRef, UserError, suggest
from sitegen.model import (
    Community,
    Document,
    Notice,
    PostingRound,
    SiteConfig,
    SiteContent,
    Theme,
    theme_root,
)
from sitegen.sitefolder.parse_pool import ParseMany, parse_files
from sitegen.sitefolder.sitefiles import (
    Listing,
    Refused,
    describe,
    is_ignored,
    list_content_files,
    list_files,
)
from sitegen.sitefolder.themes import ThemeLibrary

T = TypeVar("T")

# Pages are published at the top level; these names are taken by the site itself.
RESERVED_PAGE_SLUGS = frozenset(
    {
        "notices",
        "communities",
        "campaigns",
        "categories",
        "tags",
        "archive",
        "static",
        "assets",
        "print",
        "search",
        "feeds",
    }
)


def load_site(
    site_dir: Path,
    diagnostics: Diagnostics,
    parse_many: ParseMany = parse_files,
    content_files: Listing | None = None,
    pinyin: Pinyin | None = None,
) -> SiteContent | None:
    """Load and check a whole site; None when any error was reported. Markdown files
    are parsed by `parse_many` (a cache may wrap it: see incremental/parse_cache.py);
    `content_files` is the listing of content/, if already made; `pinyin`, what is
    known of the names' pinyin (added to)."""
    content_dir = site_dir / "content"
    config_path = content_dir / "site.yaml"
    if not config_path.is_file():
        raise UserError(
            f"{site_dir}: no content/site.yaml here, so this is not a sitegen site",
            "run the command inside your site's folder, or make one with `sitegen init FOLDER`",
        )
    listing = content_files if content_files is not None else list_content_files(content_dir)
    files = list(listing.files)
    _report_refused(listing.refused, diagnostics)
    reader = _FileReader(site_dir, diagnostics)
    config_text = reader.read("site.yaml")
    if config_text is None:
        return None
    themes = ThemeLibrary(site_dir, diagnostics)
    theme_names = frozenset(themes.available())
    assets = frozenset(f for f in files if f.startswith("assets/"))
    config = parse_config(config_text, reader.shown("site.yaml"), diagnostics, theme_names, assets)

    pinyin = {} if pinyin is None else pinyin
    ctx = ParseContext(
        config, MarkdownConverter(set(files)), diagnostics, theme_names=theme_names, pinyin=pinyin
    )
    # Slugs named by file are known up front, so one broken profile or campaign
    # does not also turn every notice that names it into an error.
    ctx.community_slugs = frozenset(_stems(files, "communities", pinyin))
    communities = reader.parse_all(files, "communities", (".yaml", ".yml"), parse_community, ctx)
    ctx.campaign_slugs = frozenset(_stems(files, "campaigns", pinyin))
    campaigns = reader.parse_all(files, "campaigns", (".md",), parse_campaign, ctx, parse_many)
    ctx.campaign_slugs |= {c.slug for c in campaigns}
    pages = reader.parse_all(files, "pages", (".md",), parse_page, ctx, parse_many)
    notices = reader.parse_all(files, "notices", (".md",), parse_notice, ctx, parse_many)

    postings = _read_postings(reader, files, config, communities, notices)
    _check_unique_slugs(communities, diagnostics, "community")
    _check_unique_slugs(campaigns, diagnostics, "campaign")
    _check_unique_slugs(pages, diagnostics, "page")
    _check_unique_slugs(notices, diagnostics, "notice")
    for page in pages:
        if page.slug in RESERVED_PAGE_SLUGS:
            diagnostics.error(
                SourceRef(page.source, page.slug_line),
                f"the page address `{page.slug}/` is used by the site itself",
                f"add `slug: {page.slug}-page` or another name",
            )

    site_theme = themes.get(config.theme if config.theme in theme_names else None)
    campaign_themes = {}
    for campaign in campaigns:
        theme = themes.get(campaign.theme or config.theme)
        if theme is not None:
            campaign_themes[campaign.slug] = theme

    used = [site_theme, *campaign_themes.values()] if site_theme else []
    static_files: dict[Path, tuple[str, ...]] = {}
    for theme in {t.name: t for t in used}.values():
        static = theme_static_files(theme, site_dir)
        static_files.update({folder: tuple(listing.files) for folder, listing in static.items()})
        for listings in (static, theme_template_files(theme, site_dir)):
            for listing in listings.values():
                _report_refused(listing.refused, diagnostics)

    _check_asset_names(files, config, diagnostics)
    _warn_of_csv_without_bom(site_dir, files, diagnostics)
    if diagnostics.errors or site_theme is None:
        return None
    return SiteContent(
        site_dir=site_dir,
        config=config,
        notices=tuple(notices),
        communities=tuple(communities),
        campaigns=tuple(campaigns),
        pages=tuple(pages),
        assets=tuple(f for f in files if f.startswith("assets/")),
        theme=site_theme,
        campaign_themes=campaign_themes,
        postings=tuple(postings),
        static_files=static_files,
    )


def _read_postings(
    reader: _FileReader,
    files: list[str],
    config: SiteConfig,
    communities: list[Community],
    notices: list[Notice],
) -> list[PostingRound]:
    """content/postings.yaml, if there is one, checked against the boards and notices."""
    if POSTINGS_FILE not in files:
        return []
    text = reader.read(POSTINGS_FILE)
    if text is None:
        return []
    shown = reader.shown(POSTINGS_FILE)
    rounds = parse_postings(text, shown, reader.diagnostics, config.timezone)
    boards = {f"{c.slug}/{b.id}" for c in communities for b in c.boards}
    slugs = {n.slug for n in notices}
    last: dict[str, PostingRound] = {}  # what the posting list reads: each board's last round
    for round_ in rounds:
        name = f"{round_.community}/{round_.board}"
        if name not in boards:  # a board taken away later: its history is no error
            reader.diagnostics.warning(
                SourceRef(shown, round_.line),
                f"`board: {name}`: no such board in content/communities/; this round is left out",
                suggest(name, boards, "boards are named `community/board id`"),
            )
        elif name not in last or round_.date >= last[name].date:
            last[name] = round_
    for round_ in last.values():
        for slug in round_.posters:
            if slug not in slugs:
                reader.diagnostics.warning(
                    SourceRef(shown, round_.line),
                    f"`{slug}`: no notice has this address (deleted or renamed?); "
                    "the posting list says to take it down",
                )
    return rounds


def _check_asset_names(files: list[str], config: SiteConfig, diagnostics: Diagnostics) -> None:
    """Assets are published under their own names: refuse those that a Windows PC, an
    IIS host or an FTP server cannot hold (the rule every output path obeys), and warn
    of those the encoding of a publish target in site.yaml cannot spell."""
    encodings = {
        name: options["encoding"]
        for name, (url, options) in config.publish.items()
        if "encoding" in options and url.lower().startswith("ftp")
    }
    for path in files:
        if not path.startswith("assets/"):
            continue
        where = SourceRef(Path("content") / path)
        problem = path_problem(path)
        if problem:
            composed = unicodedata.normalize("NFC", path)
            diagnostics.error(
                where,
                f"this file cannot be published under its name: {problem}",
                f"rename it to `{composed.removeprefix('assets/')}` (type the name again: it "
                "was saved in decomposed form, as a Mac does)"
                if composed != path and path_problem(composed) is None
                else "rename the file, using letters, digits, hyphens and Chinese characters, "
                "and change the links to it",
            )
            continue
        for name, encoding in encodings.items():
            try:
                path.encode(encoding)
            except UnicodeEncodeError:
                diagnostics.warning(
                    where,
                    f"the publish target `{name}` ({encoding}) cannot hold this name, so "
                    "publishing there is refused",
                    "rename the file without emoji or rare characters, and change the links to it",
                )


CSV_SAMPLE = 1 << 16  # bytes enough to tell UTF-8 from GBK


def _warn_of_csv_without_bom(site_dir: Path, files: list[str], diagnostics: Diagnostics) -> None:
    """A CSV attachment in UTF-8 without a byte-order mark: Excel on a Chinese Windows PC
    reads it as GBK and shows residents garbled characters. (One in GBK opens there.)"""
    for path in files:
        if not (path.startswith("assets/") and path.lower().endswith(".csv")):
            continue
        try:
            with (site_dir / "content" / path).open("rb") as file:
                data = file.read(CSV_SAMPLE)
        except OSError:
            continue  # gone since the folder was listed: the build says so where it copies
        if data.startswith(codecs.BOM_UTF8) or data.isascii():
            continue
        try:
            codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
        except UnicodeDecodeError:
            continue  # GBK, as Excel saves "CSV (逗号分隔)" on a Chinese PC
        diagnostics.warning(
            SourceRef(Path("content") / path),
            "this CSV file is UTF-8 without a byte-order mark (BOM): Excel on a Chinese "
            "Windows PC opens it as GBK and shows the Chinese garbled",
            "open it in Excel, 另存为 (Save As) and choose “CSV UTF-8（逗号分隔）”, or in "
            "Notepad save it with the encoding “UTF-8 with BOM”",
        )


def theme_static_files(theme: Theme, site_dir: Path) -> dict[Path, Listing]:
    """The static/ files of each folder in a theme's chain, keyed by the folder. A
    site's theme may link only within the site folder, the built-in one within itself."""
    return _theme_listings(theme, site_dir, "static")


def theme_template_files(theme: Theme, site_dir: Path) -> dict[Path, Listing]:
    """The templates/ files of each folder in a theme's chain, as static/ files are."""
    return _theme_listings(theme, site_dir, "templates")


def _theme_listings(theme: Theme, site_dir: Path, part: str) -> dict[Path, Listing]:
    listings = {}
    for folder in theme.chain:
        shown = folder.relative_to(site_dir) if folder.is_relative_to(site_dir) else folder
        listings[folder] = list_files(folder / part, shown / part, theme_root(folder), is_ignored)
    return listings


def _report_refused(refused: list[Refused], diagnostics: Diagnostics) -> None:
    for link in refused:
        message, hint = describe(link)
        diagnostics.warning(SourceRef(link.link), message, hint)


def _stems(files: list[str], folder: str, pinyin: Pinyin) -> list[str]:
    return [slugify(Path(f).stem, pinyin) for f in files if f.startswith(folder + "/")]


class _FileReader:
    def __init__(self, site_dir: Path, diagnostics: Diagnostics) -> None:
        self.site_dir = site_dir
        self.diagnostics = diagnostics

    def shown(self, content_path: str) -> Path:
        return Path("content") / content_path

    def read(self, content_path: str) -> str | None:
        shown = self.shown(content_path)
        return read_source(self.site_dir / shown, shown, self.diagnostics)

    def parse_all(
        self,
        files: list[str],
        folder: str,
        suffixes: tuple[str, ...],
        parse: Callable[[str, Path, str, ParseContext], T | None],
        ctx: ParseContext,
        parse_many: ParseMany = parse_files,
    ) -> list[T]:
        paths = []
        for content_path in files:
            if not content_path.startswith(folder + "/"):
                continue
            if not content_path.lower().endswith(suffixes):
                self.diagnostics.warning(
                    SourceRef(self.shown(content_path)),
                    f"ignored: only {' and '.join(suffixes)} files are read in content/{folder}/",
                    "rename the file if it is meant to be published",
                )
                continue
            paths.append(content_path)
        items = []
        for item, diagnostics in parse_many(self.site_dir, paths, parse, ctx):
            self.diagnostics.items.extend(diagnostics)
            if item is not None:
                items.append(item)
        return items


def _check_unique_slugs(
    items: list[Document] | list[Community], diagnostics: Diagnostics, kind: str
) -> None:
    first_by_slug: dict[str, Document | Community] = {}
    for item in items:
        first = first_by_slug.setdefault(item.slug, item)
        if first is item:
            continue
        # Point at a `slug:` line if either file has one: that is where to look first.
        line = getattr(item, "slug_line", None)
        at = item if line is not None or getattr(first, "slug_line", None) is None else first
        diagnostics.error(
            SourceRef(at.source, getattr(at, "slug_line", None)),
            f"two {kind} files give the address `{item.slug}`: "
            f"{first.source.as_posix()} and {item.source.as_posix()}",
            "add a different `slug:` to one of them"
            if kind != "community"
            else "rename one of the files",
        )
