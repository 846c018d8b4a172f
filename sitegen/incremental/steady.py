"""When another `now` builds the same site: the stretch of time around a build's
`now` in which nothing shown changes, so that a later build inside it can stop
at "nothing changed" without loading the site."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sitegen.outputs.moment import same_between
from sitegen.site.posting import NEW_WITHIN, TAKE_DOWN_WITHIN, recent_window
from sitegen.site.view import SiteView


def steady_between(
    view: SiteView, with_print: bool, reads: set[str] = frozenset()
) -> tuple[datetime, datetime]:
    """The stretch of time around `now` in which no notice or campaign changes
    state (nor, with print, what print shows), and no part of `now` an output read
    (`reads`: what the outputs' renders read) changes: a build anywhere strictly
    inside it makes the same site."""
    content = view.content
    if not content.notices:
        return view.now, view.now  # an empty site's feed shows the build's time
    start, end = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    moment = same_between(view.now, reads)
    if moment is not None:
        start, end = moment
    changes = print_moments(view) if with_print else []
    for notice in content.notices:
        changes += [notice.date, notice.expires]
    for campaign in content.campaigns:
        changes += [campaign.start, campaign.end]
    for moment in changes:
        if moment is None:
            continue
        if moment <= view.now:
            start = max(start, moment)
        else:
            end = min(end, moment)
    return start, end


def print_moments(view: SiteView) -> list[datetime]:
    """When what is printed changes besides the notices' own states: a notice
    stops being new or leaves the recent window (and loses its poster), an expired
    one leaves the take-down list, a recorded posting round becomes a board's last,
    and the posting list's date turns at midnight."""
    moments = []
    recent = recent_window(view)
    for notice in view.content.notices:
        moments += [notice.date + NEW_WITHIN, notice.date + recent]
        if notice.expires is not None:
            moments.append(notice.expires + TAKE_DOWN_WITHIN)
    today = view.now.astimezone(view.config.timezone).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    moments += [round_.date for round_ in view.content.postings]  # a board's last round
    return [*moments, today, today + timedelta(days=1)]
