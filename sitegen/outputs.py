"""Planning every output of a build: paths first, checked, then rendered."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import UserError


@dataclass(frozen=True)
class Output:
    """One file of the built site: where it goes, what makes it, and from what."""

    path: str  # posix, relative to the output folder
    made_from: str  # for messages: the source or the kind of page
    render: Callable[[], bytes] | None = None
    copy_from: Path | None = None  # a file copied as it is
    # what it is made from, hashed: when equal to last build's, the file is kept unrendered
    fingerprint: str | None = None

    def data(self) -> bytes:
        return self.copy_from.read_bytes() if self.copy_from is not None else self.render()


def check_plan(outputs: list[Output]) -> None:
    """Reject two outputs at one path and any path escaping the output folder."""
    seen: dict[str, Output] = {}
    problems = []
    for output in outputs:
        normal = posixpath.normpath(output.path)
        if normal != output.path or normal.startswith(("../", "/")) or normal == "..":
            problems.append(
                f"{output.made_from}: the output path `{output.path}` leaves the output folder"
            )
            continue
        if normal in seen:
            problems.append(
                f"{output.made_from} and {seen[normal].made_from} would both be written to `{normal}`\n"
                "    hint: "
                + (
                    "give one of the boards another `id:`"
                    if "(board `" in output.made_from
                    else "give one of them another `slug:`"
                )
            )
            continue
        seen[normal] = output
    if problems:
        raise UserError("\n".join(problems))
