"""Writing a build atomically: a staging folder beside the output, then a swap.

A failed build never leaves half an output: everything is written into a hidden
staging folder next to `output/`, which replaces it only when complete. Files
whose bytes did not change are hard-linked from the previous output, so they
keep their modification time and an upload tool sees nothing to send. Dotfiles
at the top of the output folder (`.git`, `.htaccess`, `.well-known`) are kept.
"""

from __future__ import annotations

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
    """A staging folder that becomes `out_dir` on `commit()`, or vanishes on `discard()`."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.staging = out_dir.parent / f".{out_dir.name}.staging-{os.getpid()}"
        self.report = WriteReport()
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)

    def write(self, path: str, data: bytes) -> None:
        target = self.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if _keep_or_write(self.out_dir / path, target, data):
            self.report.unchanged += 1
        else:
            self.report.written += 1

    def commit(self) -> WriteReport:
        """Swap the staging folder in; the old output's top-level dotfiles move across."""
        _keep_or_write(self.out_dir / MARKER, self.staging / MARKER, MARKER_TEXT)
        old = self.out_dir.parent / f".{self.out_dir.name}.old-{os.getpid()}"
        if self.out_dir.exists():
            made = set(self._files(self.staging))
            self.report.removed = len(set(self._files(self.out_dir)) - made)
            for entry in self.out_dir.iterdir():
                if entry.name.startswith(".") and not (self.staging / entry.name).exists():
                    entry.rename(self.staging / entry.name)
            self.out_dir.rename(old)
        self.staging.rename(self.out_dir)
        shutil.rmtree(old, ignore_errors=True)
        return self.report

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    @staticmethod
    def _files(folder: Path) -> list[str]:
        return [
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and not p.relative_to(folder).parts[0].startswith(".")
        ]


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


def _keep_or_write(previous: Path, target: Path, data: bytes) -> bool:
    """Hard-link `previous` to `target` if it holds exactly `data` (True), else write it."""
    try:
        if previous.stat().st_size == len(data) and previous.read_bytes() == data:
            os.link(previous, target)
            return True
    except OSError:
        pass  # no previous file, or a file system without hard links: write it anew
    target.write_bytes(data)
    return False
