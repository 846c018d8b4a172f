"""The pipeline: load -> view at `now` -> plan -> render -> write."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen.errors import (
    ContentError,
    Diagnostic,
    Diagnostics,
    SourceRef,
    UserError,
    in_order,
    refuse_warnings,
    suggest,
)
from sitegen.incremental.keys import OutputKeys
from sitegen.incremental.parse_cache import ParseCache
from sitegen.incremental.print_cache import PrintCache
from sitegen.incremental.record import BuildRecord, BuildRecords, input_stamps, outputs_as_left
from sitegen.incremental.steady import steady_between
from sitegen.model import SiteContent
from sitegen.outputs import feeds
from sitegen.outputs.pages import plan_pages
from sitegen.outputs.plan import Output, check_plan
from sitegen.outputs.printing.plan import planned_outputs
from sitegen.outputs.printing.run import PrintReport, make_print
from sitegen.outputs.render import Renderer
from sitegen.scratch import scratch_folder
from sitegen.site.urls import static_path
from sitegen.site.view import SiteView
from sitegen.site.visibility import Flags
from sitegen.sitefolder.load import list_content_files, load_site, theme_static_files
from sitegen.sitefolder.parse_pool import parse_files
from sitegen.sitefolder.sitefiles import Listing
from sitegen.workers import end_with_parent, start_method
from sitegen.writer import (
    StagedOutput,
    WriteReport,
    check_output_folder,
    claim_output_folder,
    remove_leftovers_beside,
    write_in_place,
)

NO_FLAGS = Flags()
CACHE_DIR = ".sitegen-cache"


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    write: WriteReport = field(default_factory=WriteReport)
    warnings: list[Diagnostic] = field(default_factory=list)
    print: PrintReport | None = None
    already_exact: bool = False  # nothing changed since the last build: nothing was loaded

    def summary(self) -> str:
        w = self.write
        printed = f", {self.print.summary()}" if self.print else ""
        exact = " (nothing changed since the last build)" if self.already_exact else ""
        return (
            f"built {self.pages} pages{printed}, {self.files} files in all "
            f"({w.written} written, {w.unchanged} unchanged, {w.removed} removed) "
            f"in {self.seconds:.2f} s{exact}"
        )


def check(
    site_dir: Path,
    now: datetime,
    flags: Flags = NO_FLAGS,
    use_cache: bool = True,
    keep_cache: bool = True,
    content_files: Listing | None = None,
) -> tuple[SiteView, list[Diagnostic]]:
    """Load, check and plan everything a build would, writing nothing
    (`content_files`: the content folder, if already listed).

    Raises ContentError with every problem found."""
    diagnostics = Diagnostics()
    if content_files is None:
        content_files = list_content_files(site_dir / "content")
    cache = ParseCache(cache_path(site_dir), read=use_cache)
    parse_many = cache.wrapping(parse_files, content_files.files)
    content = load_site(site_dir, diagnostics, parse_many, content_files)
    view = None
    if content is not None and not diagnostics.errors:
        view = SiteView(content, now, flags)
        # Worked out before the cache is saved, so the pinyin of new terms is kept too.
        view.category_slugs, view.tag_slugs  # noqa: B018
    if keep_cache:
        cache.save()
    if view is None:
        raise ContentError(diagnostics.sorted())
    _check_links_to_unpublished(view, diagnostics)
    return view, diagnostics.sorted()


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


def build(
    site_dir: Path,
    out_dir: Path,
    now: datetime,
    flags: Flags = NO_FLAGS,
    with_print: bool = True,
    use_cache: bool = True,
    strict: bool = False,
) -> BuildReport:
    """Build the site into `out_dir`; with `strict`, any warning fails it before
    anything is written."""
    with scratch_folder(site_dir / CACHE_DIR), _collector_paused():
        return _build(site_dir, out_dir, now, flags, with_print, use_cache, strict)


def _build(
    site_dir: Path,
    out_dir: Path,
    now: datetime,
    flags: Flags,
    with_print: bool,
    use_cache: bool,
    strict: bool,
) -> BuildReport:
    started = time.perf_counter()
    remove_leftovers_beside(out_dir)
    records = BuildRecords(cache_path(site_dir), out_dir)
    previous = records.load() if use_cache else None
    content_files = list_content_files(site_dir / "content")
    inputs = input_stamps(site_dir, content_files)
    settings = repr((flags, with_print))
    if previous is not None and previous.still_exact(inputs, now, settings, out_dir):
        if strict:
            refuse_warnings(previous.warnings)
        return _nothing_changed(previous, time.perf_counter() - started)

    view, warnings = check(site_dir, now, flags, use_cache, content_files=content_files)
    if strict:
        refuse_warnings(warnings)
    renderer = Renderer(view, with_print=with_print)
    outputs = plan(renderer)
    check_plan(outputs + (planned_outputs(view) if with_print else []))
    check_output_folder(out_dir, site_dir)
    staged = StagedOutput(out_dir)
    keys = OutputKeys(view, with_print)
    kept = previous.unchanged(outputs, keys, out_dir) if previous else {}
    try:
        reads = write_all(outputs, staged, set(kept))
        made = dict(kept)
        for output in outputs:
            if output.path in reads:
                made[output.path] = (keys.key(output, reads[output.path]), reads[output.path])
        report = BuildReport(
            pages=sum(o.path.endswith(".html") for o in outputs), files=len(outputs)
        )
        if with_print:
            cache = PrintCache(site_dir / CACHE_DIR / "print", read=use_cache)
            report.print = make_print(renderer, resources(outputs), cache, staged.write)
            report.files += len(report.print.paths)
            warnings = in_order([*warnings, *report.print.warnings])
            if strict:
                refuse_warnings(warnings)
        made.update(dict.fromkeys(report.print.paths if report.print else (), (None, ())))
        report.write = staged.commit(set(made), set(previous.outputs) if previous else None)
    except BaseException:
        staged.discard()
        raise
    records.save(
        BuildRecord(
            outputs=outputs_as_left(out_dir, made, kept, previous),
            inputs=inputs,
            settings=settings,
            moment=now,
            steady=steady_between(view, with_print),
            pages=report.pages,
            warnings=warnings,
        )
    )
    report.seconds = time.perf_counter() - started
    report.warnings = warnings
    return report


def _nothing_changed(previous: BuildRecord, seconds: float) -> BuildReport:
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


def print_only(
    site_dir: Path,
    out_dir: Path,
    now: datetime,
    only: str | None = None,
    notice_slug: str | None = None,
    use_cache: bool = True,
) -> PrintReport:
    """Make just some print outputs, replacing those files in the output folder one by one.

    The rest of the output is left as it is: print files stand alone, so no swap of
    the whole folder is needed."""
    with scratch_folder(site_dir / CACHE_DIR):
        return _print_only(site_dir, out_dir, now, only, notice_slug, use_cache)


def _print_only(
    site_dir: Path,
    out_dir: Path,
    now: datetime,
    only: str | None,
    notice_slug: str | None,
    use_cache: bool,
) -> PrintReport:
    remove_leftovers_beside(out_dir)
    view, warnings = check(site_dir, now)
    if notice_slug is not None:
        notice_slug = _current_notice(view, notice_slug)
    renderer = Renderer(view, with_print=True)
    site_outputs = plan(renderer)
    check_plan(site_outputs + planned_outputs(view))
    check_output_folder(out_dir, site_dir)
    claim_output_folder(out_dir)
    cache = PrintCache(site_dir / CACHE_DIR / "print", read=use_cache)
    report = make_print(
        renderer,
        resources(site_outputs),
        cache,
        lambda path, data: write_in_place(out_dir / path, data),
        only,
        notice_slug,
    )
    report.warnings = [*warnings, *report.warnings]
    return report


PARALLEL_WRITE_MIN = 500
_forked: tuple[list[Output], StagedOutput] | None = None
ReadsByPath = dict[str, tuple[str, ...]]  # output path -> what its render read


def write_all(
    outputs: list[Output], staged: StagedOutput, unchanged: set[str] = frozenset()
) -> ReadsByPath:
    """Render and write every output (but those in `unchanged`), on all cores where the
    system can fork; say what each render read.

    Workers are forked after planning, so they share the loaded site and the
    templates; each renders a slice and writes it into the staging folder."""
    global _forked
    staged.report.unchanged += len(unchanged)
    outputs = [o for o in outputs if o.path not in unchanged]
    cores = os.cpu_count() or 1
    if len(outputs) < PARALLEL_WRITE_MIN or cores == 1 or start_method() != "fork":
        return _write(outputs, staged)
    _forked = (outputs, staged)
    reads: ReadsByPath = {}
    try:
        step = -(-len(outputs) // (cores * 4))
        slices = [
            (start, min(start + step, len(outputs))) for start in range(0, len(outputs), step)
        ]
        with mp.get_context("fork").Pool(cores, initializer=end_with_parent) as pool:
            for written, unchanged, read in pool.starmap(_write_slice, slices):
                staged.report.written += written
                staged.report.unchanged += unchanged
                reads.update(read)
    finally:
        _forked = None
    return reads


def _write(outputs: list[Output], staged: StagedOutput) -> ReadsByPath:
    reads: ReadsByPath = {}
    for output in outputs:
        read: set[str] = set()
        staged.write(output.path, output.data(read))
        reads[output.path] = tuple(sorted(read))
    return reads


def _write_slice(start: int, end: int) -> tuple[int, int, ReadsByPath]:
    assert _forked is not None
    outputs, staged = _forked
    before = (staged.report.written, staged.report.unchanged)
    reads = _write(outputs[start:end], staged)
    return staged.report.written - before[0], staged.report.unchanged - before[1], reads


def _current_notice(view: SiteView, name: str) -> str:
    """The slug of the current notice called `name`: its slug, or its file name."""
    by_name = {}
    for notice in view.current:
        by_name[notice.slug] = notice.slug
        by_name[notice.source.name] = by_name[notice.source.stem] = notice.slug
    given = Path(name).name
    if given in by_name:
        return by_name[given]
    hint = suggest(given, by_name, "name a notice by its file name or page address")
    raise UserError(
        f"--notice {name}: no current notice (published, not expired) has this name", hint
    )


def resources(outputs: list[Output]) -> dict[str, Path]:
    """The files print HTML may refer to, by their output path."""
    return {o.path: o.copy_from for o in outputs if o.copy_from is not None}


def cache_path(site_dir: Path) -> Path:
    return site_dir / CACHE_DIR / "cache.sqlite"


def plan(renderer: Renderer) -> list[Output]:
    """Every output of the site but print, each with what it is made of."""
    content: SiteContent = renderer.view.content
    outputs = plan_pages(renderer)
    outputs.append(feeds.plan_sitemap(renderer, [o.path for o in outputs]))
    outputs += feeds.plan_feeds(renderer)
    base_url = content.config.base_url
    outputs.append(
        Output("robots.txt", "robots.txt", lambda reads: feeds.robots(base_url), made_of="robots")
    )
    for asset in content.assets:
        outputs.append(_copy(asset, f"content/{asset}", content.site_dir / "content" / asset))
    return outputs + _theme_static(content)


def _copy(path: str, made_from: str, source: Path) -> Output:
    """A file published as it is."""
    return Output(path, made_from, copy_from=source)


def _theme_static(content: SiteContent) -> list[Output]:
    """The static/ files of every theme folder the site and its campaigns use, once each
    (never what a link in them leads to outside the site: see sitefiles.py)."""
    listings: dict[Path, Listing] = {}
    for theme in (content.theme, *content.campaign_themes.values()):
        listings.update(theme_static_files(theme, content.site_dir))
    outputs = []
    for folder, listing in listings.items():
        for name in listing.files:
            path = static_path(folder, name)
            outputs.append(_copy(path, str(folder / "static" / name), folder / "static" / name))
    return outputs


def _check_links_to_unpublished(view: SiteView, diagnostics: Diagnostics) -> None:
    """A published item linking to a draft or a notice not yet out loses that link: say so."""
    for item in [*view.notices, *view.pages, *view.campaigns]:
        for ref in sorted(ref for ref in item.links if ref not in view.targets):
            diagnostics.warning(
                SourceRef(item.source),
                f"links to content/{ref}, which is not published at this time (a draft or scheduled); "
                "the link is shown as plain text",
            )
