"""Running print jobs: on all cores, each PDF cached by everything it was made from
(the cache itself, handed in by the build, is incremental/print_cache.py).

A job's cache entry is found by the hash of its HTML (which carries the content,
the template's output and the `now`-dependent state) and is valid while every file
WeasyPrint read for it (stylesheets, fonts, images) still has the same bytes: the
renderer records what it fetched, so nothing has to be declared by hand.

Memory stays bounded by the number of workers, not by the number of posters:
workers write each PDF into the cache folder themselves and hand back only its
place and measures, and only a few jobs per worker are in flight at a time.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import workers
from sitegen.outputs.printing import engine
from sitegen.progress import Progress

if TYPE_CHECKING:  # handed in by the build: see incremental/print_cache.py
    from sitegen.incremental.print_cache import PrintCache

IN_FLIGHT_PER_WORKER = 4
WAITING_MAX = 256  # results held back to keep the order: memory stays bounded


@dataclass(frozen=True)
class PrintJob:
    pdf_path: str  # in the output, e.g. "print/posters/x.pdf"
    html: str  # holds engine.SIZE_MARK when `fit_paper` is set
    made_from: str  # for messages: the notice or campaign file
    fit_paper: str | None = None  # fit to one page of this paper
    fonts: tuple[str, ...] = ()  # the print fonts the HTML brings: its theme's font files
    shop: bool = False  # finished as PDF/X-4 for a print shop
    bleed_mm: float = 0.0  # for a print shop: how far the bleed reaches past the trim

    def key(self, code: str) -> str:
        """The job's cache key: everything it is made from, with the `code` that makes
        it (incremental/code_version.py: print's modules and the libraries)."""
        text = (
            f"{code}\0{self.pdf_path}\0{self.fit_paper}\0{self.fonts}\0"
            f"{self.shop}\0{self.bleed_mm}\0{self.html}"
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class PrintResult:
    job: PrintJob
    pdf_file: Path  # the PDF, in the cache folder
    body_pt: float | None
    pages: int
    fits: bool
    cached: bool
    reads: dict[str, str] = field(default_factory=dict)  # file -> sha256
    fits_on: str | None = None
    problems: tuple[str, ...] = ()  # what the check for printing found (verify.py)

    @property
    def pdf(self) -> bytes:
        return self.pdf_file.read_bytes()

    @property
    def html(self) -> str:
        size = f"{self.body_pt:.1f}" if self.body_pt is not None else ""
        return self.job.html.replace(engine.SIZE_MARK, size)


_digests: dict[tuple[str, int, int], str] = {}
# What the check for printing found for each font, by the fonts' files (their digests).
_fonts_checked: dict[tuple[str | None, ...], dict[str, list[str]]] = {}


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, kept per process by its size and time: every job counts
    its fonts as read (10 MB and more), and hashing them took 7 ms a layout."""
    info = path.stat()
    stamp = (str(path), info.st_size, info.st_mtime_ns)
    if stamp not in _digests:
        _digests[stamp] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _digests[stamp]


def _run(job: PrintJob, resources: dict[str, Path], cache: PrintCache) -> PrintResult:
    """Lay out one job and store its PDF in the cache (in a worker, or in this process)."""
    from sitegen.outputs.printing import pdfx, verify  # pypdf: a tenth of a second, for print only

    reads: dict[str, Path] = {}
    recording = _Recording(resources, reads)
    with engine.layout_problems() as left_out:
        if job.fit_paper:
            fitted = engine.fit(job.html, job.pdf_path, recording, job.fit_paper, job.fonts)
        else:
            document = engine.render(job.html, job.pdf_path, recording, job.fonts)
            fitted = engine.Fitted(document.write_pdf(), None, len(document.pages), True)
    if job.shop:
        fitted = replace(fitted, pdf=pdfx.finish(fitted.pdf))
    # WeasyPrint fetches a font only for the first layout of a process that uses it,
    # so the fonts are counted as read by every job that brings them; and the colour
    # profiles embedded in a print-shop PDF likewise.
    read = [*reads.values(), *map(Path, job.fonts), *(pdfx.PROFILES if job.shop else ())]
    digests = {str(path): file_digest(path) for path in read}
    fonts_seen = _fonts_checked.setdefault(tuple(map(digests.get, job.fonts)), {})
    problems = verify.problems(fitted.pdf, job.shop, job.bleed_mm, fonts_seen=fonts_seen)
    problems = [*problems, *(f"the layout left out what it could not load: {p}" for p in left_out)]
    return cache.store(job, fitted, digests, problems)


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


_worker: tuple[dict[str, Path], PrintCache] | None = None  # in a worker: what every job needs


def _start_worker(resources: dict[str, Path], cache: PrintCache) -> None:
    global _worker
    _worker = (resources, cache)


def _run_in_worker(job: PrintJob) -> PrintResult:
    assert _worker is not None
    return _run(job, *_worker)


class PrintRunner:
    """Runs jobs: from the cache where valid, the rest on all cores (one pool per build)."""

    def __init__(self, resources: dict[str, Path], cache: PrintCache) -> None:
        self.resources = resources
        self.cache = cache
        self.cores = workers.cores()
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> PrintRunner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        engine.release_fonts()

    def run(self, jobs: Iterable[PrintJob]) -> Iterator[PrintResult]:
        """Results in the order of `jobs`, with progress on a terminal. Jobs are taken
        from `jobs` only as workers come free, so they may be made as they are asked for."""
        progress = Progress("rendering PDFs")
        waiting: deque[PrintResult | Future[PrintResult]] = deque()
        limit = self.cores * IN_FLIGHT_PER_WORKER
        in_flight = 0
        for job in jobs:
            cached = self.cache.load(job)
            if cached is not None:
                waiting.append(cached)
            else:
                waiting.append(self._start(job))
                in_flight += 1
                progress.add()
            # Results go out in order: a cached one behind a layout still running waits
            # (up to WAITING_MAX of them), while the workers are kept busy.
            while waiting and (
                in_flight > limit
                or len(waiting) > WAITING_MAX
                or isinstance(waiting[0], PrintResult)
                or waiting[0].done()
            ):
                head = waiting.popleft()
                in_flight -= isinstance(head, Future)
                yield self._finish(head, progress)
        while waiting:
            yield self._finish(waiting.popleft(), progress)
        progress.done()

    def _start(self, job: PrintJob) -> Future[PrintResult]:
        if self.cores == 1:
            done: Future[PrintResult] = Future()
            done.set_result(_run(job, self.resources, self.cache))
            return done
        if self._pool is None:
            self._pool = workers.pool(_start_worker, (self.resources, self.cache))
        return self._pool.submit(_run_in_worker, job)

    def _finish(self, item: PrintResult | Future[PrintResult], progress: Progress) -> PrintResult:
        if isinstance(item, PrintResult):
            return item
        result = item.result()
        progress.step()
        return result
