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
        previous = self.out_dir / path
        if _same_bytes(previous, data) and _link(previous, target):
            self.report.unchanged += 1
            return
        target.write_bytes(data)
        self.report.written += 1

    def copy(self, path: str, source: Path) -> None:
        target = self.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = self.out_dir / path
        if _same_file(previous, source) and _link(previous, target):
            self.report.unchanged += 1
            return
        shutil.copy2(source, target)
        self.report.written += 1

    def commit(self) -> WriteReport:
        """Swap the staging folder in; the old output's top-level dotfiles move across."""
        marker = b"This folder is made by sitegen: each build replaces it.\n"
        previous_marker = self.out_dir / MARKER
        if not (
            _same_bytes(previous_marker, marker) and _link(previous_marker, self.staging / MARKER)
        ):
            (self.staging / MARKER).write_bytes(marker)
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


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _same_file(previous: Path, source: Path) -> bool:
    try:
        a, b = previous.stat(), source.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and previous.read_bytes() == source.read_bytes()


def _link(previous: Path, target: Path) -> bool:
    """Hard-link an unchanged file from the old output; False where links are not possible."""
    try:
        os.link(previous, target)
        return True
    except OSError:
        try:
            shutil.copy2(previous, target)
            return True
        except OSError:
            return False
