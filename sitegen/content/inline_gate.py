"""Python-Markdown's inline processor, without the calls that cannot match.

Markdown tries each of its ~17 inline patterns (code, links, emphasis, line
breaks…) on each piece of text by a chain of Python calls, and Chinese notices
are made of pieces with none of their marks: the calls were a third of the time
a body took to convert. Here each pattern's own regular expression is asked
first, in one C call, and the pattern is passed over where it finds nothing,
as the stock loop would after running it; the output is the same, byte for byte.

The loop it replaces is the library's private `__handleInline`: if a release
renames it, `GatedInlineProcessor.fits()` is false, the stock processor stays,
and tests/test_units.py fails to say so.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable
from re import Match

import markdown
from markdown import util
from markdown.inlinepatterns import InlineProcessor as NewStylePattern
from markdown.inlinepatterns import Pattern
from markdown.treeprocessors import InlineProcessor

Search = Callable[[str, int], Match[str] | None]


class GatedInlineProcessor(InlineProcessor):
    """The stock inline processor, each pattern tried only where its expression matches."""

    _patterns: list[tuple[Pattern, Search | None]]

    @staticmethod
    def fits() -> bool:
        """Whether this Python-Markdown has the loop this class replaces."""
        return all(
            hasattr(InlineProcessor, name)
            for name in ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern")
        )

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        # Old-style patterns match a slice of the text, not from an index: no gate for them.
        self._patterns = [
            (p, p.getCompiledRegExp().search if isinstance(p, NewStylePattern) else None)
            for p in self.md.inlinePatterns
        ]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern
        start = 0
        while patternIndex < len(self._patterns):
            pattern, search = self._patterns[patternIndex]
            if search is not None and search(data, start) is None:
                matched, start = False, 0  # what applying it would have returned
            else:
                data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def use_gated_inline(md: markdown.Markdown) -> None:
    """Put the gated processor in the stock one's place, where this Markdown allows."""
    if GatedInlineProcessor.fits():
        md.treeprocessors.register(GatedInlineProcessor(md), "inline", 20)
