"""Walking a PDF's resource dictionaries: the pages', and those of their forms and patterns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, StreamObject


def resource_dicts(document: PdfReader | PdfWriter) -> Iterator[DictionaryObject]:
    """Each resource dictionary of the pages in `document`, once."""
    seen: set[int] = set()
    for page in document.pages:
        yield from _walk(page.get("/Resources"), seen)


def _walk(resources: object, seen: set[int]) -> Iterator[DictionaryObject]:
    resources = resolve(resources)
    if not isinstance(resources, DictionaryObject) or id(resources) in seen:
        return
    seen.add(id(resources))
    yield resources
    for kind in ("/XObject", "/Pattern"):
        for item in (resolve(resources.get(kind)) or {}).values():
            item = resolve(item)
            if isinstance(item, DictionaryObject):
                yield from _walk(item.get("/Resources"), seen)


FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass(frozen=True)
class FontParts:
    """A font dictionary with what hangs from it: a Type0 font's descendant CIDFont,
    their font descriptors, and the embedded font program (None: not embedded)."""

    dicts: list[DictionaryObject]  # the font, then its descendants
    descriptors: list[DictionaryObject]
    program: StreamObject | None


def font_parts(font: DictionaryObject) -> FontParts:
    descendants = resolve(font.get("/DescendantFonts")) or []
    dicts = [font, *(d for d in map(resolve, descendants) if isinstance(d, DictionaryObject))]
    descriptors = [
        d
        for d in (resolve(part.get("/FontDescriptor")) for part in dicts)
        if isinstance(d, DictionaryObject)
    ]
    programs = [resolve(d[key]) for d in descriptors for key in FONT_FILES if key in d]
    return FontParts(dicts, descriptors, programs[0] if programs else None)


def resolve(value: object) -> object:
    """The object itself, where `value` may be a reference to it."""
    return value.get_object() if hasattr(value, "get_object") else value
