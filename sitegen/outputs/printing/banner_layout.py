"""Where a banner's slogan goes: one line, as large as fits, centred on the cloth.

A banner (横幅) is hung by hems and grommets at its two ends, so the slogan
keeps clear of them; it is read from across a street, so it is set as large as
the height and the width between the hems allow. The size and the place are
worked out here from the font's own measures (the advance of each character,
the letter-spacing between them) rather than left to CSS: a CJK font's line box
(its ascent and descent) sits higher than the square em box its characters are
drawn in, so a line centred by CSS sits low on the cloth (by 0.056 em for Noto
Sans CJK, 2.5 cm on a 70 cm banner).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sitegen.model import BannerSpec

HEIGHT_SHARE = 0.72  # of the banner's height: the characters' em box
LETTER_SPACING_EM = 0.05
BANNER_WEIGHT = 700  # the slogan is bold (print.css)


@dataclass(frozen=True)
class FontMeasures:
    """What the layout needs of a font, in ems."""

    advances: dict[int, float]  # code point -> advance width
    ascent: float  # the line box above the baseline (hhea, as Pango uses it)
    descent: float  # below the baseline, positive
    em_top: float  # the ideographic em box above the baseline
    em_bottom: float  # and below it (negative)

    def advance(self, char: str) -> float:
        return self.advances.get(ord(char), 1.0)  # a character it lacks: a square


# Noto Sans CJK SC's measures: for a theme that brings no print font of its own.
DEFAULT_MEASURES = FontMeasures({}, 1.16, 0.288, 0.88, -0.12)


@dataclass(frozen=True)
class BannerLayout:
    size_cm: float  # the type size
    left_cm: float  # the box the slogan is centred in: from the margin ...
    width_cm: float  # ... to the other margin
    top_cm: float  # the top of the slogan's line box (line-height: 1em)
    letter_spacing_em: float  # between characters (WeasyPrint adds none after the last)


def layout(slogan: str, banner: BannerSpec, measures: FontMeasures) -> BannerLayout:
    clear = banner.width_cm - 2 * banner.margin_cm
    line_em = sum(measures.advance(c) for c in slogan) + LETTER_SPACING_EM * (len(slogan) - 1)
    size = min(banner.height_cm * HEIGHT_SHARE, clear / max(line_em, 1.0))
    size = int(size * 100) / 100  # down to whole tenths of a millimetre: never wider than clear
    # With line-height 1em the line box is the content area squeezed to one em about its
    # middle; the em box's middle lies that far below the line box's middle.
    content_middle = (measures.ascent - measures.descent) / 2
    em_middle = (measures.em_top + measures.em_bottom) / 2
    em_below_line_middle = content_middle - em_middle
    top = banner.height_cm / 2 - size / 2 - em_below_line_middle * size
    return BannerLayout(
        size_cm=size,
        left_cm=banner.margin_cm,
        width_cm=clear,
        top_cm=round(top, 3),
        letter_spacing_em=LETTER_SPACING_EM,
    )


def banner_measures(fonts: list[Path]) -> FontMeasures:
    """The measures of the bold face among a theme's print fonts (the one nearest 700)."""
    faces = [(path, _weight(path)) for path in fonts if path.suffix.lower() in (".otf", ".ttf")]
    if not faces:
        return DEFAULT_MEASURES
    path = min(faces, key=lambda face: abs(face[1] - BANNER_WEIGHT))[0]
    return _measures(path.resolve())


@cache
def _weight(path: Path) -> int:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    return font["OS/2"].usWeightClass if "OS/2" in font else 400


@cache
def _measures(path: Path) -> FontMeasures:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    advances = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    hhea, os2 = font["hhea"], font["OS/2"]
    # The ideographic em box: BASE's ideo baseline and one em above it, else OS/2's
    # typographic ascender and descender (which CJK fonts set to the em box).
    bottom = _ideographic_baseline(font)
    if bottom is None:
        top, bottom = os2.sTypoAscender / units, os2.sTypoDescender / units
    else:
        bottom /= units
        top = bottom + 1.0
    return FontMeasures(advances, hhea.ascent / units, -hhea.descent / units, top, bottom)


def _ideographic_baseline(font) -> float | None:
    if "BASE" not in font:
        return None
    axis = font["BASE"].table.HorizAxis
    if axis is None or axis.BaseTagList is None:
        return None
    tags = axis.BaseTagList.BaselineTag
    if "ideo" not in tags:
        return None
    for record in axis.BaseScriptList.BaseScriptRecord:
        if record.BaseScriptTag in ("hani", "DFLT"):
            values = record.BaseScript.BaseValues
            if values is not None:
                return values.BaseCoord[tags.index("ideo")].Coordinate
    return None
