"""Walking a PDF's resource dictionaries: the pages', and those of their forms and patterns."""

from __future__ import annotations

from collections.abc import Iterator

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject


def resource_dicts(writer: PdfWriter) -> Iterator[DictionaryObject]:
    """Each resource dictionary of the pages in `writer`, once."""
    seen: set[int] = set()
    for page in writer.pages:
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


def resolve(value: object) -> object:
    """The object itself, where `value` may be a reference to it."""
    return value.get_object() if hasattr(value, "get_object") else value
