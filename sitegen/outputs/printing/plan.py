"""What to print at `now`: posters, board packs, the posting list, banners and leaflets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import segno
from markupsafe import Markup

from sitegen.model import (
    SHOP_BLEED_MM,
    Campaign,
    Notice,
    PaperSpec,
    Theme,
)
from sitegen.outputs.plan import Output
from sitegen.outputs.printing import banner_layout, cmyk, glyphs
from sitegen.outputs.printing.engine import SIZE_MARK
from sitegen.outputs.printing.jobs import PrintJob
from sitegen.outputs.render import Renderer, cn_date, palette_css
from sitegen.site import urls
from sitegen.site.posting import BoardDue
from sitegen.site.urls import (
    POSTING_LIST,
    banner_path,
    board_path,
    handout_path,
    html_path,
    poster_path,
)
from sitegen.site.view import SiteView

ONLY = ("posters", "boards", "banners", "handouts")


def planned_outputs(view: SiteView, on_demand: Notice | None = None) -> list[Output]:
    """Every print output a build makes at the view's `now` (a PDF and the HTML it is
    laid out from), with where each comes from: for the collision check of the plan.
    `on_demand`: a notice whose poster `sitegen print --notice` makes as well."""
    made: list[tuple[str, str]] = []
    chosen = view.posters
    for notice in [
        *chosen.notices,
        *([on_demand] if on_demand and on_demand not in chosen else []),
    ]:
        made.append((poster_path(notice), notice.source.as_posix()))
    for community in view.communities:
        for board in community.boards:
            where = community.source.as_posix() + (f":{board.line}" if board.line else "")
            made.append((board_path(community, board), f"{where} (board `{board.id}`)"))
    for campaign in view.campaigns_to_print:
        for number in range(1, len(campaign.slogans) + 1):
            made.append((banner_path(campaign, number), campaign.source.as_posix()))
        made.append((handout_path(campaign), campaign.source.as_posix()))
    made.append((POSTING_LIST, "the posting list of every board"))
    return [Output(path, source) for pdf, source in made for path in (pdf, html_path(pdf))]


def qr_data_uri(address: str) -> str:
    """A vector (SVG) QR code of `address`, as a data: URI, with its quiet zone of four
    modules (scanners need it to find the code; the footer's rule is closer)."""
    return segno.make(address, error="m").svg_data_uri(border=4, dark="#000")


class PrintPlanner:
    def __init__(self, renderer: Renderer, qr: Callable[[str], str] = qr_data_uri) -> None:
        self.renderer = renderer
        self.view = renderer.view
        self.qr = qr
        self.reads: set[str] = set()  # what every print render looked at (`now`'s parts)

    # --- what is due ---------------------------------------------------------

    # --- jobs -------------------------------------------------------------------

    @property
    def shop(self) -> bool:
        return self.view.config.print.shop

    @property
    def bleed_mm(self) -> float:
        """The bleed of posters, board packs and leaflets (banners have none)."""
        return SHOP_BLEED_MM if self.shop else 0.0

    def _render(
        self,
        template: str,
        here: str,
        theme: Theme | None,
        made_at: datetime | None,
        for_shop: bool = True,
        **context: object,
    ) -> str:
        """Print HTML; for the print shop (unless `for_shop` is false: the posting list is
        for the office) with its bleed, marks and CMYK colours."""
        theme = theme or self.view.content.theme
        shop = self.shop and for_shop
        return self.renderer.render(
            template,
            here,
            theme,
            self.reads,
            shop=shop,
            shop_palette=Markup(cmyk.palette_declarations(theme)) if shop else "",
            made_at=made_at,
            **context,
        )

    def _palette(self, theme: Theme) -> str:
        """A campaign's colours for one sheet of a board pack."""
        if self.shop:
            return cmyk.palette_declarations(theme)
        return palette_css(theme).removeprefix(":root{").removesuffix("}")

    def _sheet(self, notice: Notice, paper: PaperSpec, here: str, size: str) -> dict:
        """What the poster template needs of one notice's sheet (`size`: its body size)."""
        base = self.view.config.base_url
        address = urls.canonical(base, urls.notice_path(notice.slug))
        # The QR code holds the short address: fewer modules, so each is larger.
        short = urls.canonical(base, urls.short_path(self.view.short_ids[notice.slug]))
        campaign = self.view.campaign_by_slug.get(notice.campaign) if notice.campaign else None
        theme = self.renderer.theme_for(notice)
        gongwen = notice.poster is not None and notice.poster.gongwen
        return {
            # a campaign notice wears its campaign's colours, in a board pack too
            "palette_style": self._palette(theme) if campaign else "",
            "logo": theme.logo_path if campaign else None,
            "notice": notice,
            "paper": paper,
            "size": size,
            "address": address,
            "short_address": short,
            "qr": cmyk.qr_in_black_ink(self.qr(short)) if self.shop else self.qr(short),
            "campaign": campaign,
            "audience": "、".join(c.name for c in self.view.audience(notice))
            if not notice.for_all
            else "全体社区",
            "gongwen": gongwen,
            **(_gongwen_header(notice) if gongwen else {}),
        }

    def poster_job(self, notice: Notice, paper: PaperSpec, pdf_path: str) -> PrintJob:
        """A notice's poster on `paper`: fitted to one page; a 公文 is set at its
        standard sizes on as many A4 pages as it takes."""
        here = html_path(pdf_path)
        theme = self.renderer.theme_for(notice)
        gongwen = notice.poster is not None and notice.poster.gongwen
        html = self._render(
            "print/poster.html",
            here,
            theme,
            notice.date,
            sheets=[self._sheet(notice, paper, here, SIZE_MARK)],
            title=notice.title,
        )
        return PrintJob(
            pdf_path,
            html,
            notice.source.as_posix(),
            fit_paper=None if gongwen else paper.paper,
            fonts=self._fonts(theme, gongwen),
            shop=self.shop,
            bleed_mm=self.bleed_mm,
        )

    def pack_title(self, due: BoardDue) -> str:
        return f"{due.community.name} {due.board.location}"

    def pack_html(self, due: BoardDue, sizes: list[float]) -> str:
        """The HTML of a board pack, beside its PDF: its posters at the sizes they were fitted."""
        here = html_path(board_path(due.community, due.board))
        sheets = [
            self._sheet(notice, notice.poster.on_board(due.board.paper), here, f"{size:.1f}")
            for notice, size in zip(due.posted, sizes, strict=True)
        ]
        return self._render(
            "print/poster.html",
            here,
            None,
            max(n.date for n in due.posted),
            sheets=sheets,
            title=self.pack_title(due),
        )

    def empty_board_job(self, due: BoardDue) -> PrintJob:
        path = board_path(due.community, due.board)
        html = self._render(
            "print/poster.html",
            html_path(path),
            None,
            None,
            sheets=[],
            title=self.pack_title(due),
            empty_board=due,
        )
        return PrintJob(
            path,
            html,
            due.community.source.as_posix(),
            fonts=self._fonts(self.view.content.theme),
            shop=self.shop,
            bleed_mm=self.bleed_mm,
        )

    def posting_list_job(self, dues: list[BoardDue]) -> PrintJob:
        html = self._render(
            "print/posting_list.html",
            html_path(POSTING_LIST),
            None,
            None,
            for_shop=False,
            boards=dues,
            board_pdf=lambda due: board_path(due.community, due.board),
        )
        return PrintJob(
            POSTING_LIST, html, "content/communities", fonts=self._fonts(self.view.content.theme)
        )

    def banner_jobs(self, campaign: Campaign) -> list[PrintJob]:
        jobs = []
        theme = self.renderer.theme_for(campaign)
        measures = banner_layout.banner_measures(glyphs.print_fonts(theme))
        for number, slogan in enumerate(campaign.slogans, start=1):
            path = banner_path(campaign, number)
            html = self._render(
                "print/banner.html",
                html_path(path),
                theme,
                campaign.start,
                campaign=campaign,
                slogan=slogan,
                banner=campaign.banner,
                placed=banner_layout.layout(slogan, campaign.banner, measures),
            )
            jobs.append(
                PrintJob(
                    path, html, campaign.source.as_posix(), fonts=self._fonts(theme), shop=self.shop
                )
            )
        return jobs

    def handout_job(self, campaign: Campaign) -> PrintJob:
        path = handout_path(campaign)
        covered = self.view.audience(campaign)
        theme = self.renderer.theme_for(campaign)
        html = self._render(
            "print/handout.html",
            html_path(path),
            theme,
            campaign.start,
            campaign=campaign,
            communities=covered,
        )
        return PrintJob(
            path,
            html,
            campaign.source.as_posix(),
            fonts=self._fonts(theme),
            shop=self.shop,
            bleed_mm=self.bleed_mm,
        )

    @staticmethod
    def _fonts(theme: Theme, gongwen: bool = False) -> tuple[str, ...]:
        """The print fonts a theme's style sheets bring, as files (`gongwen`: and gongwen.css)."""
        return tuple(str(path.resolve()) for path in glyphs.print_fonts(theme, gongwen))


HEADER_MAX_PT = 42.0  # 初号: the largest a header's characters are set
HEADER_WIDTH_MM = 156 * 0.9  # of the 版心's width, leaving a little at each side
PT_PER_MM = 72 / 25.4
DATE_RIGHT_EM = 4  # 成文日期右空四字


def _ems(text: str) -> float:
    """How wide `text` is set, in ems (hanzi a full em, digits and Latin about half)."""
    return sum(1.0 if glyphs.is_wide(char) else 0.5 for char in text)


def _gongwen_header(notice: Notice) -> dict:
    """What the 公文 layout computes: the red header (`header`, or the issuer) sized to fit
    the 版心's width, and how far from the right the issuer stands to be centred over
    the date (成文日期, itself four characters in)."""
    assert notice.poster is not None
    header = notice.poster.header or notice.issuer
    size = min(HEADER_MAX_PT, HEADER_WIDTH_MM * PT_PER_MM / (_ems(header) or 1.0))
    date = cn_date(notice.date)
    issuer_right = max(DATE_RIGHT_EM + (_ems(date) - _ems(notice.issuer)) / 2, 0.0)
    return {"header": header, "header_pt": f"{size:.1f}", "issuer_right_em": f"{issuer_right:.2f}"}
