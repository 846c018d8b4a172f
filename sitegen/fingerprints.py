"""What each output is made from, hashed, so that a rebuild renders only outputs
whose inputs changed.

A fingerprint is made of a site part (what every page shows or is shaped by:
the settings, the theme and template files, sitegen's own code, the menu, the
communities' and campaigns' names) and the page's own part (for a list, the
notices on it and their state at this build's `now`). When an output's
fingerprint equals the one recorded for the file in the output folder, the
file is kept as it is, unrendered.

The parts follow what the built-in templates show; pages of a theme with its
own templates get no fingerprint and are always rendered. A notice stands for
all of its own text by its digest, so a list changes when any notice on it
changes in any way, or passes from current to expired.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from typing import Any

from sitegen.code_version import code_stamps
from sitegen.model import Document, Notice
from sitegen.render import Renderer
from sitegen.themes import BUILTIN_DIR


def file_stamp(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


class Fingerprints:
    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.view = renderer.view

    @cached_property
    def site(self) -> bytes:
        view = self.view
        content = view.content
        themes = {t.name: t for t in (content.theme, *content.campaign_themes.values())}
        folders = sorted({folder for theme in themes.values() for folder in theme.chain})
        files = sorted(
            (str(p), file_stamp(p)) for folder in folders for p in folder.rglob("*") if p.is_file()
        )
        parts = (
            repr(view.config),
            files,
            code_stamps(),
            sorted(themes),  # which themes are in use; what they say is in their files
            [(p.slug, p.title, p.menu) for p in view.menu_pages],
            [(c.slug, c.name) for c in view.communities],
            [(c.slug, c.digest, view.is_live(c)) for c in view.campaigns],
            self.renderer.with_print,
        )
        return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).digest()

    @cached_property
    def _builtin_templates_only(self) -> bool:
        content = self.view.content
        return not any(
            any((folder / "templates").rglob("*.html"))
            for theme in (content.theme, *content.campaign_themes.values())
            for folder in theme.chain
            if folder != BUILTIN_DIR
        )

    def page(self, *parts: Any) -> str | None:
        """The fingerprint of a page rendered from the templates. The parts name what
        the built-in templates show; a theme's own templates may show anything of
        the site, so their pages get none and are rendered every time (and
        written only when their bytes change)."""
        return self.of(*parts) if self._builtin_templates_only else None

    def of(self, *parts: Any) -> str:
        """The fingerprint of an output made from the site part and `parts`."""
        return hashlib.blake2b(self.site + repr(parts).encode("utf-8"), digest_size=16).hexdigest()

    @cached_property
    def _cards(self) -> dict[int, str]:
        """Each published notice as a list shows it: its text (by digest), its state
        now, and its terms' addresses. Keyed by identity: lists hold these objects."""
        view = self.view
        tags, categories = view.tag_slugs, view.category_slugs
        cards = {}
        for notice in view.notices:
            terms = [tags[tag] for tag in notice.tags]
            if notice.category:
                terms.append(categories[notice.category])
            cards[id(notice)] = f"{notice.digest}{view.state(notice).value}{','.join(terms)};"
        return cards

    def card(self, notice: Notice) -> str:
        return self._cards[id(notice)]

    def cards(self, notices: list[Notice]) -> str:
        cards = self._cards
        return "".join([cards[id(n)] for n in notices])

    def links(self, item: Document) -> list[tuple[str, str | None]]:
        """Where each link of a body points in this build (or nowhere: unpublished)."""
        if not item.links:
            return []
        targets = self.view.targets
        return sorted((ref, targets.get(ref)) for ref in item.links)

    def notice_page(self, notice: Notice) -> str | None:
        return self.page(
            "notice",
            self.card(notice),
            self.links(notice),
            self.renderer.has_poster(notice),
            self.renderer.theme_for(notice).name,
        )
