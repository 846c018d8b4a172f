"""Names for the font subsets in a joined PDF, one name per distinct subset.

A PDF names an embedded font subset with a six-letter tag before the font's own
name (`ABCDEF+NotoSansSCSitegen-Regular`); the tag is what tells subsets of one
font apart. WeasyPrint makes the tag from the font's description, so every
poster's subset of the regular weight gets the same tag, whatever characters it
holds. Joined into one board pack, 24 different subsets went by two names, and
preflight tools and RIPs that merge fonts by name can then draw a character
from a subset that lacks it. Here each subset is tagged by a digest of the font
program itself: different subsets get different names, identical ones the same.
"""

from __future__ import annotations

import hashlib

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from sitegen.printing.pdfwalk import resolve, resource_dicts

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def name_by_content(writer: PdfWriter) -> None:
    """Give every embedded font subset in `writer` a tag made from its font program."""
    for resources in resource_dicts(writer):
        for font in (resolve(resources.get("/Font")) or {}).values():
            _retag(resolve(font))


def _retag(font: object) -> None:
    if not isinstance(font, DictionaryObject):
        return
    descendants = resolve(font.get("/DescendantFonts"))
    parts = [font, *(resolve(d) for d in descendants or [])]
    descriptors = [
        resolve(p.get("/FontDescriptor")) for p in parts if isinstance(p, DictionaryObject)
    ]
    programs = [
        resolve(d[name])
        for d in descriptors
        if isinstance(d, DictionaryObject)
        for name in FONT_FILES
        if name in d
    ]
    if not programs:
        return  # not embedded: no subset to name
    digest = hashlib.sha256(programs[0].get_data()).digest()
    tag = "".join(chr(ord("A") + byte % 26) for byte in digest[:6])
    for part in parts:
        if isinstance(part, DictionaryObject) and "/BaseFont" in part:
            part[NameObject("/BaseFont")] = NameObject(f"/{tag}+{_untagged(part['/BaseFont'])}")
    for descriptor in descriptors:
        if isinstance(descriptor, DictionaryObject) and "/FontName" in descriptor:
            descriptor[NameObject("/FontName")] = NameObject(
                f"/{tag}+{_untagged(descriptor['/FontName'])}"
            )


def _untagged(name: str) -> str:
    """The font's name without a subset tag (six capitals and a plus sign)."""
    bare = name.removeprefix("/")
    head, plus, rest = bare.partition("+")
    return rest if plus and len(head) == 6 and head.isupper() and head.isalpha() else bare
