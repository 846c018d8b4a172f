"""Listing a folder of the site: its own files only, whatever links it holds.

Everything listed here may be published (every file in content/assets/ is, and
a theme's static/ files are), so a link that leads out of the site must not be
followed: a folder link under assets/ to /etc published the shadow file and the
SSH host keys, and a Windows junction to a shared drive would publish that drive.
A link is followed only when where it leads is inside the folder the listing is
allowed to read (the site folder, or a built-in theme's own); any other link is
left out and reported, and so is a link that leads nowhere or back into a
folder it stands in (a loop, which would otherwise be walked until the path
grew too long).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.inside import within

Stamp = tuple[int, int]  # size, modification time in ns: a file unchanged since it was seen


@dataclass(frozen=True)
class Refused:
    """A link left out of a listing."""

    link: Path  # as the user knows it, e.g. content/assets/photos
    target: str  # where it leads
    why: str  # "outside", "loop" or "nowhere"


@dataclass
class Listing:
    files: dict[str, Stamp] = field(default_factory=dict)  # posix path in the folder -> stamp
    refused: list[Refused] = field(default_factory=list)


def list_files(
    folder: Path, shown: Path, allowed: Path, ignored: Callable[[str], bool] = lambda _: False
) -> Listing:
    """Every file under `folder` (as posix paths relative to it, sorted) with its stamp.

    `shown` is how messages name `folder`; links are followed only to places under
    `allowed`; names for which `ignored` is true are skipped."""
    listing = Listing()
    if not folder.is_dir():
        return listing
    root = os.path.realpath(allowed)
    start = os.path.realpath(folder)
    if not within(start, root):  # the folder itself is a link (a theme's static/ to /etc)
        listing.refused.append(Refused(shown, start, "outside"))
        return listing
    pending = [(str(folder), start, "")]
    while pending:
        path, real, prefix = pending.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue  # vanished or unreadable while listed: as if it were not there
        for entry in entries:
            if ignored(entry.name):
                continue
            entry_real = None  # where it leads, for a link; else inside `real`
            if entry.is_symlink() or (os.name == "nt" and entry.is_dir()):  # links, junctions
                entry_real = os.path.realpath(entry.path)
                why = _refusal(entry_real, real, root)
                if why:
                    listing.refused.append(Refused(shown / (prefix + entry.name), entry_real, why))
                    continue
            try:
                if entry.is_dir():
                    entry_real = entry_real or os.path.join(real, entry.name)
                    pending.append((entry.path, entry_real, f"{prefix}{entry.name}/"))
                elif entry.is_file():
                    info = entry.stat()
                    listing.files[prefix + entry.name] = (info.st_size, info.st_mtime_ns)
            except OSError:
                continue
    listing.files = dict(sorted(listing.files.items()))
    listing.refused.sort(key=lambda refused: refused.link.as_posix())
    return listing


def _refusal(target: str, inside: str, root: str) -> str | None:
    """Why a link from folder `inside` to `target` is not followed, or None."""
    if not os.path.exists(target):
        return "nowhere"
    if not within(target, root):
        return "outside"
    if os.path.isdir(target) and within(inside, target):
        return "loop"
    return None


def describe(refused: Refused) -> tuple[str, str]:
    """The warning for a refused link, and its hint."""
    if refused.why == "outside":
        return (
            f"is a link to {refused.target}, outside the site folder: left out, so nothing "
            "from there is published",
            "copy into the site folder the files you want published, instead of linking to them",
        )
    if refused.why == "loop":
        return (
            f"is a link to {refused.target}, a folder it is itself in (a loop): left out",
            "remove the link",
        )
    return (
        f"is a link to {refused.target}, which does not exist: left out",
        "remove the link, or put back what it pointed to",
    )


def is_ignored(name: str) -> bool:
    """Hidden files and editors' temporary and backup files."""
    return name.startswith((".", "~$", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".bak"))


def list_content_files(content_dir: Path) -> Listing:
    """Every content file but the ignored ones, sorted by path, with its size and
    modification time (the parse cache's test of an unchanged file), and the links
    left out because they lead out of the site folder (or nowhere, or in a loop)."""
    return list_files(content_dir, Path("content"), content_dir.parent, is_ignored)
