"""What one print run made: its counts, warnings and the one-line summaries.

Apart from the print code itself, so that a build with nothing to do can still
say what the folder holds without loading any of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sitegen.errors import Diagnostic

KINDS = {  # folder -> (one, several)
    "posters": ("poster", "posters"),
    "boards": ("board pack", "board packs"),
    "banners": ("banner", "banners"),
    "handouts": ("leaflet", "leaflets"),
}


@dataclass
class PrintReport:
    paths: list[str] = field(default_factory=list)  # the output paths made, in order
    rendered: int = 0
    cached: int = 0
    assembled: int = 0  # board packs joined anew from their fitted posters (not from the cache)
    warnings: list[Diagnostic] = field(default_factory=list)
    unfit: list[str] = field(default_factory=list)  # PDFs the check for printing found wrong
    chosen: Counter[str] = field(default_factory=Counter)  # posters made, by why (posting.py)
    left_out: int = 0  # current notices without a poster (made on demand only)
    recent_days: int = 7
    shop: bool = False
    reads: set[str] = field(default_factory=set)  # what the print renders looked at

    @property
    def pdfs(self) -> int:
        return sum(1 for path in self.paths if path.endswith(".pdf"))

    def summary(self) -> str:
        return (
            f"{self.pdfs} PDFs ({self.rendered} rendered, {self.cached} from cache, "
            f"{self.assembled} board packs assembled)"
        )

    def posters(self) -> str:
        """Which notices got a poster and why, and how many did not."""
        why = {
            "board": "due on a board",
            "recent": f"published in the last {self.recent_days} days",
            "asked": "asked for with `poster:`",
        }
        reasons = ", ".join(f"{self.chosen[k]} {text}" for k, text in why.items() if self.chosen[k])
        line = f"posters for {sum(self.chosen.values())} notices ({reasons or 'none due'})"
        if self.left_out:
            line += (
                f"; {self.left_out} other current "
                f"{'notice has' if self.left_out == 1 else 'notices have'} none: make one with "
                "`sitegen print --notice SLUG`, or add `poster: true` to keep one"
            )
        return line

    def made(self) -> str:
        """What was made, by kind, and whether every PDF passed the check for printing."""
        from sitegen.site import urls  # not at the top: see the module's docstring

        kinds = Counter(
            path.split("/")[1]
            for path in self.paths
            if path.endswith(".pdf") and path != urls.POSTING_LIST
        )
        listed = ", ".join(
            f"{count} {KINDS[kind][count != 1] if kind in KINDS else kind}"
            for kind, count in kinds.items()
        )
        if urls.POSTING_LIST in self.paths:
            listed += ", the posting list"
        for_whom = "a print shop (PDF/X-4, CMYK, 3 mm bleed)" if self.shop else "an office printer"
        if self.unfit:
            named = ", ".join(self.unfit[:3]) + (", …" if len(self.unfit) > 3 else "")
            checked = (
                f"{len(self.unfit)} of {self.pdfs} PDFs failed the check ({named}): "
                "see the warnings above"
            )
        else:
            checked = f"all {self.pdfs} checked: fonts embedded and readable by every PDF reader"
        return f"{listed or 'nothing'}; for {for_whom}; {checked}"
