"""`sitegen build`: first the build record's question, is the output folder already
exact?, and only if not, the pipeline (pipeline.py).

The record (incremental/record.py) answers from file stamps and the time window
in which nothing changes state, without loading the site. This module imports
none of the pipeline until it is needed, so a build with nothing to do also
loads no templates, Markdown or print code: at ten thousand notices that
loading was half of such a build's time.
"""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sitegen.incremental.cache_db import CACHE_DIR, cache_file
from sitegen.incremental.record import BuildRecord, BuildRecords, Snapshot, input_stamps
from sitegen.outputs.printing.report import PrintReport
from sitegen.report import BuildReport
from sitegen.scratch import scratch_folder
from sitegen.site.visibility import NO_FLAGS, Flags
from sitegen.sitefolder.sitefiles import list_content_files
from sitegen.writer import WriteReport, remove_leftovers_beside


def build(
    site_dir: Path,
    out_dir: Path,
    now: datetime,
    flags: Flags = NO_FLAGS,
    with_print: bool = True,
    with_search: bool = True,
    use_cache: bool = True,
    strict: bool = False,
) -> BuildReport:
    """Build the site into `out_dir` as it is at `now` (in any time zone: a build that
    runs sees it in the site's); with `strict`, any warning fails it before anything
    is written."""
    with scratch_folder(site_dir / CACHE_DIR), _collector_paused():
        started = time.perf_counter()
        remove_leftovers_beside(out_dir)
        records = BuildRecords(cache_file(site_dir), out_dir)
        snapshot = records.load_snapshot() if use_cache else None
        content_files = list_content_files(site_dir / "content")
        inputs = input_stamps(site_dir, content_files)
        settings = build_settings(flags, with_print, with_search)
        exact = snapshot is not None and snapshot.still_exact(inputs, now, settings, out_dir)
        # With --strict, warnings on record are refused by a build that runs: it has
        # them as messages (files and lines), the record only as text.
        if exact and not (strict and snapshot.warnings):
            return _nothing_changed(snapshot, time.perf_counter() - started)

        from sitegen import pipeline  # only now: see above
        from sitegen.sitefolder.settings import site_timezone

        now = now.astimezone(site_timezone(site_dir))
        built = pipeline.run(
            site_dir,
            out_dir,
            now,
            flags,
            with_print=with_print,
            with_search=with_search,
            use_cache=use_cache,
            strict=strict,
            content_files=content_files,
            previous=records.load(snapshot) if snapshot is not None else None,
        )
        report = built.report
        snapshot = Snapshot(
            outputs=built.stamps,
            inputs=inputs,
            settings=settings,
            moment=now,
            steady=built.steady,
            pages=report.pages,
            warnings=report.warnings,
        )
        records.save(BuildRecord(snapshot, made=built.made))
        report.seconds = time.perf_counter() - started
        return report


def build_settings(flags: Flags, with_print: bool, with_search: bool) -> str:
    """The settings a build records: another set of them makes other files."""
    return repr((flags, with_print, with_search))


def recorded_flags(settings: str) -> Flags | None:
    """The flags of a build that recorded `settings` (None: not a build of this sitegen)."""
    for drafts, future, with_print, with_search in itertools.product((False, True), repeat=4):
        flags = Flags(drafts=drafts, future=future)
        if build_settings(flags, with_print, with_search) == settings:
            return flags
    return None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a build.

    A build makes a few hundred thousand objects that live until it ends (the
    site as loaded, the outputs planned), and the collector would walk them all
    again every few thousand allocations: a third of a rebuild's time at 10,000
    notices. Nothing is lost: freeing by reference counting goes on, and cycles
    are collected once the collector is back."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _nothing_changed(previous: Snapshot, seconds: float) -> BuildReport:
    """The report of a build that found the output folder already exact."""
    pdfs = [path for path in previous.outputs if path.endswith(".pdf")]
    return BuildReport(
        pages=previous.pages,
        files=len(previous.outputs),
        seconds=seconds,
        write=WriteReport(unchanged=len(previous.outputs)),
        warnings=previous.warnings,
        print=PrintReport(paths=pdfs) if pdfs else None,
        already_exact=True,
    )
