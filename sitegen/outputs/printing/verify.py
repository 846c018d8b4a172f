"""Checking each PDF as a print shop's preflight would, before anyone takes it there.

What is checked is what has gone wrong before, or would go wrong at a shop:
a font that is not embedded (the shop's machine substitutes another, or none);
a CID-keyed font whose CIDs are not its glyph indices (Ghostscript, inside many
RIPs, drew every Chinese character as an empty box, MuPDF left them blank); and
for the print-shop profile, the PDF/X-4 identification, the output intent and
the trim and bleed boxes.
"""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject

from sitegen.outputs.printing.pdfwalk import font_parts, resolve, resource_dicts

BOX_SLACK_PT = 0.05


def problems(
    pdf: bytes,
    shop: bool,
    bleed_mm: float,
    fonts: bool = True,
    fonts_seen: dict[str, list[str]] | None = None,
) -> list[str]:
    """What is wrong with `pdf` for printing, in words for staff; [] when nothing is.

    `bleed_mm`: how far the BleedBox should reach outside the TrimBox (shop only);
    `fonts=False` leaves out the fonts (a board pack's are its posters', checked).
    `fonts_seen`: what was found for each font (by name, without its subset tag) in
    earlier PDFs made from the same font files: each is embedded the same way, and
    reading its program took a tenth of a poster's time."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages = list(reader.pages)
    except (PdfReadError, ValueError, OSError) as err:
        return [f"not a readable PDF ({err})"]
    if not pages:
        return ["has no pages"]
    found: list[str] = []
    checked: set[int] = set()
    for resources in resource_dicts(reader) if fonts else ():
        for font in (resolve(resources.get("/Font")) or {}).values():
            font = resolve(font)
            if isinstance(font, DictionaryObject) and id(font) not in checked:
                checked.add(id(font))
                found += _font_problems_seen(font, fonts_seen)
    if shop:
        found += _shop_problems(reader, pages, bleed_mm)
    return list(dict.fromkeys(found))


def _font_problems_seen(font: DictionaryObject, seen: dict[str, list[str]] | None) -> list[str]:
    if seen is None:
        return _font_problems(font)
    name = str(font.get("/BaseFont", "?")).lstrip("/").split("+", 1)[-1]
    if name not in seen:
        seen[name] = _font_problems(font)
    return seen[name]


def _font_problems(font: DictionaryObject) -> list[str]:
    if font.get("/Subtype") == "/Type3":
        return []  # drawn by the PDF's own procedures: nothing to embed
    name = str(font.get("/BaseFont", "?")).lstrip("/")
    parts = font_parts(font)
    if parts.program is None:
        return [f"the font {name} is not embedded: the print shop's computer would use another"]
    if parts.dicts[-1].get("/Subtype") != "/CIDFontType0":
        return []
    numbering = _cids_are_glyph_indices(parts.program.get_data())
    if numbering is None:
        return [f"the font {name} could not be read: a print shop's RIP may not read it either"]
    if not numbering:
        return [
            f"the font {name} numbers its characters one way and its glyphs another: "
            "Ghostscript and MuPDF (in many print shops' RIPs) would print empty boxes or "
            "nothing for them; use a font made by scripts/make-font-subset, or a TrueType font"
        ]
    return []


def _cids_are_glyph_indices(program: bytes) -> bool | None:
    """Whether an embedded CFF font's CIDs equal its glyph indices (or it has no CIDs,
    when readers use the glyph index itself); None if the font cannot be read."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    try:
        if program[:4] == b"OTTO":
            cff = TTFont(io.BytesIO(program), lazy=True)["CFF "].cff
        else:
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(program), None)
        top = cff.topDictIndex[0]
        if not hasattr(top, "ROS"):
            return True
        return all(
            name == ".notdef" or name == f"cid{gid:05d}" for gid, name in enumerate(top.charset)
        )
    except Exception:
        return False


def _shop_problems(reader: PdfReader, pages: list, bleed_mm: float) -> list[str]:
    found = []
    root = reader.trailer["/Root"]
    if "/OutputIntents" not in root:
        found.append("has no output intent (the printing condition its CMYK is meant for)")
    metadata = resolve(root.get("/Metadata"))
    if metadata is None or b"PDF/X-4" not in metadata.get_data():
        found.append("is not marked as PDF/X-4")
    bleed_pt = bleed_mm * 72 / 25.4
    for number, page in enumerate(pages, start=1):
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        reach = [
            float(trim.left) - float(bleed.left),
            float(trim.bottom) - float(bleed.bottom),
            float(bleed.right) - float(trim.right),
            float(bleed.top) - float(trim.top),
        ]
        if any(abs(r - bleed_pt) > BOX_SLACK_PT for r in reach):
            found.append(
                f"page {number}: the bleed box is not {bleed_mm:g} mm outside the trim box"
            )
        inside = (
            float(media.left) - BOX_SLACK_PT <= float(bleed.left)
            and float(media.bottom) - BOX_SLACK_PT <= float(bleed.bottom)
            and float(bleed.right) <= float(media.right) + BOX_SLACK_PT
            and float(bleed.top) <= float(media.top) + BOX_SLACK_PT
        )
        if not inside:
            found.append(f"page {number}: the bleed box reaches outside the page")
    return found
