"""The pipeline: load -> view at `now` -> plan -> check the plan -> keep what is
still right -> render and write the rest -> commit.

build.py runs it, once the build record has shown there is something to do (for
`sitegen build`, and for `sitegen check`, which builds into the cache folder);
`sitegen print` runs the print outputs only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sitegen import workers
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
from sitegen.incremental.cache_db import CACHE_DIR, cache_file
from sitegen.incremental.keys import OutputKeys
from sitegen.incremental.parse_cache import ParseCache
from sitegen.incremental.print_cache import PrintCache
from sitegen.incremental.record import BuildRecord, BuildRecords, Made, stamps_as_left
from sitegen.incremental.steady import steady_between
from sitegen.model import Notice
from sitegen.outputs.moment import MOMENT
from sitegen.outputs.plan import Output, check_plan
from sitegen.outputs.planning import plan, plan_copies, resources
from sitegen.outputs.printing.plan import planned_outputs
from sitegen.outputs.printing.report import PrintReport
from sitegen.outputs.printing.run import make_print
from sitegen.outputs.render import Renderer
from sitegen.report import BuildReport
from sitegen.scratch import scratch_folder
from sitegen.site.view import SiteView
from sitegen.site.visibility import NO_FLAGS, Flags
from sitegen.sitefolder.load import load_site
from sitegen.sitefolder.parse_pool import parse_files
from sitegen.sitefolder.sitefiles import Listing, Stamp, list_content_files
from sitegen.writer import (
    StagedOutput,
    check_output_folder,
    remove_leftovers_beside,
)


def load_view(
    site_dir: Path,
    now: datetime,
    flags: Flags = NO_FLAGS,
    use_cache: bool = True,
    keep_cache: bool = True,
    content_files: Listing | None = None,
) -> tuple[SiteView, list[Diagnostic]]:
    """The site loaded and checked, seen at `now` (`content_files`: the content
    folder, if already listed).

    Raises ContentError with every problem found."""
    diagnostics = Diagnostics()
    if content_files is None:
        content_files = list_content_files(site_dir / "content")
    cache = ParseCache(cache_file(site_dir), read=use_cache)
    parse_many = cache.wrapping(parse_files, content_files.files)
    content = load_site(site_dir, diagnostics, parse_many, content_files, cache.pinyin)
    view = None
    if content is not None and not diagnostics.errors:
        view = SiteView(content, now, flags, pinyin=cache.pinyin)
        # Worked out before the cache is saved, so the pinyin of new terms is kept too.
        view.category_slugs, view.tag_slugs  # noqa: B018
    if keep_cache:
        cache.save()
    if view is None:
        raise ContentError(diagnostics.sorted())
    _check_links_to_unpublished(view, diagnostics)
    return view, diagnostics.sorted()


def run(
    site_dir: Path,
    out_dir: Path,
    now: datetime,
    flags: Flags,
    *,
    with_print: bool,
    with_search: bool,
    use_cache: bool,
    strict: bool,
    content_files: Listing,
    previous: BuildRecord | None,
) -> Built:
    """One build: check, plan, keep what the `previous` build made that is still
    right, render and write the rest, commit. Say what each output is made of."""
    view, warnings = load_view(site_dir, now, flags, use_cache, content_files=content_files)
    if strict:
        refuse_warnings(warnings)
    renderer = Renderer(view, with_print=with_print, with_search=with_search)
    outputs = plan(renderer)
    check_plan(outputs + (planned_outputs(view) if with_print else []))
    check_output_folder(out_dir, site_dir)
    staged = StagedOutput(out_dir)
    keys = OutputKeys(view, with_print, with_search)
    kept = previous.unchanged(outputs, keys, out_dir) if previous else {}
    try:
        made = kept | write_all(outputs, staged, keys.key, set(kept))
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
        left_before = set(previous.snapshot.outputs) if previous else None
        report.write = staged.commit(set(made), left_before)
    except BaseException:
        staged.discard()
        raise
    report.warnings = [str(warning) for warning in warnings]
    stamps = stamps_as_left(out_dir, made, kept, previous.snapshot if previous else None)
    # What of `now` the outputs read, for the stretch of time with nothing to do.
    reads = {name for _key, names in made.values() for name in names if name[:3] == MOMENT}
    reads |= report.print.reads if report.print else set()
    return Built(
        report,
        stamps,
        {path: made[path] for path in stamps},
        steady_between(view, with_print, reads),
    )


@dataclass(frozen=True)
class Built:
    """What a build made, for its report and for the record the next build reads."""

    report: BuildReport
    stamps: dict[str, Stamp]  # every file it left in the output folder
    made: dict[str, Made]  # how each of those was made
    steady: tuple[datetime, datetime]


def print_only(
    site_dir: Path,
    out_dir: Path,
    now: datetime,
    only: str | None = None,
    notice_slug: str | None = None,
    use_cache: bool = True,
) -> PrintReport:
    """Make just the print outputs (or those `only` / of one notice) into the output folder.

    The rest of the output is left as it is, and the print files are staged and
    swapped in all at once, as a build's are."""
    with scratch_folder(site_dir / CACHE_DIR):
        remove_leftovers_beside(out_dir)
        view, warnings = load_view(site_dir, now)
        on_demand = None if notice_slug is None else _current_notice(view, notice_slug)
        check_plan(planned_outputs(view, on_demand))
        check_output_folder(out_dir, site_dir)
        staged = StagedOutput(out_dir)
        cache = PrintCache(site_dir / CACHE_DIR / "print", read=use_cache)
        try:
            renderer = Renderer(view, with_print=True)
            copies = resources(plan_copies(view.content))
            report = make_print(renderer, copies, cache, staged.write, only, on_demand)
            staged.commit(set(report.paths), keep_others=True)
        except BaseException:
            staged.discard()
            raise
        BuildRecords(cache_file(site_dir), out_dir).add_files(out_dir, report.paths)
    report.warnings = in_order([*warnings, *report.warnings])
    return report


