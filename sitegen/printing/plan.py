"""What to print at `now`: posters, board packs, the posting list, banners and leaflets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import segno

from sitegen import urls
from sitegen.model import Board, Campaign, Community, Notice, PaperSpec
from sitegen.printing.engine import SIZE_MARK
from sitegen.printing.jobs import PrintJob
from sitegen.render import Renderer, palette_css
from sitegen.siteview import SiteView, board_order

NEW_WITHIN = timedelta(days=7)  # "put up": published since the last weekly round
TAKE_DOWN_WITHIN = timedelta(days=30)  # "take down": expired lately
ONLY = ("posters", "boards", "banners", "handouts")


def print_moments(view: SiteView) -> list[datetime]:
    """When what is printed changes besides the notices' own states: a notice
    stops being new, an expired one leaves the take-down list, and the posting
    list's date turns at midnight."""
    moments = []
    for notice in view.content.notices:
        moments.append(notice.date + NEW_WITHIN)
        if notice.expires is not None:
            moments.append(notice.expires + TAKE_DOWN_WITHIN)
    today = view.now.astimezone(view.config.timezone).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return [*moments, today, today + timedelta(days=1)]


def poster_path(notice: Notice) -> str:
    return f"print/posters/{notice.slug}.pdf"


def board_path(community: Community, board: Board) -> str:
    return f"print/boards/{community.slug}-{board.id}.pdf"


def banner_path(campaign: Campaign, number: int) -> str:
    return f"print/banners/{campaign.slug}-{number}.pdf"


def handout_path(campaign: Campaign) -> str:
    return f"print/handouts/{campaign.slug}.pdf"


def html_path(pdf_path: str) -> str:
    return pdf_path.removesuffix(".pdf") + ".html"


def wants_poster(notice: Notice) -> bool:
    return notice.poster is not None


@dataclass(frozen=True)
class BoardDue:
    """A board's posting list at `now`."""

    community: Community
    board: Board
    posted: list[Notice]  # due, up to the board's slots, in board order
    new: list[Notice]  # of those, published within NEW_WITHIN: put up
    overflow: list[Notice]  # due but beyond the slots
    take_down: list[Notice]  # expired within TAKE_DOWN_WITHIN


def qr_data_uri(address: str) -> str:
    """A vector (SVG) QR code of `address`, as a data: URI."""
    return segno.make(address, error="m").svg_data_uri(border=0, dark="#000")


class PrintPlanner:
    def __init__(self, renderer: Renderer, qr: Callable[[str], str] = qr_data_uri) -> None:
        self.renderer = renderer
        self.view = renderer.view
        self.qr = qr

    # --- what is due ---------------------------------------------------------

    def posters(self) -> list[Notice]:
        return [n for n in self.view.current if wants_poster(n)]

    def boards(self) -> list[BoardDue]:
        now = self.view.now
        due_boards = []
        for community in self.view.communities:
            due = [n for n in self.view.current_for(community) if wants_poster(n)]
            expired = [
                n
                for n in self.view.expired
                if wants_poster(n)
                and (n.for_all or community.slug in n.communities)
                and n.expires is not None
                and now - n.expires <= TAKE_DOWN_WITHIN
            ]
            for board in community.boards:
                posted = board_order(due)[: board.slots]
                due_boards.append(
                    BoardDue(
                        community,
                        board,
                        posted,
                        [n for n in posted if now - n.date <= NEW_WITHIN],
                        board_order(due)[board.slots :],
                        expired,
                    )
                )
        return due_boards

    # --- jobs -------------------------------------------------------------------

    def _sheet(self, notice: Notice, paper: PaperSpec, here: str, size: str) -> dict:
        base = self.view.config.base_url
        address = urls.canonical(base, urls.notice_path(notice.slug))
        campaign = self.view.campaign_by_slug.get(notice.campaign) if notice.campaign else None
        theme = self.renderer.theme_for(notice)
        return {
            # a campaign notice wears its campaign's colours, in a board pack too
            "palette_style": palette_css(theme).removeprefix(":root{").removesuffix("}")
            if campaign
            else "",
            "logo": f"static/{theme.logo_theme}/{theme.logo}" if campaign and theme.logo else None,
            "notice": notice,
            "paper": paper,
            "size": size,
            "address": address,
            "qr": self.qr(address),
            "campaign": campaign,
            "audience": "、".join(c.name for c in self.view.audience(notice))
            if not notice.for_all
            else "全体社区",
        }

    def poster_job(self, notice: Notice, paper: PaperSpec, pdf_path: str) -> PrintJob:
        here = html_path(pdf_path)
        html = self.renderer.render(
            "print/poster.html",
            here,
            self.renderer.theme_for(notice),
            sheets=[self._sheet(notice, paper, here, SIZE_MARK)],
            title=notice.title,
        )
        return PrintJob(pdf_path, html, notice.source.as_posix(), fit_paper=paper.paper)

    def pack_html(self, due: BoardDue, sizes: list[float]) -> str:
        """The HTML of a board pack, beside its PDF: its posters at the sizes they were fitted."""
        here = html_path(board_path(due.community, due.board))
        sheets = [
            self._sheet(
                notice, PaperSpec(due.board.paper, notice.poster.orientation), here, f"{size:.1f}"
            )
            for notice, size in zip(due.posted, sizes, strict=True)
        ]
        return self.renderer.render(
            "print/poster.html",
            here,
            sheets=sheets,
            title=f"{due.community.name} {due.board.location}",
        )

    def empty_board_job(self, due: BoardDue) -> PrintJob:
        path = board_path(due.community, due.board)
        html = self.renderer.render(
            "print/poster.html",
            html_path(path),
            sheets=[],
            title=f"{due.community.name} {due.board.location}",
            empty_board=due,
        )
        return PrintJob(path, html, due.community.source.as_posix())

    def posting_list_job(self, dues: list[BoardDue]) -> PrintJob:
        html = self.renderer.render(
            "print/posting_list.html",
            "print/boards/index.html",
            boards=dues,
            board_pdf=lambda due: board_path(due.community, due.board),
        )
        return PrintJob("print/boards/index.pdf", html, "content/communities")

    def banner_jobs(self, campaign: Campaign) -> list[PrintJob]:
        width, height = campaign.banner_cm
        jobs = []
        theme = self.renderer.theme_for(campaign)
        for number, slogan in enumerate(campaign.slogans, start=1):
            path = banner_path(campaign, number)
            # one line filling the height, unless the slogan is too long for the width
            size_cm = min(height * 0.72, width * 0.94 / max(len(slogan), 1))
            html = self.renderer.render(
                "print/banner.html",
                html_path(path),
                theme,
                campaign=campaign,
                slogan=slogan,
                width_cm=width,
                height_cm=height,
                size_cm=round(size_cm, 2),
            )
            jobs.append(PrintJob(path, html, campaign.source.as_posix()))
        return jobs

    def handout_job(self, campaign: Campaign) -> PrintJob:
        path = handout_path(campaign)
        covered = (
            [self.view.community_by_slug[s] for s in campaign.communities]
            if campaign.communities
            else self.view.communities
        )
        html = self.renderer.render(
            "print/handout.html",
            html_path(path),
            self.renderer.theme_for(campaign),
            campaign=campaign,
            communities=covered,
        )
        return PrintJob(path, html, campaign.source.as_posix())
