"""Running print jobs: on all cores, each PDF cached by everything it was made from.

A job's cache entry is found by the hash of its HTML (which carries the content,
the template's output and the `now`-dependent state) and is valid while every file
WeasyPrint read for it (stylesheets, fonts, images) still has the same bytes: the
renderer records what it fetched, so nothing has to be declared by hand.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.printing import engine

CACHE_VERSION = "2"  # 2: fallback fonts pinned to the theme (fontconfig)


@dataclass(frozen=True)
class PrintJob:
    pdf_path: str  # in the output, e.g. "print/posters/x.pdf"
    html: str  # holds engine.SIZE_MARK when `fit_paper` is set
    made_from: str  # for messages: the notice or campaign file
    fit_paper: str | None = None  # fit to one page of this paper

    @property
    def key(self) -> str:
        text = f"{CACHE_VERSION}\0{self.pdf_path}\0{self.fit_paper}\0{self.html}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PrintResult:
    job: PrintJob
    pdf: bytes
    body_pt: float | None
    pages: int
    fits: bool
    cached: bool
    reads: dict[str, str] = field(default_factory=dict)  # file -> sha256
    fits_on: str | None = None

    @property
    def html(self) -> str:
        size = f"{self.body_pt:.1f}" if self.body_pt is not None else ""
        return self.job.html.replace(engine.SIZE_MARK, size)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(job: PrintJob, resources: dict[str, Path]) -> PrintResult:
    reads: dict[str, Path] = {}
    recording = _Recording(resources, reads)
    if job.fit_paper:
        fitted = engine.fit(job.html, job.pdf_path, recording, job.fit_paper)
    else:
        document = engine.render(job.html, job.pdf_path, recording)
        fitted = engine.Fitted(document.write_pdf(), None, len(document.pages), True)
    digests = {str(path): _digest(path) for path in reads.values()}
    return PrintResult(
        job,
        fitted.pdf,
        fitted.body_pt,
        fitted.pages,
        fitted.fits,
        cached=False,
        reads=digests,
        fits_on=fitted.fits_on,
    )


class _Recording(dict):
    """The resource map, noting each file the renderer asks for (including fonts)."""

    def __init__(self, resources: dict[str, Path], reads: dict[str, Path]) -> None:
        super().__init__(resources)
        self.reads = reads

    def get(self, key, default=None):
        found = super().get(key, default)
        if found is not None:
            self.reads[key] = found
        return found


class PrintCache:
    """PDFs from earlier builds in `<site>/.sitegen-cache/print/`.

    With `read=False` (a cold build) nothing is taken from it, but what is
    rendered is still stored for the builds after."""

    def __init__(self, folder: Path | None, read: bool = True) -> None:
        self.folder = folder
        self.read = read
        self._digests: dict[str, str] = {}

    def _current(self, path: str) -> str | None:
        if path not in self._digests:
            try:
                self._digests[path] = _digest(Path(path))
            except OSError:
                return None
        return self._digests[path]

    def load(self, job: PrintJob) -> PrintResult | None:
        if self.folder is None or not self.read:
            return None
        meta_path = self.folder / f"{job.key}.json"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if any(self._current(path) != digest for path, digest in meta["reads"].items()):
                return None
            pdf = (self.folder / f"{job.key}.pdf").read_bytes()
        except (OSError, ValueError, KeyError):
            return None
        return PrintResult(
            job,
            pdf,
            meta["body_pt"],
            meta["pages"],
            meta["fits"],
            True,
            meta["reads"],
            meta["fits_on"],
        )

    def load_bytes(self, key: str) -> bytes | None:
        """A file stored under `key` by `store_bytes` (for outputs that are not layouts)."""
        if self.folder is None or not self.read:
            return None
        try:
            return (self.folder / f"{key}.bin").read_bytes()
        except OSError:
            return None

    def store_bytes(self, key: str, data: bytes) -> None:
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{key}.bin").write_bytes(data)

    def store(self, result: PrintResult) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        key = result.job.key
        (self.folder / f"{key}.pdf").write_bytes(result.pdf)
        meta = {
            "body_pt": result.body_pt,
            "pages": result.pages,
            "fits": result.fits,
            "fits_on": result.fits_on,
            "reads": result.reads,
        }
        (self.folder / f"{key}.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")


class PrintRunner:
    """Runs jobs: from the cache where valid, the rest on all cores (one pool per build)."""

    def __init__(self, resources: dict[str, Path], cache: PrintCache) -> None:
        self.resources = resources
        self.cache = cache
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> PrintRunner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def run(self, jobs: list[PrintJob]) -> list[PrintResult]:
        """Results in the order of `jobs`, with progress on a terminal."""
        results: list[PrintResult | None] = [self.cache.load(job) for job in jobs]
        pending = [index for index, result in enumerate(results) if result is None]
        if pending:
            todo = [jobs[index] for index in pending]
            progress = _Progress(len(todo))
            if len(todo) == 1 or (os.cpu_count() or 1) == 1:
                rendered = map(_run, todo, [self.resources] * len(todo))
            else:
                if self._pool is None:
                    self._pool = ProcessPoolExecutor(max_workers=os.cpu_count())
                rendered = self._pool.map(_run, todo, [self.resources] * len(todo))
            for index, result in zip(pending, rendered, strict=True):
                self.cache.store(result)
                progress.step()
                results[index] = result
            progress.done()
        return [result for result in results if result is not None]


class _Progress:
    """A one-line progress bar on a terminal; silent when output is redirected."""

    def __init__(self, total: int) -> None:
        self.total, self.count = total, 0
        self.shown = sys.stderr.isatty()

    def step(self) -> None:
        self.count += 1
        if self.shown:
            filled = round(24 * self.count / self.total)
            sys.stderr.write(
                f"\rrendering PDFs [{'#' * filled}{'.' * (24 - filled)}] {self.count}/{self.total}"
            )
            sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
