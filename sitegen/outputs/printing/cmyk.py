"""Colours for the print shop: a theme's sRGB colours as the CMYK a press prints.

An office printer takes RGB and does its best; a print shop prints CMYK for one
printing condition, here FOGRA39 (offset on coated paper), and a bright screen
colour that the inks cannot make comes out duller, a vivid red as brick. So in
the print-shop profile every colour the print style sheet uses is converted
here, once, with LittleCMS (through Pillow, which WeasyPrint already needs):
relative colorimetric, so that colours the press can print stay as they are
and the others go to the nearest it can. Greys and black become black ink alone, as print
shops want text: four inks on top of each other blur small characters when the
plates are a hair out of register. A colour that loses much on the way is
reported, with the nearest colour that prints true.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sitegen.model import Theme

PROFILE = Path(__file__).parent / "profiles" / "FOGRA39-sitegen.icc"
CONDITION = "FOGRA39"  # the output condition's name in the ICC registry
CONDITION_INFO = "Coated FOGRA39 (ISO 12647-2:2004)"
REGISTRY = "http://www.color.org"
NOTICEABLE = 6.0  # ΔE (CIE94) that residents would see on a board as another colour


@dataclass(frozen=True)
class PrintColour:
    cmyk: tuple[float, float, float, float]  # 0..1 each
    printed_hex: str  # how the press prints it, back on screen
    loss: float  # ΔE between the colour asked for and the one printed

    @property
    def css(self) -> str:
        return "device-cmyk({:.3f} {:.3f} {:.3f} {:.3f})".format(*self.cmyk)


def parse_hex(value: str) -> tuple[int, int, int] | None:
    """#rgb or #rrggbb as 0..255 values; None for anything else (a name, rgb())."""
    text = value.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6 or not value.strip().startswith("#"):
        return None
    try:
        return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    except ValueError:
        return None


# The colours print.css uses besides the palette's, for black ink only in the shop.
INKS = {"ink": "#000000", "ink-muted": "#333333", "rule": "#555555", "on-urgent": "#ffffff"}


def palette_declarations(theme: Theme) -> str:
    """CSS custom properties for a print-shop sheet: the theme's colours and the inks
    of print.css, as `device-cmyk()`. Colours that are not #rgb or #rrggbb are left
    as they are (the RIP converts them)."""
    declarations = []
    for name, value in [
        *INKS.items(),
        *((k.replace("_", "-"), v) for k, v in theme.palette.items()),
    ]:
        rgb = parse_hex(value)
        declarations.append(f"--{name}:{print_colour(rgb).css if rgb else value}")
    return ";".join(declarations)


BLACK_STROKE = "stroke%3D%27%23000%27"  # how segno's SVG data: URI says stroke="#000"


def qr_in_black_ink(svg_uri: str) -> str:
    """A QR code (segno's SVG data: URI, modules #000) with its modules in black ink
    alone: four inks out of register would blur the small squares a phone reads."""
    return svg_uri.replace(BLACK_STROKE, "stroke%3D%27device-cmyk(0%200%200%201)%27")


@cache
def print_colour(rgb: tuple[int, int, int]) -> PrintColour:
    if rgb[0] == rgb[1] == rgb[2]:
        return _black_ink_only(rgb[0])
    transforms = _transforms()
    cmyk = _apply(transforms.to_cmyk, "RGB", rgb)
    return PrintColour(
        tuple(round(v / 255, 3) for v in cmyk),
        _hex(_apply(transforms.cmyk_to_rgb, "CMYK", cmyk)),
        _difference(_lab_of_rgb(rgb), _apply(transforms.cmyk_to_lab, "CMYK", cmyk)),
    )


def _black_ink_only(level: int) -> PrintColour:
    """A grey as black ink alone: #000 full black, #333 80%, white no ink at all."""
    ink = 255 - level
    return PrintColour(
        (0.0, 0.0, 0.0, round(ink / 255, 3)),
        _hex(_apply(_transforms().cmyk_to_rgb, "CMYK", (0, 0, 0, ink))),
        0.0,  # greys print as grey: nothing for anyone to fix
    )


@dataclass(frozen=True)
class _Transforms:
    to_cmyk: object
    cmyk_to_lab: object
    cmyk_to_rgb: object
    rgb_to_lab: object


@cache
def _transforms() -> _Transforms:
    from PIL import ImageCms

    srgb = ImageCms.createProfile("sRGB")
    lab = ImageCms.createProfile("LAB", 5000)
    press = ImageCms.getOpenProfile(str(PROFILE))
    relative = ImageCms.Intent.RELATIVE_COLORIMETRIC
    return _Transforms(
        ImageCms.buildTransform(srgb, press, "RGB", "CMYK", relative),
        ImageCms.buildTransform(press, lab, "CMYK", "LAB", relative),
        ImageCms.buildTransform(press, srgb, "CMYK", "RGB", relative),
        ImageCms.buildTransform(srgb, lab, "RGB", "LAB", relative),
    )


def _apply(transform, mode: str, values: tuple[int, ...]) -> tuple[int, ...] | tuple[float, ...]:
    from PIL import Image, ImageCms

    image = Image.new(mode, (1, 1), values)
    out = ImageCms.applyTransform(image, transform)
    pixel = out.getpixel((0, 0))
    if out.mode == "LAB":  # Pillow stores L as 0..255 and a, b offset by 128
        lightness, a, b = pixel
        return lightness * 100 / 255, a - 128, b - 128
    return pixel


def _lab_of_rgb(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    return _apply(_transforms().rgb_to_lab, "RGB", rgb)


def _difference(wanted: tuple[float, ...], printed: tuple[float, ...]) -> float:
    """CIE94 colour difference with the graphic-arts weights (ISO 12647's own measure
    before CIEDE2000; CIE76 counts a saturated red's small shift as large)."""
    l1, a1, b1 = wanted
    l2, a2, b2 = printed
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    dl, dc = l1 - l2, c1 - c2
    dh_squared = max(0.0, (a1 - a2) ** 2 + (b1 - b2) ** 2 - dc**2)
    return math.sqrt(dl**2 + (dc / (1 + 0.045 * c1)) ** 2 + dh_squared / (1 + 0.015 * c1) ** 2)


def _hex(rgb: tuple[int, ...]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])
