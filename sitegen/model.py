"""The typed, read-only content model: what the validators produce and the renderers read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sitegen.identity import identity_of

PAPERS = ("A5", "A4", "A3", "A2")
ORIENTATIONS = ("portrait", "landscape")
DEFAULT_CATEGORIES = ("通知", "公告", "公示", "活动", "便民服务")


@dataclass(frozen=True)
class PaperSpec:
    paper: str = "A4"
    orientation: str = "portrait"


# `standard`: large type fitted to one page of the board's paper, with a QR code.
# `gongwen`: the national layout of official documents (参照 GB/T 9704), A4 only.
POSTER_STYLES = ("standard", "gongwen")
GONGWEN_PAPER = PaperSpec("A4", "portrait")


@dataclass(frozen=True)
class PosterSpec(PaperSpec):
    """How a notice's poster is made: its paper, and its layout."""

    style: str = "standard"
    header: str | None = None  # the 公文 layout's red header (发文机关标志); None: the issuer

    @property
    def gongwen(self) -> bool:
        return self.style == "gongwen"

    def on_board(self, board_paper: str) -> PaperSpec:
        """The paper this poster is printed on for a board of `board_paper`: a 公文 keeps its
        A4 page on any board; other posters are fitted to the board's paper."""
        return GONGWEN_PAPER if self.gongwen else PaperSpec(board_paper, self.orientation)


PRINT_PROFILES = ("office", "shop")
# An internal link as the Markdown converter leaves it, resolved per page by site/urls.py.
REF_SCHEME = "sitegen-ref:"
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # the links a body may keep
SHOP_BLEED_MM = 3.0  # what print shops ask for on posters, board packs and leaflets


@dataclass(frozen=True)
class PrintProfile:
    """Who prints the PDFs. `office`: the office's own printer (A4/A3, no bleed, RGB).
    `shop`: a print shop (3 mm bleed, trim and bleed boxes, CMYK, PDF/X-4), with
    crop marks outside the trim when `marks` is set."""

    profile: str = "office"
    marks: bool = False

    @property
    def shop(self) -> bool:
        return self.profile == "shop"


@dataclass(frozen=True)
class BannerSpec:
    """A campaign's banner (横幅): its size, and the cloth left clear at each end for
    the hems and grommets it is hung by."""

    width_cm: float = 400.0
    height_cm: float = 70.0
    margin_cm: float = 5.0


@dataclass(frozen=True)
class Publicity:
    """公示: the category whose notices are up for a set period, and its shortest length
    (for example 低保 lists: at least 7 days)."""

    category: str = "公示"
    min_days: int = 7


@dataclass(frozen=True)
class Footer:
    """What a public-sector site's footer carries: 主办单位, contact, the ICP 备案 number
    and the 公安备案 number."""

    host: str = ""
    contact: str = ""
    icp: str = ""
    police: str = ""


@dataclass(frozen=True)
class SiteConfig:
    title: str
    base_url: str  # always ends with "/"
    description: str = ""
    language: str = "zh-CN"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    theme: str | None = None
    issuer: str = ""
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    per_page: int = 10
    posters: PosterSpec = field(default_factory=PosterSpec)
    recent_poster_days: int = 7  # notices published this long ago or less get a poster
    print: PrintProfile = field(default_factory=PrintProfile)
    publicity: Publicity = field(default_factory=Publicity)
    footer: Footer = field(default_factory=Footer)
    share_image: str = ""  # content path of the picture a shared link shows, when a page has none
    # `publish:` in site.yaml: name -> (the target's address, its settings)
    publish: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)


class Body:
    """A document's rendered HTML, or a way to fetch it from the parse cache.

    Ten thousand notices' bodies are most of the cache; a rebuild renders only
    the pages that changed, so bodies are read when a page asks for them."""

    __slots__ = ("_fetch", "_html")

    def __init__(self, html: str | None = None, fetch: Callable[[], str] | None = None) -> None:
        self._html = html
        self._fetch = fetch

    @property
    def html(self) -> str:
        if self._html is None:
            assert self._fetch is not None, "a Body needs its HTML or a way to fetch it"
            self._html = self._fetch()
        return self._html

    def __reduce__(self):  # sent to and from worker processes as the text itself
        return Body, (self.html,)


