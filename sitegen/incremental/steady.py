"""When another `now` builds the same site: the stretch of time around a build's
`now` in which nothing shown changes, so that a later build inside it can stop
at "nothing changed" without loading the site.

Nothing here knows a rule of its own: each rule that compares `now` says when
its answer turns (site/visibility.py, site/posting.py), and each output says
which part of `now` it read (outputs/moment.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sitegen.outputs.moment import same_between
from sitegen.site import posting, visibility
from sitegen.site.view import SiteView


def steady_between(
    view: SiteView, with_print: bool, reads: Iterable[str] = ()
) -> tuple[datetime, datetime]:
    """The stretch of time around `now` in which no notice or campaign changes
    state (nor, with print, what is due on the boards), and no part of `now` an
    output read (`reads`: what the outputs' renders read) changes: a build anywhere
    strictly inside it makes the same site."""
    content = view.content
    start, end = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    moment = same_between(view.now, set(reads))
    if moment is not None:
        start, end = moment
    changes = posting.turns(view) if with_print else []
    for notice in content.notices:
        changes += visibility.notice_turns(notice)
    for campaign in content.campaigns:
        changes += visibility.campaign_turns(campaign)
    # By the instant, not the wall clock: two moments of one zone compare by their
    # clock time, and an hour repeated when a clock goes back would be one.
    now = view.now.timestamp()
    for turn in changes:
        if turn.timestamp() <= now:
            start = max(start, turn, key=datetime.timestamp)
        else:
            end = min(end, turn, key=datetime.timestamp)
    return start, end
