"""Rendering HTML through the theme's templates, with the helpers templates use."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from markupsafe import Markup

from sitegen.content.config import SHAREABLE
from sitegen.errors import UserError
from sitegen.inside import leads_outside
from sitegen.model import REF_SCHEME, Campaign, Document, Notice, SiteConfig, Theme, theme_root
from sitegen.outputs.charts import households_chart
from sitegen.outputs.moment import ReadMoment
from sitegen.outputs.plan import Reads
from sitegen.site import urls
from sitegen.site.urls import static_path
from sitegen.site.view import SiteView

_SHAREABLE_REF = re.compile(
    r'<img\b[^>]*\bsrc="'
    + re.escape(REF_SCHEME)
    + r'([^"#]+(?:'
    + "|".join(re.escape(extension) for extension in SHAREABLE)
    + r'))"',
    re.IGNORECASE,
)
_HEADING_ID = re.compile(r'(<h[1-6])\s+id="[^"]*"')
_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r'\bsrc="([^"]*)"')
_ALT = re.compile(r'\balt="([^"]*)"')
# What a path into the output looks like, once entities are read: no scheme (`https:`,
# `https:/` and `HTTPS:` alike), no `/` or `\\` first, no space or control around it.
_SITE_PATH = re.compile(r"(?![A-Za-z][A-Za-z0-9+.-]*:)[^/\\\s\x00-\x1f][^\\\x00-\x1f]*(?<!\s)")
WEEKDAYS = "一二三四五六日"
STATE_LABELS = {"draft": "草稿", "scheduled": "待发布", "current": "有效", "expired": "已过期"}


def cn_date(moment: datetime) -> str:
    """The date as a Chinese notice writes it: 2026年11月20日."""
    return f"{moment.year}年{moment.month}月{moment.day}日"


def until(end: datetime) -> str:
    """The last day covered by an exclusive end moment (`expires`, a campaign's `end`)."""
    return cn_date(end - timedelta(seconds=1))


def publicity_period(notice: Notice, config: SiteConfig) -> str | None:
    """ "公示期：2026年11月24日至2026年12月1日" for a 公示 with its end, else None."""
    if notice.category != config.publicity.category or notice.expires is None:
        return None
    return f"公示期：{cn_date(notice.date)}至{until(notice.expires)}"


POLICE_RECORD = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode="


def police_record_url(number: str) -> str:
    """The record page of a 公安备案 number (浙公网安备 33010602000001号 -> its 14 digits)."""
    return POLICE_RECORD + "".join(char for char in number if char.isdigit())


def palette_css(theme: Theme) -> str:
    variables = ";".join(
        f"--{key.replace('_', '-')}:{value}" for key, value in theme.palette.items()
    )
    fonts = ";".join(f"--font-{key}:{value}" for key, value in theme.fonts.items())
    return ":root{" + ";".join(part for part in (variables, fonts) if part) + "}"


class RecordingView:
    """The view as templates see it: the same attributes, each one noted in `reads`
    as it is read, so that a page of any theme says what it showed."""

    __slots__ = ("_reads", "_view")

    def __init__(self, view: SiteView, reads: Reads) -> None:
        self._view = view
        self._reads = reads

    def __getattr__(self, name: str) -> Any:
        self._reads.add(name)
        return getattr(self._view, name)


@dataclass
class Renderer:
    """Renders templates for one SiteView, one Jinja environment per theme."""

    view: SiteView
    with_print: bool = False
    with_search: bool = True  # the search index is made, and every page has the box
    _environments: dict[str, jinja2.Environment] = field(default_factory=dict)
    # Looked up once a build (a theme's files do not change during one): every page
    # asked for three of them, each a look at the disk, a twentieth of a page's render.
    _static_paths: dict[tuple[str, str], str] = field(default_factory=dict)
    _stylesheets: dict[str, list[str]] = field(default_factory=dict)

    @property
    def targets(self) -> dict[str, str]:
        return self.view.targets

    def category_path(self, name: str, number: int = 1) -> str:
        return _paged(f"categories/{self.view.category_slugs[name]}", number)

    def tag_path(self, name: str, number: int = 1) -> str:
        return _paged(f"tags/{self.view.tag_slugs[name]}", number)

    def theme_for(self, item: Notice | Campaign | None) -> Theme:
        """A campaign's pages, and the notices of a campaign, wear the campaign's theme."""
        slug = item.slug if isinstance(item, Campaign) else getattr(item, "campaign", None)
        return (
            self.view.content.campaign_themes.get(slug, self.view.content.theme)
            if slug
            else self.view.content.theme
        )

    def _environment(self, theme: Theme) -> jinja2.Environment:
        if theme.name not in self._environments:
            self._environments[theme.name] = make_environment(theme)
        return self._environments[theme.name]

    def static_path(self, theme: Theme, name: str) -> str:
        key = (theme.name, name)
        if key not in self._static_paths:
            self._static_paths[key] = self._find_static(theme, name)
        return self._static_paths[key]

    def _find_static(self, theme: Theme, name: str) -> str:
        for folder in theme.chain:
            if (folder / "static" / name).is_file():
                return static_path(folder, name)
        raise UserError(
            f"theme `{theme.name}`: a template asks for static/{name}, which no theme has"
        )

    def has_poster(self, notice: Notice) -> bool:
        """Whether the build makes the notice's poster (see site/posting.py)."""
        return self.with_print and notice in self.view.posters

    def share_image(self, item: Document | None, theme: Theme) -> str | None:
        """The picture apps show with a shared link (og:image), as an absolute address:
        the item's first picture, else the site's `share_image`, else the theme's logo;
        only pictures every app can show (not SVG)."""
        base = self.view.config.base_url
        if item is not None:
            for ref in _SHAREABLE_REF.findall(item.body_html):
                if ref in self.targets:
                    return urls.canonical(base, self.targets[ref])
        if self.view.config.share_image in self.targets:
            return urls.canonical(base, self.targets[self.view.config.share_image])
        logo = theme.logo_path
        if logo and logo.lower().endswith(SHAREABLE):
            return urls.canonical(base, logo)
        return None

    def stylesheets(self, theme: Theme) -> list[str]:
        """The built-in `style.css`, then each theme's `theme.css`, parent before child."""
        if theme.name not in self._stylesheets:
            sheets = [self.static_path(theme, "style.css")]
            for folder in reversed(theme.chain):
                if (folder / "static" / "theme.css").is_file():
                    sheets.append(static_path(folder, "theme.css"))
            self._stylesheets[theme.name] = sheets
        return self._stylesheets[theme.name]

    def render(
        self,
        template: str,
        here: str,
        theme: Theme | None = None,
        reads: Reads | None = None,
        **context: Any,
    ) -> str:
        """The template's HTML for the page at `here`; what it looked at besides
        `context` is added to `reads`."""
        theme = theme or self.view.content.theme
        reads = set() if reads is None else reads
        helpers = self._helpers(here, theme, reads)
        try:
            environment = self._environment(theme)
            return environment.get_template(template).render(**helpers, **context)
        except jinja2.TemplateError as err:
            raise self._template_error(err, template, theme, here) from err

    def _template_error(
        self, err: jinja2.TemplateError, template: str, theme: Theme, here: str
    ) -> UserError:
        """A template's fault as a message naming the template file and line (the
        syntax error's own, or the template frame it was raised in)."""
        filename, line = getattr(err, "filename", None), getattr(err, "lineno", None)
        if not isinstance(err, jinja2.TemplateSyntaxError):
            frame = err.__traceback__
            while frame is not None:
                if frame.tb_frame.f_code.co_filename.endswith((".html", ".xml", ".txt")):
                    filename, line = frame.tb_frame.f_code.co_filename, frame.tb_lineno
                frame = frame.tb_next
        shown = template
        if filename:
            path = Path(filename)
            site = self.view.content.site_dir
            shown = path.relative_to(site).as_posix() if path.is_relative_to(site) else filename
        where = f"{shown}:{line}" if line else shown
        message = err.message if isinstance(err, jinja2.TemplateSyntaxError) else str(err)
        return UserError(
            f"{where}: error: the template (theme `{theme.name}`) failed while making "
            f"{here}: {message}",
            "fix the template: theme templates are Jinja2 (a missing value can be asked "
            "for with .get(), or tested with `is defined`)",
        )

    def _helpers(self, here: str, theme: Theme, reads: Reads) -> dict[str, Any]:
        view = self.view
        seen = RecordingView(view, reads)

        def url(target: str) -> str:
            # The 404 page is served at whatever address was missing, so its links are absolute.
            if here == "404.html":
                return view.config.base_url + target
            return urls.relative(here, target)

        def body(item: Document, anchors: bool = True) -> Markup:
            reads.add(f"links:{item.content_path}")
            text = urls.resolve_refs(item.body_html, here, self.targets)
            if here.startswith("print/"):
                text = _IMAGE.sub(_site_images_only, text)
            # Print sheets put several bodies on one page: their heading ids would clash.
            return Markup(text if anchors else _HEADING_ID.sub(r"\1", text))

        def body_html(text: str) -> Markup:
            reads.add("targets")
            return Markup(urls.resolve_refs(text, here, self.targets))

        def state(notice: Notice) -> str:
            return view.state(notice).value

        return {
            "site": view.config,
            "view": seen,
            "now": ReadMoment(view.now, reads),
            "here": here,
            "theme": theme,
            "palette_css": Markup(palette_css(theme)),
            "canonical": urls.canonical(view.config.base_url, here),
            "url": url,
            "static": lambda name: url(self.static_path(theme, name)),
            "logo_url": url(theme.logo_path) if theme.logo_path else None,
            "body": body,
            "body_html": body_html,
            "until": until,
            "publicity_period": lambda notice: publicity_period(notice, view.config),
            "police_record_url": police_record_url,
            "share_image": lambda item=None: self.share_image(item, theme),
            "with_search": self.with_search,
            "stylesheets": [url(path) for path in self.stylesheets(theme)],
            "households_chart": lambda: households_chart(seen.communities),
            "cn_date": cn_date,
            "weekday": lambda moment: "星期" + WEEKDAYS[moment.weekday()],
            "state": state,
            "state_label": lambda notice: STATE_LABELS[state(notice)],
            "notice_url": lambda n: url(urls.notice_path(n.slug)),
            "community_url": lambda c: url(urls.community_path(c.slug)),
            "campaign_url": lambda c: url(urls.campaign_path(c.slug)),
            "page_url": lambda p: url(urls.page_path(p.slug)),
            "category_url": lambda name: url(self.category_path(name)),
            "tag_url": lambda name: url(self.tag_path(name)),
            "month_url": lambda year, month: url(urls.month_path(year, month)),
            "home_url": url(urls.INDEX),
            "poster_url": lambda n: url(urls.poster_path(n)) if self.has_poster(n) else None,
        }


class ThemeLoader(jinja2.BaseLoader):
    """Templates from a theme's folders, child first. A template file that is a link
    leading out of the site (or out of the built-in theme) is never read: the
    parent's template of that name is used, and loading the site warned of it."""

    def __init__(self, theme: Theme) -> None:
        self.folders = [
            (
                folder / "templates",
                jinja2.FileSystemLoader(folder / "templates"),
                theme_root(folder),
            )
            for folder in theme.chain
        ]

    def get_source(self, environment: jinja2.Environment, template: str):
        pieces = split_template_path(template)
        for folder, loader, root in self.folders:
            path = folder.joinpath(*pieces)
            if path.is_file() and leads_outside(path, root) is None:
                return loader.get_source(environment, template)
        raise jinja2.TemplateNotFound(template)


def make_environment(theme: Theme) -> jinja2.Environment:
    """A Jinja environment whose templates come from the theme, then the themes it extends."""
    return jinja2.Environment(
        loader=ThemeLoader(theme),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _site_images_only(image: re.Match[str]) -> str:
    """An image as print lays it out: one of the site's own files, or else (one from
    another website, in any spelling) its alt text; parsing warned that it is left
    out. So layout never asks for anything print will not fetch."""
    src = _SRC.search(image.group(0))
    if src and _SITE_PATH.fullmatch(html.unescape(src.group(1))):
        return image.group(0)
    alt = _ALT.search(image.group(0))
    return f'<span class="image-left-out">{alt.group(1)}</span>' if alt and alt.group(1) else ""


def _paged(folder: str, number: int) -> str:
    return f"{folder}/{urls.INDEX}" if number == 1 else f"{folder}/page/{number}/{urls.INDEX}"


@dataclass(frozen=True)
class Pager:
    """One page of a paginated list; `paths[n - 1]` is the output path of page n."""

    number: int
    count: int
    items: list[Notice]
    paths: tuple[str, ...]

    @property
    def previous(self) -> str | None:
        return self.paths[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.paths[self.number] if self.number < self.count else None


def paginate(items: list[Notice], per_page: int, path_of) -> list[Pager]:
    chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]
    paths = tuple(path_of(n) for n in range(1, len(chunks) + 1))
    return [Pager(n, len(chunks), chunk, paths) for n, chunk in enumerate(chunks, start=1)]
