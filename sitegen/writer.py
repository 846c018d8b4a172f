"""Writing a build: only what changed, and only once everything has rendered.

Every output is rendered first; the files whose bytes differ from the previous
output go into a hidden staging folder beside it. Only when the whole build has
rendered are they moved in (one rename each) and the files that no longer
belong removed. So a build that fails on bad content, a template error or
anything else while rendering leaves `output/` exactly as it was; unchanged
files are never touched, keeping their modification times so an upload tool
sees nothing to send; and a build with no change costs no writes at all, even
for ten thousand pages. Dotfiles in the output folder (`.git`, `.htaccess`) are
never touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import UserError

MARKER = ".sitegen-output"
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
                f"{out_dir}: the output folder is inside {name}/, so the next build would read it back in\n"
                "    hint: build into a folder of its own, for example --out output"
            )
    if out == site or site.is_relative_to(out):
        raise UserError(
            f"{out_dir}: the output folder would contain your site's own files\n"
            "    hint: build into a folder of its own, for example --out output"
        )
    if out.is_dir() and not (out / MARKER).exists():
        visible = [p.name for p in out.iterdir() if not p.name.startswith(".")]
        if visible:
            raise UserError(
                f"{out_dir}: this folder has files that sitegen did not make ({', '.join(sorted(visible)[:3])}…), "
                "and a build replaces the whole folder\n"
                "    hint: choose an empty or new folder with --out, or empty this one first"
            )


class StagedOutput:
    """Changed files, staged; `commit(planned)` moves them in and removes the stale."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.staging = out_dir.parent / f".{out_dir.name}.staging-{os.getpid()}"
        self.report = WriteReport()
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)

    def write(self, path: str, data: bytes) -> None:
        try:
            previous = self.out_dir / path
            if previous.stat().st_size == len(data) and previous.read_bytes() == data:
                self.report.unchanged += 1
                return
        except OSError:
            pass  # a new file
        target = self.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.report.written += 1

    def commit(self, planned: set[str], made_last_time: set[str] | None = None) -> WriteReport:
        """Move the staged files in, then remove what is not in `planned` (dotfiles aside).

        `made_last_time`, the files the last build left, spares walking the whole
        folder to find those no longer planned."""
        if not (self.out_dir / MARKER).exists():
            (self.staging / MARKER).write_bytes(MARKER_TEXT)
        if not self.out_dir.exists():
            os.rename(self.staging, self.out_dir)  # a first build: nothing to keep or remove
            return self.report
        for root, dirs, names in os.walk(self.staging):
            destination = self.out_dir / os.path.relpath(root, self.staging)
            for name in list(dirs):
                if not (destination / name).exists():  # a new folder: moved in whole
                    os.rename(os.path.join(root, name), destination / name)
                    dirs.remove(name)
            for name in names:
                _move(os.path.join(root, name), destination / name)
        if made_last_time is None:
            stale = _files(self.out_dir) - planned
        else:
            stale = {p for p in made_last_time - planned if (self.out_dir / p).is_file()}
        for path in stale:
            (self.out_dir / path).unlink()
        _remove_empty_folders(self.out_dir, {str(Path(path).parent) for path in stale})
        self.report.removed = len(stale)
        shutil.rmtree(self.staging, ignore_errors=True)
        return self.report

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _move(source: str, target: Path) -> None:
    """Move a staged file over the one it replaces. The old file is removed first:
    renaming over an existing file makes ext4 flush the new one to disk at once,
    which on a busy disk costs a tenth of a second or more a file."""
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    os.rename(source, target)


def _remove_empty_folders(root: Path, folders: set[str]) -> None:
    """Remove the given folders under `root` and their parents while they are empty."""
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        current = root / folder
        while current != root and current.is_dir() and not any(current.iterdir()):
            current.rmdir()
            current = current.parent


def _files(folder: Path) -> set[str]:
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


def claim_output_folder(out_dir: Path) -> None:
    """Make `out_dir` if it is missing, marked as sitegen's, so later builds may replace it."""
    if not out_dir.exists():
        out_dir.mkdir(parents=True)
        (out_dir / MARKER).write_bytes(MARKER_TEXT)


def write_in_place(path: Path, data: bytes) -> None:
    """Replace one file atomically (write beside it, then rename), unless it is unchanged."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
