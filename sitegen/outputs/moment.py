"""`now` as a template sees it: the build's moment, noting which part of it was read.

A page that shows `{{ now.month }}月` is the same page all month; one that shows
`截至{{ cn_date(now) }}` the same all day. So a read of `now` is recorded as the
part read: `now:year`, `now:month` (the year and month), `now:date` (the day),
or `now`, the whole moment, for anything else (the hour, a comparison, the
moment printed as it is). An output's key takes only that part
(incremental/keys.py), and a build's stretch of time with nothing to do ends
when a part some output read changes (incremental/steady.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

MOMENT = "now"

# What reading an attribute of a moment reads of it; anything not here reads the whole.
_PART_OF = {
    "year": "year",
    "month": "month",
    "day": "date",
    "weekday": "date",
    "isoweekday": "date",
    "isocalendar": "date",
    "toordinal": "date",
    "date": "date",
}


def read_name(part: str) -> str:
    """The name a read of `part` of the moment is recorded under."""
    return MOMENT if part == MOMENT else f"{MOMENT}:{part}"


class ReadMoment(datetime):
    """A datetime equal to the build's moment that adds what is read of it to `reads`."""

    __slots__ = ("_reads",)

    def __new__(cls, moment: datetime, reads: set[str], *fields: Any, **named: Any) -> datetime:
        if not isinstance(moment, datetime):
            # Called with a datetime's fields, as datetime's C code calls the class of
            # the moment it works on (fromtimestamp, combine on it): a plain one, then.
            return datetime(moment, reads, *fields, **named)  # type: ignore[arg-type]
        made = super().__new__(
            cls,
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second,
            moment.microsecond,
            moment.tzinfo,
            fold=moment.fold,
        )
        made._reads = reads
        return made

    def __getattribute__(self, name: str) -> Any:
        if not name.startswith("_") and name not in _SAYS_ITSELF:
            _reads_of(self).add(read_name(_PART_OF.get(name, MOMENT)))
        return super().__getattribute__(name)

    def astimezone(self, tz: tzinfo | None = None) -> datetime:
        """In its own zone (as cn_date and the like ask for it), the moment itself,
        still noting what is read of it; in another, the whole moment is read."""
        if tz is not None and tz is object.__getattribute__(self, "tzinfo"):
            return self
        return self._whole().astimezone(tz)

    def replace(self, *fields: Any, **named: Any) -> datetime:
        return self._whole().replace(*fields, **named)

    def _read_whole(self) -> None:
        _reads_of(self).add(MOMENT)

    def _whole(self) -> datetime:
        self._read_whole()
        return datetime(
            *(object.__getattribute__(self, name) for name in _FIELDS),
            tzinfo=object.__getattribute__(self, "tzinfo"),
            fold=object.__getattribute__(self, "fold"),
        )

    def __copy__(self) -> datetime:
        return self._whole()

    def __deepcopy__(self, memo: dict) -> datetime:
        return self._whole()

    def __reduce_ex__(self, protocol):  # type: ignore[override]
        return self._whole().__reduce_ex__(protocol)

    def __eq__(self, other: object) -> bool:
        return self._whole() == other

    def __ne__(self, other: object) -> bool:
        return self._whole() != other

    def __lt__(self, other: datetime) -> bool:
        return self._whole() < other

    def __le__(self, other: datetime) -> bool:
        return self._whole() <= other

    def __gt__(self, other: datetime) -> bool:
        return self._whole() > other

    def __ge__(self, other: datetime) -> bool:
        return self._whole() >= other

    def __hash__(self) -> int:
        return hash(self._whole())

    def __sub__(self, other):  # type: ignore[override]
        return self._whole() - other

    def __rsub__(self, other):
        return other - self._whole()

    def __add__(self, other: timedelta) -> datetime:
        return self._whole() + other

    __radd__ = __add__

    def __str__(self) -> str:
        return str(self._whole())

    def __repr__(self) -> str:
        return repr(self._whole())

    def __format__(self, spec: str) -> str:
        return format(self._whole(), spec)


_FIELDS = ("year", "month", "day", "hour", "minute", "second", "microsecond")
_SAYS_ITSELF = frozenset({"astimezone", "replace"})  # methods of its own, which note their reads


def _reads_of(moment: ReadMoment) -> set[str]:
    try:
        return object.__getattribute__(moment, "_reads")
    except AttributeError:  # one datetime's C code made, bypassing __new__: noted nowhere
        return set()


def part_of(moment: datetime, name: str) -> str:
    """What the read `name` (`now`, `now:month`, …) finds in `moment`."""
    part = name.removeprefix(f"{MOMENT}:")
    if part == "year":
        return str(moment.year)
    if part == "month":
        return f"{moment.year}-{moment.month}"
    if part == "date":
        return moment.date().isoformat()
    return moment.isoformat()


def same_between(moment: datetime, names: set[str]) -> tuple[datetime, datetime] | None:
    """The stretch of time around `moment`, from its first instant to the first of the
    next (a day: midnight to midnight), in which every read in `names` finds what it
    finds at `moment`; None when none of them is a read of the moment (any time will
    do). A build record counts the stretch strictly between the two: a build at the
    stroke of midnight is made again at the next."""
    parts = {name.removeprefix(f"{MOMENT}:") for name in names if name.split(":")[0] == MOMENT}
    if not parts:
        return None
    if MOMENT in parts:
        return moment, moment
    # Wall-clock arithmetic (an aware datetime plus days keeps its zone): midnight to
    # midnight, whatever a change of time makes of the day's length.
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        if "date" in parts:
            return day, day + timedelta(days=1)
        if "month" in parts:
            first = day.replace(day=1)
            return first, (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        first = day.replace(month=1, day=1)
        return first, first.replace(year=first.year + 1)
    except (OverflowError, ValueError):  # the last day, month or year there is
        return day, datetime.max.replace(tzinfo=moment.tzinfo)
