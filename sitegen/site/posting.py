"""The boards at one moment: what is due on each, and which notices get a poster.

An office prints what goes on its boards this week and the odd reprint, not a
poster for every notice of a ten-year archive. So a current notice gets a
poster when it is due on a board now, when it was published within the
recent window (`posters: {recent_days: N}` in site.yaml, a week by default:
one posting round), or when its own front matter asks for one (`poster: true`
or a `poster:` map). Any other current notice gets one on demand, with
`sitegen print --notice SLUG`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sitegen.model import Board, Community, Notice, PostingRound

if TYPE_CHECKING:
    from sitegen.site.view import SiteView


def newest_first(notices: list[Notice]) -> list[Notice]:
    return sorted(notices, key=lambda n: (n.date, n.slug), reverse=True)


def board_order(notices: list[Notice]) -> list[Notice]:
    """Urgent first, then pinned, then newest: the order of the front page and the boards."""
    return sorted(newest_first(notices), key=lambda n: (not n.urgent, not n.pinned))


NEW_WITHIN = timedelta(days=7)  # "put up": published since the last weekly round
TAKE_DOWN_WITHIN = timedelta(days=30)  # "take down": expired lately


@dataclass(frozen=True)
class BoardDue:
    """A board at `now`: what is due on it, and what to do since the last posting round.

    After a recorded round (content/postings.yaml): put up what is due and not up,
    keep what is up and still due, take down what is up and no longer due (expired,
    or pushed out by newer notices beyond the slots). Without one, a guess from the
    dates alone: put up what was published within NEW_WITHIN, take down what expired
    within TAKE_DOWN_WITHIN."""

    community: Community
    board: Board
    posted: list[Notice]  # due, up to the board's slots, in board order
    overflow: list[Notice]  # due but beyond the slots
    put_up: list[Notice]  # 张贴: of `posted`, those not up yet
    keep: list[Notice]  # 保留: of `posted`, those up already
    take_down: list[Notice]  # 撤下: up, but no longer due
    last_round: PostingRound | None  # None: no round recorded for this board before now
    gone: list[str]  # 撤下 too: slugs up at the last round that no notice has now

    @property
    def new(self) -> list[Notice]:
        """The name themes' posting lists used before rounds were recorded."""
        return self.put_up


def wants_poster(notice: Notice) -> bool:
    """Whether the notice may have a poster at all (`poster: false` says no)."""
    return notice.poster is not None


def boards_due(view: SiteView) -> list[BoardDue]:
    """Every board of every community in the view, with what is due on it now."""
    now = view.now
    last_rounds: dict[tuple[str, str], PostingRound] = {}
    for round_ in view.content.postings:  # in the file's order: the later wins a tie
        key = (round_.community, round_.board)
        if round_.date <= now and (key not in last_rounds or round_.date >= last_rounds[key].date):
            last_rounds[key] = round_
    by_slug = {n.slug: n for n in view.content.notices}  # drafted again: still to come down
    due_boards = []
    for community in view.communities:
        due = board_order([n for n in view.current_for(community) if wants_poster(n)])
        expired = [
            n
            for n in view.expired
            if wants_poster(n)
            and n.is_for(community.slug)
            and n.expires is not None
            and now - n.expires <= TAKE_DOWN_WITHIN
        ]
        for board in community.boards:
            posted, overflow = due[: board.slots], due[board.slots :]
            last = last_rounds.get((community.slug, board.id))
            gone: list[str] = []
            if last is None:
                put_up = [n for n in posted if now - n.date <= NEW_WITHIN]
                take_down = expired
            else:
                up = set(last.posters)
                put_up = [n for n in posted if n.slug not in up]
                still = {n.slug for n in posted}
                take_down = [by_slug[s] for s in last.posters if s not in still and s in by_slug]
                gone = [s for s in last.posters if s not in by_slug]
            keep = [n for n in posted if n not in put_up]
            due_boards.append(
                BoardDue(community, board, posted, overflow, put_up, keep, take_down, last, gone)
            )
    return due_boards


def turns(view: SiteView) -> list[datetime]:
    """The moments at which what boards_due and choose_posters answer changes, besides
    the notices' own states (visibility.notice_turns): a notice stops being new or leaves the
    recent window, an expired one leaves the take-down list, a recorded round becomes
    a board's last. The only comparisons with `now` those make."""
    moments = []
    recent = recent_window(view)
    for notice in view.content.notices:
        moments += [notice.date + NEW_WITHIN, notice.date + recent]
        if notice.expires is not None:
            moments.append(notice.expires + TAKE_DOWN_WITHIN)
    return moments + [round_.date for round_ in view.content.postings]


@dataclass(frozen=True)
class Posters:
    """The current notices that get a poster now, and why each does."""

    notices: list[Notice]  # in the view's order of current notices
    why: dict[str, str]  # slug -> "board", "recent" or "asked" (the first that applies)
    left_out: int  # current notices that could have one but do not (on demand only)

    def __contains__(self, notice: Notice) -> bool:
        return notice.slug in self.why


def recent_window(view: SiteView) -> timedelta:
    return timedelta(days=view.config.recent_poster_days)


def choose_posters(view: SiteView, dues: list[BoardDue]) -> Posters:
    """Which current notices get a poster at the view's `now` (`dues`: the boards' lists)."""
    on_boards = {n.slug for due in dues for n in due.posted}
    window = recent_window(view)
    why: dict[str, str] = {}
    left_out = 0
    for notice in view.current:
        if not wants_poster(notice):
            continue
        if notice.slug in on_boards:
            why[notice.slug] = "board"
        elif view.now - notice.date <= window:
            why[notice.slug] = "recent"
        elif notice.poster_asked:
            why[notice.slug] = "asked"
        else:
            left_out += 1
    return Posters([n for n in view.current if n.slug in why], why, left_out)
