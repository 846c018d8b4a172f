"""Writing a build: only what changed, and all at once.

Every output is rendered first; the files whose bytes differ from the previous
output go into a hidden staging folder beside it. Only once the whole build has
rendered does the new site replace the old, in one atomic step (swap.py). So a
build that fails on bad content, a template error or anything else leaves
`output/` exactly as it was, and one killed or cut off by a power loss leaves
the old site or the new one, never a mix; unchanged files are never touched,
keeping their modification times so an upload tool sees nothing to send; and a
build with no change costs no writes at all, even for ten thousand pages.
Dotfiles at the top of the output folder (`.git`, `.htaccess`) are kept.

Where no atomic swap is possible (an output folder that is a mount point, a
file system without hard links), the staged files are moved in one by one: a
failed build still leaves `output/` untouched, but a power cut during those
moves can leave some pages new and some old.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import UserError
from sitegen.swap import (
    MARKER,
    folder_locked,
    lock_folder,
    prepare_spare,
    remove_empty_folders,
    remove_leftovers,
    staging_prefix,
    swap_in,
)

MARKER_TEXT = b"This folder is made by sitegen: each build replaces it.\n"


@dataclass
class WriteReport:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


def check_output_folder(out_dir: Path, site_dir: Path) -> None:
    """Refuse an output folder whose replacement would destroy anything but an old build."""
    out, site = out_dir.resolve(), site_dir.resolve()
    for name in ("content", "themes"):
        if out.is_relative_to((site / name).resolve()):
            raise UserError(
                f"{out_dir}: the output folder is inside {name}/, so the next build would read it back in",
                "build into a folder of its own, for example --out output",
            )
    if out == site or site.is_relative_to(out):
        raise UserError(
            f"{out_dir}: the output folder would contain your site's own files",
            "build into a folder of its own, for example --out output",
        )
    if out.is_dir() and not (out / MARKER).exists():
        visible = [p.name for p in out.iterdir() if not p.name.startswith(".")]
        if visible:
            raise UserError(
                f"{out_dir}: this folder has files that sitegen did not make ({', '.join(sorted(visible)[:3])}…), "
                "and a build replaces the whole folder",
                "choose an empty or new folder with --out, or empty this one first",
            )


class StagedOutput:
    """Changed files, staged; `commit(planned)` makes them and the unchanged ones the output."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(os.path.realpath(out_dir))  # given a link, replace what it leads to
        self.staging = self.out_dir.parent / f"{staging_prefix(self.out_dir)}{os.getpid()}"
        self.report = WriteReport()
        self._folders: set[str] = set()  # made in staging: a mkdir is a tenth of a write
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        with folder_locked(self.out_dir.parent):
            remove_leftovers(self.out_dir)
            self.staging.mkdir()
            # Locked before the folder lock is let go: tells other builds this one is alive.
            self._held = lock_folder(self.staging)

    def write(self, path: str, data: bytes) -> None:
        if _holds(os.path.join(self.out_dir, path), data):
            self.report.unchanged += 1
            return
        target = os.path.join(self.staging, path)
        folder = os.path.dirname(target)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        with open(target, "wb") as file:
            file.write(data)
        self.report.written += 1

    def commit(
        self, planned: set[str], made_last_time: set[str] | None = None, keep_others: bool = False
    ) -> WriteReport:
        """Make the output exactly `planned` (its top-level dotfiles aside), all at once;
        with `keep_others` (`sitegen print`), `planned` and whatever else is there.

        `made_last_time`, the files the last build left, spares walking the whole
        folder to find those no longer planned. What is there is looked at under the
        folder lock, so a build or print finishing at the same moment is not undone."""
        try:
            with folder_locked(self.out_dir.parent):
                if not self.out_dir.exists():
                    (self.staging / MARKER).write_bytes(MARKER_TEXT)
                    os.rename(self.staging, self.out_dir)  # a first build: nothing to keep
                    return self.report
                there = output_files(self.out_dir) if made_last_time is None else made_last_time
                if keep_others:
                    planned = planned | there
                stale = {path for path in there - planned if (self.out_dir / path).is_file()}
                self.report.removed = len(stale)
                if self.report.written == 0 and not stale:
                    return self.report  # nothing changed: nothing is written
                if not (self.out_dir / MARKER).exists():
                    (self.staging / MARKER).write_bytes(MARKER_TEXT)
                spare = None
                if not os.path.ismount(self.out_dir):
                    spare = prepare_spare(self.out_dir, self.staging, planned)
                if spare is None:
                    self._move_in_one_by_one(stale)
                else:
                    swap_in(spare, self.out_dir, there)
            return self.report
        finally:
            self.discard()

    def _move_in_one_by_one(self, stale: set[str]) -> None:
        """Where no atomic swap is possible: each staged file renamed over the old one."""
        for root, dirs, names in os.walk(self.staging):
            destination = self.out_dir / os.path.relpath(root, self.staging)
            for name in list(dirs):
                if not (destination / name).exists():  # a new folder: moved in whole
                    os.rename(os.path.join(root, name), destination / name)
                    dirs.remove(name)
            for name in names:
                os.replace(os.path.join(root, name), destination / name)
        for path in stale:
            (self.out_dir / path).unlink()
        remove_empty_folders(self.out_dir, {str(Path(path).parent) for path in stale})

    def discard(self) -> None:
        if self._held is not None:
            os.close(self._held)
            self._held = None
        shutil.rmtree(self.staging, ignore_errors=True)


def remove_leftovers_beside(out_dir: Path) -> None:
    """What killed builds left beside `out_dir`, put right (see swap.py)."""
    out_dir = Path(os.path.realpath(out_dir))
    if out_dir.parent.is_dir():
        with folder_locked(out_dir.parent):
            remove_leftovers(out_dir)


def _holds(path: str, data: bytes) -> bool:
    """Whether the file at `path` holds exactly `data`: read by the file descriptor, at
    most one byte more than `data`, a third of the time of a stat and a buffered read
    (every output of a full build is compared so). Never waiting: a pipe put where
    an output was is not one."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        return False  # a new file
    try:
        return stat.S_ISREG(os.fstat(handle).st_mode) and os.read(handle, len(data) + 1) == data
    except OSError:
        return False
    finally:
        os.close(handle)


def output_files(folder: Path) -> set[str]:
    """The files under `folder` as posix paths, leaving out the top-level dotfiles."""
    found = set()
    for root, dirs, names in os.walk(folder):
        relative = os.path.relpath(root, folder).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        if not prefix:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            names = [n for n in names if not n.startswith(".")]
        found.update(prefix + name for name in names)
    return found
