"""A one-line progress bar on a terminal, for the long steps (laying out PDFs,
publishing); silent when output is redirected, as in CI and in tests."""

from __future__ import annotations

import sys


class Progress:
    def __init__(self, label: str, total: int = 0) -> None:
        self.label = label
        self.total, self.count = total, 0
        self.shown = sys.stderr.isatty()

    def add(self) -> None:
        """One more step to come (for work whose size is known only as it goes)."""
        self.total += 1

    def step(self) -> None:
        self.count += 1
        if self.shown:
            filled = round(24 * self.count / max(self.total, 1))
            sys.stderr.write(
                f"\r{self.label} [{'#' * filled}{'.' * (24 - filled)}] {self.count}/{self.total}"
            )
            sys.stderr.flush()

    def done(self) -> None:
        if self.shown and self.count:
            sys.stderr.write("\n")
