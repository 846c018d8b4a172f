"""The key of an output: everything it is made from, hashed, so that a rebuild
renders only outputs whose key changed.

An output is made of three things. The site part is what every output is
shaped by: the settings, the theme files, and the code that makes pages (the
sitegen modules they are made by, Python and the libraries installed:
incremental/code_version.py). The output declares the rest where it is planned (`made_of`:
a template, its theme and the context it is given) and its render notes what
else it looked at (`Reads`: view attributes, `now`, where an item's links lead).
A build records each output's reads; the next one looks up what those same
names hold now, and when the key comes out equal, the render would read the
same and write the same bytes, so the file is kept.

Nothing here describes a template: a theme with its own templates is keyed the
same way. A value this module cannot describe (an object it does not know, a
view attribute it cannot look up) gives no key, and the output is rendered
every time: slower, never stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cached_property
from pathlib import Path

from sitegen.incremental.code_version import PAGES, fingerprint
from sitegen.model import Campaign, Community, Notice, Page, SiteConfig, Theme
from sitegen.outputs.moment import MOMENT, part_of
from sitegen.outputs.plan import Output
from sitegen.outputs.render import Pager
from sitegen.site.view import SiteView
from sitegen.site.visibility import Flags

# Described by their repr: everything in them is plain data a render may show.
SIMPLE = (
    str,
    int,
    float,
    bool,
    type(None),
    datetime,
    date,
    Enum,
    Path,
    Community,
    SiteConfig,
    Flags,
    Theme,
)


class Unknown(Exception):
    """A value or a read this module cannot describe: the output gets no key."""


def file_stamp(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class OutputKeys:
    """The keys of one build's outputs (for a view, and the print and search settings)."""

    def __init__(self, view: SiteView, with_print: bool, with_search: bool = True) -> None:
        self.view = view
        self.with_print = with_print
        self.with_search = with_search
        self._parts: dict[str, str] = {}

    @cached_property
    def site(self) -> str:
        content = self.view.content
        themes = {t.name: t for t in (content.theme, *content.campaign_themes.values())}
        folders = sorted({folder for theme in themes.values() for folder in theme.chain})
        files = sorted(
            (str(p), file_stamp(p)) for folder in folders for p in folder.rglob("*") if p.is_file()
        )
        parts = (
            repr(self.view.config),
            repr(self.view.flags),
            files,
            fingerprint(PAGES),
            sorted(themes),
            self.with_print,
            self.with_search,
        )
        return _hash(repr(parts))

    def key(self, output: Output, reads: tuple[str, ...]) -> str | None:
        """The output's key, had its render read `reads` (sorted); None: render it every time."""
        if output.copy_from is not None:
            return file_stamp(output.copy_from)
        if output.made_of is None:
            return None
        try:
            parts = self._parts
            looked_at = [
                f"{name}={parts[name] if name in parts else self.part(name)}" for name in reads
            ]
            made_of = self.value(output.made_of)
        except Unknown:
            return None
        return _hash("|".join([self.site, output.path, made_of, *looked_at]))

    def part(self, name: str) -> str:
        """What the read `name` finds in this build's view, described and hashed."""
        if name not in self._parts:
            self._parts[name] = _hash(self._look_up(name))
        return self._parts[name]

    def _look_up(self, name: str) -> str:
        view = self.view
        if name.split(":")[0] == MOMENT:
            return part_of(view.now, name)
        if name == "targets":
            return self.value(view.targets)
        if name.startswith("links:"):
            item = self._items.get(name.removeprefix("links:"))
            if item is None:
                return "gone"
            if not item.links:
                return ""
            targets = view.targets
            return repr(sorted((ref, targets.get(ref)) for ref in item.links))
        if name in self._methods:
            return self._methods[name]()
        found = getattr(view, name, None) if not name.startswith("_") else None
        if found is None or callable(found):
            raise Unknown(name)
        return self.value(found)

    @cached_property
    def _methods(self) -> dict[str, Callable[[], str]]:
        """The view's methods, each by what its answers depend on beyond the
        arguments (which the caller's own key describes)."""
        view = self.view
        return {
            "state": lambda: "",  # a notice's state is part of its description
            "is_live": lambda: "",  # so is a campaign's
            "audience": lambda: self.value(view.communities),
            "current_for": lambda: self.value(
                [(c.slug, view.current_for(c)) for c in view.communities]
            ),
            "notices_of_campaign": lambda: self.value(
                [(c.slug, view.notices_of_campaign(c)) for c in view.campaigns]
            ),
        }

    @cached_property
    def _items(self) -> dict[str, Notice | Page | Campaign]:
        content = self.view.content
        return {
            item.content_path: item
            for item in (*content.notices, *content.pages, *content.campaigns)
        }

    def value(self, value: object) -> str:
        """A value given to or read by a render, described by everything of it a
        render can show (a notice by its identity, its state now and its terms' addresses)."""
        kind = type(value)
        if kind is str:
            return repr(value)
        if kind is Notice:
            return self._cards.get(id(value)) or self._card(value)
        if kind is list or kind is tuple:
            if value and type(value[0]) is Notice:
                cards = self._cards
                try:
                    return "[" + "".join([cards[id(n)] for n in value]) + "]"
                except KeyError:  # a notice not in the view (a theme may find them)
                    return "[" + "".join([self._card(n) for n in value]) + "]"
            return "[" + ",".join([self.value(item) for item in value]) + "]"
        if kind is dict:
            describe = self.value
            return (
                "{"
                + ",".join(
                    [
                        f"{k!r}:{describe(v)}" if type(k) is str else f"{describe(k)}:{describe(v)}"
                        for k, v in value.items()
                    ]
                )
                + "}"
            )
        if kind is Pager:
            # Its other pages' paths follow from the first by the paging rule (sitegen's code).
            return f"pager({value.number},{value.count},{value.paths[0]},{self.value(value.items)})"
        if kind is Campaign:
            return f"campaign({value.identity},{self.view.is_live(value)})"
        if kind is Page:
            return f"page({value.identity})"
        if isinstance(value, SIMPLE):
            return repr(value)
        raise Unknown(kind.__name__)

    @cached_property
    def _cards(self) -> dict[int, str]:
        """Each notice of the view as a list shows it, by the object (lists hold these
        objects): see _card."""
        return {id(notice): self._card(notice) for notice in self.view.notices}

    def _card(self, notice: Notice) -> str:
        """The notice's identity (every field of it, its address among them), and what
        the view adds to it now: its state, its terms' addresses, its poster."""
        view = self.view
        tags, categories = view.tag_slugs, view.category_slugs
        terms = [tags.get(tag, "") for tag in notice.tags]
        if notice.category:
            terms.append(categories.get(notice.category, ""))
        poster = "P" if self.with_print and notice in self.view.posters else ""
        return f"{notice.identity}{view.state(notice).value}{poster}{','.join(terms)};"
