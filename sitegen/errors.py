"""Where a value came from, what is wrong with it, and the few exceptions a user can fix."""

from __future__ import annotations

import difflib
import errno
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# C0 and C1 controls, line and paragraph separators, and the marks that turn text
# around (a name that shows as `gpj.exe` and is `exe.jpg`): never printed as they are,
# since a file name holding an escape sequence would otherwise drive the terminal.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_BUT_LINES = re.compile(CONTROL.pattern.replace("\x00-\x1f", "\x00-\x09\x0b-\x1f"))


def printable(text: str, lines: bool = False) -> str:
    """`text` with its control characters written as escapes (`\\n`, `\\x1b`); with
    `lines`, line breaks are kept (a message's own layout)."""
    pattern = _CONTROL_BUT_LINES if lines else CONTROL
    return pattern.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


@dataclass(frozen=True)
class SourceRef:
    """A place in a source file: the path as the user knows it and a 1-based line."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        path = printable(self.path.as_posix())
        return f"{path}:{self.line}" if self.line else path


Severity = Literal["error", "warning"]  # an error stops the build; a warning is shown


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the user's content, with an optional hint on how to fix it."""

    where: SourceRef
    message: str
    hint: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        text = f"{self.where}: {self.severity}: {printable(self.message, lines=True)}"
        return f"{text}\n    hint: {printable(self.hint, lines=True)}" if self.hint else text


class Diagnostics:
    """Collects every problem of a run so that one broken file never hides the others."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, where: SourceRef, message: str, hint: str | None = None) -> None:
        self.items.append(Diagnostic(where, message, hint))

    def warning(self, where: SourceRef, message: str, hint: str | None = None) -> None:
        self.items.append(Diagnostic(where, message, hint, severity="warning"))

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        return in_order(self.items)


def in_order(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Messages in the order of the files and, within one, of line numbers (9 before 10)."""
    return sorted(diagnostics, key=lambda d: (d.where.path.as_posix(), d.where.line or 0))


def suggest(value: str, known: Iterable[str], otherwise: str) -> str:
    """The hint for a `value` that is none of `known`: the one it most likely meant
    (the same but for case, else the closest spelling), or `otherwise`."""
    names = list(known)
    same = [name for name in names if name.lower() == value.lower()]
    close = same or difflib.get_close_matches(value, names, n=1, cutoff=0.55)
    return f"did you mean `{close[0]}`?" if close else otherwise


class UserError(Exception):
    """A problem the user can fix, and how: printed without a traceback, exit status 1."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        message = printable(self.message, lines=True)
        return f"{message}\n    hint: {printable(self.hint, lines=True)}" if self.hint else message


class ContentError(UserError):
    """The content has errors; each is a Diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        count = len([d for d in diagnostics if d.severity == "error"])
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the content")


class WarningsRefused(ContentError):
    """Warnings, with `--strict`: each counts as an error."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(diagnostics)
        count = len(diagnostics)
        self.message = f"{count} warning{'s' if count != 1 else ''}, and --strict fails on any"


def refuse_warnings(diagnostics: list[Diagnostic]) -> None:
    """For `--strict`: raise WarningsRefused if there is any warning."""
    if diagnostics:
        raise WarningsRefused(in_order(diagnostics))


_FAULTS = {
    errno.ENOSPC: (
        "the disk is full",
        "free some space (or build elsewhere with --out), then build again",
    ),
    errno.EDQUOT: ("the disk quota is used up", "free some space, then build again"),
    errno.EROFS: (
        "the folder is on a read-only disk",
        "build onto a disk you can write to, for example with --out",
    ),
    errno.EACCES: (
        "permission denied",
        "check that your account may write there (or build elsewhere with --out)",
    ),
    errno.EPERM: (
        "the system does not allow this",
        "check that your account may write there (or build elsewhere with --out)",
    ),
    errno.ENOENT: ("a file or folder is missing", "check the path, then run the command again"),
    errno.EIO: ("the disk reported a read or write error", "check the disk, then build again"),
}


def fault_message(error: OSError) -> str:
    """One line for a fault of the system (a full disk, a read-only folder) and what to do."""
    what, hint = _FAULTS.get(
        error.errno or 0,
        (error.strerror or str(error), "fix the cause, then run the command again"),
    )
    where = f": {error.filename}" if error.filename else ""
    return f"{what}{where}; nothing already published was changed\n    hint: {hint}"