@dataclass(frozen=True)
class Document:
    """What every Markdown item has: where it came from and its rendered body."""

    slug: str
    title: str
    source: Path  # relative to the site root, as shown in messages
    body: Body = field(compare=False, repr=False)
    summary: str
    links: frozenset[str]  # content paths the body links to ("notices/a.md", "assets/x.svg")
    digest: str  # SHA-256 of the source file's text: equal digests, equal bodies
    slug_line: int | None  # the line of its `slug:`, if the address is not from the file name
    # Every field of the item, digested (sitegen/identity.py): what keys of outputs are
    # made of. Worked out once, when the item is made, and kept with it in the parse
    # cache (decoding it back does not work it out again). dataclasses.replace()
    # keeps it: replace only the body, which it does not describe.
    identity: str = field(default="", kw_only=True, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.identity:
            object.__setattr__(self, "identity", identity_of(self, Body))

    @property
    def body_html(self) -> str:
        return self.body.html

    @property
    def content_path(self) -> str:
        """The path under content/, the key other files link to this one by."""
        return self.source.as_posix().removeprefix("content/")


VALIDITY = ("有效", "失效", "废止")


@dataclass(frozen=True)
class Disclosure:
    """政府信息公开: the metadata a disclosed item carries, as the standard table shows it."""

    index_no: str = ""  # 索引号
    topic: str = ""  # 主题分类
    publisher: str = ""  # 发布机构 (in full); the notice's issuer when not given
    written: date | None = None  # 成文日期: a day (a moment would come back from the cache in UTC)
    doc_no: str = ""  # 发文字号, e.g. 清社建〔2026〕12号
    validity: str = "有效"  # 有效性


@dataclass(frozen=True)
class Notice(Document):
    date: datetime
    expires: datetime | None = None
    communities: tuple[str, ...] = ()  # empty: for all communities
    category: str | None = None
    tags: tuple[str, ...] = ()
    campaign: str | None = None
    pinned: bool = False
    urgent: bool = False
    draft: bool = False
    issuer: str = ""
    poster: PosterSpec | None = None  # None: no poster
    poster_asked: bool = False  # `poster: true` or a map: a poster while current, always
    disclosure: Disclosure | None = None  # 信息公开 metadata, if the notice is a disclosed item
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def for_all(self) -> bool:
        return not self.communities

    def is_for(self, community_slug: str) -> bool:
        """Whether the notice is for that community (the one audience rule)."""
        return self.for_all or community_slug in self.communities


@dataclass(frozen=True)
class Campaign(Document):
    slogans: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    theme: str | None = None
    communities: tuple[str, ...] = ()
    banner: BannerSpec = BannerSpec()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Page(Document):
    menu: int | None = None
    draft: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Office:
    address: str = ""
    phone: str = ""
    hours: str = ""


@dataclass(frozen=True)
class OrgBody:
    layer: str
    body: str
    duties: str = ""


@dataclass(frozen=True)
class StaffMember:
    name: str
    role: str
    phone: str = ""


@dataclass(frozen=True)
class Board:
    id: str
    location: str
    paper: str = "A4"
    slots: int = 6
    line: int | None = field(default=None, compare=False)  # in its profile, for messages


@dataclass(frozen=True)
class Community:
    slug: str
    name: str
    source: Path
    households: int | None = None
    population: int | None = None
    area_km2: float | None = None
    formed_from: tuple[str, ...] = ()
    boundaries: dict[str, str] = field(default_factory=dict)  # east/south/west/north
    office: Office = field(default_factory=Office)
    organization: tuple[OrgBody, ...] = ()
    staff: tuple[StaffMember, ...] = ()
    services: tuple[str, ...] = ()
    boards: tuple[Board, ...] = ()
    description_html: str = ""


BUILTIN_THEME = "default"  # the theme sitegen ships, which every theme extends
BUILTIN_THEME_DIR = Path(__file__).parent / "default_theme"


def theme_root(folder: Path) -> Path:
    """The folder a theme folder's files may lead into (through links): the site's for
    a theme in `SITE/themes/`, the built-in theme's own for the built-in one."""
    return folder if folder == BUILTIN_THEME_DIR else folder.parent.parent


@dataclass(frozen=True)
class Theme:
    """A theme folder, resolved with its `extends` chain (child first)."""

    name: str  # folder name; "default" is the built-in theme
    title: str
    chain: tuple[Path, ...]  # theme folders, child first, the built-in default last
    palette: dict[str, str]
    fonts: dict[str, str]
    logo: str | None  # path under static/<name>/ of the theme that provides it
    logo_theme: str | None

    @property
    def logo_path(self) -> str | None:
        """Where the logo is published in the output (as themes.static_path puts it)."""
        return f"static/{self.logo_theme}/{self.logo}" if self.logo else None


@dataclass(frozen=True)
class Asset:
    """A file under content/assets/ referenced by or published with the site."""

    source: Path  # absolute
    url_path: str  # path in the output, e.g. "assets/map.svg"


@dataclass(frozen=True)
class PostingRound:
    """Posters put up on one board at one moment, as `sitegen boards posted` recorded
    it in content/postings.yaml (or as staff wrote or corrected it there)."""

    date: datetime
    community: str  # slug
    board: str  # the board's id in that community
    posters: tuple[str, ...]  # the slugs of the notices put up
    line: int | None = field(default=None, compare=False)  # in postings.yaml


@dataclass(frozen=True)
class SiteContent:
    """Everything a site's folder says, checked; no notion of time yet."""

    site_dir: Path
    config: SiteConfig
    notices: tuple[Notice, ...]
    communities: tuple[Community, ...]
    campaigns: tuple[Campaign, ...]
    pages: tuple[Page, ...]
    assets: tuple[str, ...]  # content paths under assets/, e.g. "assets/map.svg"
    theme: Theme
    campaign_themes: dict[str, Theme]  # campaign slug -> its theme
    postings: tuple[PostingRound, ...] = ()  # content/postings.yaml, in the file's order
    # The files of each theme folder's static/ the site and its campaigns use, by folder.
    static_files: dict[Path, tuple[str, ...]] = field(default_factory=dict)
