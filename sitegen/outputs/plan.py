"""Planning every output of a build: paths first, checked, then rendered."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitegen.content.names import path_problem
from sitegen.errors import UserError, printable

Reads = set[str]
"""What a render looked at besides what it was given, as names a build record can
keep and a later build can look up again (see incremental/keys.py): a SiteView
attribute (`important`, `current_for`), `now`, `links:<content path>` (where the
links of that item's body lead) and `targets` (where every content path leads)."""


@dataclass(frozen=True)
class Output:
    """One file of the built site: where it goes, what makes it, and from what.

    A rendered output declares `made_of`: everything its render is given (a
    template's name, its theme and context). The render adds to a set what else
    it looked at. Together they are all the output depends on besides the site's
    settings, themes and sitegen itself, which is what lets a rebuild keep it
    unrendered when none of them changed (incremental/keys.py)."""

    path: str  # posix, relative to the output folder
    made_from: str  # for messages: the source or the kind of page
    render: Callable[[Reads], bytes] | None = None
    copy_from: Path | None = None  # a file copied as it is
    made_of: object = None

    def data(self, reads: Reads) -> bytes:
        if self.copy_from is not None:
            return self.copy_from.read_bytes()
        return self.render(reads)


def check_plan(outputs: list[Output]) -> None:
    """Reject two outputs at one path, any path escaping the output folder, and any
    name a host cannot hold (content/names.py: a theme's static file named `a:b.css`)."""
    seen: dict[str, Output] = {}
    problems = []
    for output in outputs:
        normal = posixpath.normpath(output.path)
        if normal != output.path or normal.startswith(("../", "/")) or normal == "..":
            problems.append(
                f"{output.made_from}: the output path `{output.path}` leaves the output folder"
            )
            continue
        # Copied files keep the names they have on disk; every other path is made of
        # slugs (checked where they are read).
        problem = path_problem(output.path) if output.copy_from is not None else None
        if problem:
            problems.append(
                f"{printable(output.made_from)}: cannot be published as "
                f"`{printable(output.path)}`: {problem}\n"
                "    hint: rename the file, using letters, digits, hyphens and Chinese characters"
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
