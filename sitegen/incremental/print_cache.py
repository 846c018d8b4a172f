"""PDFs, QR codes and joined packs from earlier builds, in `<site>/.sitegen-cache/print/`.

A layout's entry is found by the hash of its job's HTML and is valid while every
file WeasyPrint read for it still has the same bytes (see outputs/printing/jobs.py,
which records the reads). Other print outputs are stored as bytes by a key made
of what went into them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import msgspec

from sitegen.incremental.code_version import PRINT, fingerprint
from sitegen.outputs.printing import engine
from sitegen.outputs.printing.jobs import PrintJob, PrintResult, file_digest


@dataclass(frozen=True)
class LayoutMeta:
    """A cached layout's measures, as stored beside its PDF (checked on read)."""

    body_pt: float | None
    pages: int
    fits: bool
    fits_on: str | None
    reads: dict[str, str]
    problems: list[str]


class PrintCache:
    """PDFs from earlier builds in `<site>/.sitegen-cache/print/`.

    With `read=False` (a cold build) nothing is taken from it, but what is
    rendered is still stored for the builds after."""

    def __init__(self, folder: Path, read: bool = True) -> None:
        self.folder = folder
        self.read = read
        self._digests: dict[str, str] = {}
        # Print's own modules and the libraries that lay out, write and join PDFs: in
        # every key, so that a change to any of them makes each PDF again.
        self.code = fingerprint(PRINT)

    def key_of(self, *parts: bytes) -> str:
        """The key of a stored file made of `parts` (a QR code's address, a pack's PDFs)."""
        return hashlib.sha256(b"\0".join([self.code.encode(), *parts])).hexdigest()

    def _current(self, path: str) -> str | None:
        if path not in self._digests:
            try:
                self._digests[path] = file_digest(Path(path))
            except OSError:
                return None
        return self._digests[path]

    def load(self, job: PrintJob) -> PrintResult | None:
        if not self.read:
            return None
        key = job.key(self.code)
        try:
            meta = msgspec.json.decode((self.folder / f"{key}.json").read_bytes(), type=LayoutMeta)
            if any(self._current(path) != digest for path, digest in meta.reads.items()):
                return None
            pdf_file = self.folder / f"{key}.pdf"
            if not pdf_file.is_file():
                return None
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return None  # no entry, or a damaged one: made again
        return PrintResult(
            job,
            pdf_file,
            meta.body_pt,
            meta.pages,
            meta.fits,
            True,
            meta.reads,
            meta.fits_on,
            tuple(meta.problems),
        )

    def load_bytes(self, key: str) -> bytes | None:
        """A file stored under `key` by `store_bytes` (for outputs that are not layouts)."""
        if not self.read:
            return None
        try:
            return (self.folder / f"{key}.bin").read_bytes()
        except OSError:
            return None

    def store_bytes(self, key: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.folder / f"{key}.bin", data)

    def store(
        self, job: PrintJob, fitted: engine.Fitted, reads: dict[str, str], problems: list[str]
    ) -> PrintResult:
        self.folder.mkdir(parents=True, exist_ok=True)
        key = job.key(self.code)
        pdf_file = self.folder / f"{key}.pdf"
        _write_atomically(pdf_file, fitted.pdf)
        meta = LayoutMeta(
            fitted.body_pt, fitted.pages, fitted.fits, fitted.fits_on, reads, problems
        )
        # The metadata last: an entry counts only once both files are whole.
        _write_atomically(self.folder / f"{key}.json", msgspec.json.encode(meta))
        return PrintResult(
            job,
            pdf_file,
            fitted.body_pt,
            fitted.pages,
            fitted.fits,
            False,
            reads,
            fitted.fits_on,
            tuple(problems),
        )


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` in the run's temporary folder, then move it into place: a run killed
    between the two leaves the part-written file where the next run sweeps it."""
    handle, temporary = tempfile.mkstemp(prefix="cache-", dir=tempfile.gettempdir())
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    try:
        os.replace(temporary, path)
    except OSError:  # another file system (outside a run): moved by copying
        shutil.move(temporary, path)