PARALLEL_WRITE_MIN = 500
Key = Callable[[Output, tuple[str, ...]], str | None]  # an output's key, given its reads


def write_all(
    outputs: list[Output], staged: StagedOutput, key: Key, unchanged: set[str] = frozenset()
) -> dict[str, Made]:
    """Render and write every output (but those in `unchanged`), on all cores where the
    system can fork; say how each was made (its `key` and what its render read).

    Workers are forked after planning, so they share the loaded site and the
    templates (renders are closures: they cannot be sent to a spawned worker); each
    renders a slice, writes it into the staging folder and works out its keys."""
    staged.report.unchanged += len(unchanged)
    outputs = [o for o in outputs if o.path not in unchanged]
    if (
        len(outputs) < PARALLEL_WRITE_MIN
        or workers.cores() == 1
        or workers.start_method() != "fork"
    ):
        return _write(outputs, staged, key)
    step = -(-len(outputs) // (workers.cores() * 4))
    starts = range(0, len(outputs), step)
    made: dict[str, Made] = {}
    with workers.pool(_adopt, (outputs, staged, key)) as pool:
        for written, unchanged_there, made_there in pool.map(
            _write_slice, starts, [step] * len(starts)
        ):
            staged.report.written += written
            staged.report.unchanged += unchanged_there
            made.update(made_there)
    return made


def _write(outputs: list[Output], staged: StagedOutput, key: Key) -> dict[str, Made]:
    made: dict[str, Made] = {}
    for output in outputs:
        read: set[str] = set()
        staged.write(output.path, output.data(read))
        reads = tuple(sorted(read))
        made[output.path] = (key(output, reads), reads)
    return made


_adopted: tuple[list[Output], StagedOutput, Key] | None = None  # in a worker: what it writes


def _adopt(outputs: list[Output], staged: StagedOutput, key: Key) -> None:
    global _adopted
    _adopted = (outputs, staged, key)


def _write_slice(start: int, length: int) -> tuple[int, int, dict[str, Made]]:
    assert _adopted is not None
    outputs, staged, key = _adopted
    before = (staged.report.written, staged.report.unchanged)
    made = _write(outputs[start : start + length], staged, key)
    return staged.report.written - before[0], staged.report.unchanged - before[1], made


def _current_notice(view: SiteView, name: str) -> Notice:
    """The current notice called `name` (its slug, or its file name), if it may have a poster."""
    by_name: dict[str, Notice] = {}
    for notice in view.current:
        by_name[notice.slug] = notice
        by_name[notice.source.name] = by_name[notice.source.stem] = notice
    given = Path(name).name
    if given not in by_name:
        hint = suggest(given, by_name, "name a notice by its file name or page address")
        raise UserError(
            f"--notice {name}: no current notice (published, not expired) has this name", hint
        )
    notice = by_name[given]
    if notice.poster is None:
        raise UserError(
            f"--notice {name}: {notice.source.as_posix()} says `poster: false`",
            "take that line out to print its poster",
        )
    return notice


def _check_links_to_unpublished(view: SiteView, diagnostics: Diagnostics) -> None:
    """A published item linking to a draft or a notice not yet out loses that link: say so."""
    for item in [*view.notices, *view.pages, *view.campaigns]:
        for ref in sorted(ref for ref in item.links if ref not in view.targets):
            diagnostics.warning(
                SourceRef(item.source),
                f"links to content/{ref}, which is not published at this time (a draft or scheduled); "
                "the link is shown as plain text",
            )
