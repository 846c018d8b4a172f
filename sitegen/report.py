"""What a build says it did: the one-line summary, and the warnings to show."""

from __future__ import annotations

from dataclasses import dataclass, field

from sitegen.outputs.printing.report import PrintReport
from sitegen.writer import WriteReport


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    write: WriteReport = field(default_factory=WriteReport)
    warnings: list[str] = field(default_factory=list)  # as shown, by file and line
    print: PrintReport | None = None
    already_exact: bool = False  # nothing changed since the last build: nothing was loaded

    def summary(self) -> str:
        w = self.write
        printed = f", {self.print.summary()}" if self.print else ""
        exact = " (nothing changed since the last build)" if self.already_exact else ""
        return (
            f"built {self.pages} pages{printed}, {self.files} files in all "
            f"({w.written} written, {w.unchanged} unchanged, {w.removed} removed) "
            f"in {self.seconds:.2f} s{exact}"
        )
