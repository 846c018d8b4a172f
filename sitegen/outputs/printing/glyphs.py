"""Which characters the print fonts cannot draw, so a poster never shows an empty box."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache
from pathlib import Path

from sitegen.inside import leads_outside
from sitegen.model import Theme, theme_root

_TAG = re.compile(r"<[^>]+>")
FONT_SUFFIXES = (".otf", ".ttf", ".ttc", ".woff", ".woff2")


@cache
def _cmap(font: Path) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    if font.suffix == ".ttc":
        return frozenset(
            code for face in TTCollection(str(font)).fonts for code in face.getBestCmap()
        )
    return frozenset(TTFont(str(font), lazy=True).getBestCmap())


def print_fonts(theme: Theme, gongwen: bool = False) -> list[Path]:
    """The font files in the `static/fonts/` folders of a theme and the themes it extends;
    with `gongwen`, those of the 公文 layout too (in `static/fonts/gongwen/`)."""
    places = ["static/fonts", *(["static/fonts/gongwen"] if gongwen else [])]
    return sorted(
        path
        for folder in theme.chain
        for place in places
        for path in (folder / place).glob("*")
        if path.suffix.lower() in FONT_SUFFIXES and leads_outside(path, theme_root(folder)) is None
    )


def is_wide(char: str) -> bool:
    """Whether `char` takes a full em (hanzi, full-width punctuation), not half of one."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def missing_characters(texts: list[str], fonts: list[Path]) -> list[str]:
    """Characters of `texts` (plain text or HTML) that no font in `fonts` has, in order of appearance."""
    covered: set[int] = set()
    for font in fonts:
        covered |= _cmap(font.resolve())
    found: dict[str, None] = {}
    for text in texts:
        for char in html.unescape(_TAG.sub("", text)):
            if not char.isspace() and ord(char) not in covered:
                found[char] = None
    return list(found)
