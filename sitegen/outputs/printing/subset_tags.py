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

from sitegen.outputs.printing.pdfwalk import font_parts, resolve, resource_dicts


def name_by_content(writer: PdfWriter) -> None:
    """Give every embedded font subset in `writer` a tag made from its font program."""
    for resources in resource_dicts(writer):
        for font in (resolve(resources.get("/Font")) or {}).values():
            _retag(resolve(font))


def _retag(font: object) -> None:
    if not isinstance(font, DictionaryObject):
        return
    parts = font_parts(font)
    if parts.program is None:
        return  # not embedded: no subset to name
    digest = hashlib.sha256(parts.program.get_data()).digest()
    tag = "".join(chr(ord("A") + byte % 26) for byte in digest[:6])
    for key, holders in (("/BaseFont", parts.dicts), ("/FontName", parts.descriptors)):
        for holder in holders:
            if key in holder:
                holder[NameObject(key)] = NameObject(f"/{tag}+{_untagged(holder[key])}")


def _untagged(name: str) -> str:
    """The font's name without a subset tag (six capitals and a plus sign)."""
    bare = name.removeprefix("/")
    head, plus, rest = bare.partition("+")
    return rest if plus and len(head) == 6 and head.isupper() and head.isalpha() else bare
