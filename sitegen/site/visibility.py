"""One answer to "is this notice shown at this moment?" for every output."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitegen.model import Campaign, Notice


class State(Enum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    CURRENT = "current"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Flags:
    """What a build includes beyond the published: `--drafts`, `--future`."""

    drafts: bool = False
    future: bool = False


NO_FLAGS = Flags()  # only what is published


def state(notice: Notice, now: datetime) -> State:
    if notice.draft:
        return State.DRAFT
    if notice.date > now:
        return State.SCHEDULED
    if notice.expires is not None and notice.expires <= now:
        return State.EXPIRED
    return State.CURRENT


def is_published(notice: Notice, now: datetime, flags: Flags) -> bool:
    """In any output at all: drafts and scheduled notices only when asked for."""
    if notice.draft and not flags.drafts:
        return False
    return notice.date <= now or flags.future


def is_current(notice: Notice, now: datetime, flags: Flags) -> bool:
    """On the front page, the community pages and the boards: published and not expired."""
    return is_published(notice, now, flags) and (notice.expires is None or notice.expires > now)


def campaign_is_live(campaign: Campaign, now: datetime) -> bool:
    started = campaign.start is None or campaign.start <= now
    return started and (campaign.end is None or campaign.end > now)


def notice_turns(notice: Notice) -> list[datetime]:
    """The moments at which a notice's state changes: the only ones `state`,
    `is_published` and `is_current` compare `now` with."""
    return [moment for moment in (notice.date, notice.expires) if moment is not None]


def campaign_turns(campaign: Campaign) -> list[datetime]:
    """The moments at which `campaign_is_live` changes its answer."""
    return [moment for moment in (campaign.start, campaign.end) if moment is not None]
