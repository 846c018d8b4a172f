"""The pipeline: load -> view at `now` -> plan -> render -> write."""

from __future__ import annotations

import difflib
import multiprocessing as mp
import os
import pickle
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen import feeds
from sitegen.errors import ContentError, Diagnostic, Diagnostics, SourceRef, UserError
from sitegen.load import SiteContent, load_site
from sitegen.outputs import Output, check_plan
from sitegen.parse_cache import ParseCache
from sitegen.printing.jobs import PrintCache
from sitegen.printing.run import PrintReport, make_print
from sitegen.render import Renderer
from sitegen.site_pages import plan_pages
from sitegen.siteview import SiteView
from sitegen.themes import static_dir_name
from sitegen.visibility import Flags
from sitegen.writer import (
    StagedOutput,
    WriteReport,
    check_output_folder,
    claim_output_folder,
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

    def summary(self) -> str:
        w = self.write
        printed = f", {self.print.summary()}" if self.print else ""
        return (
            f"built {self.pages} pages{printed}, {self.files} files in all "
            f"({w.written} written, {w.unchanged} unchanged, {w.removed} removed) in {self.seconds:.2f} s"
        )


def check(
    site_dir: Path,
    now: datetime,
    flags: Flags = NO_FLAGS,
    use_cache: bool = True,
    keep_cache: bool = True,
) -> tuple[SiteView, list[Diagnostic]]:
    """Load, check and plan everything a build would, writing nothing.

    Raises ContentError with every problem found."""
    diagnostics = Diagnostics()
    cache = ParseCache(site_dir / CACHE_DIR / "parsed.pickle", read=use_cache)
    content = load_site(site_dir, diagnostics, cache)
    if keep_cache:
        cache.save()
    if content is None or diagnostics.errors:
        raise ContentError(diagnostics.sorted())
    view = SiteView(content, now, flags)
    _check_links_to_unpublished(view, diagnostics)
    return view, diagnostics.sorted()


def build(
    site_dir: Path,
    out_dir: Path,
    now: datetime,
    flags: Flags = NO_FLAGS,
    with_print: bool = True,
    use_cache: bool = True,
) -> BuildReport:
    started = time.perf_counter()
    view, warnings = check(site_dir, now, flags, use_cache)
    renderer = Renderer(view, with_print=with_print)
    outputs = plan(renderer)
    check_plan(outputs)
    check_output_folder(out_dir, site_dir)
    staged = StagedOutput(out_dir)
    try:
        fingerprints = PageFingerprints(site_dir / CACHE_DIR / "pages.pickle", read=use_cache)
        write_all(outputs, staged, fingerprints.unchanged(outputs, out_dir))
        html_paths = [o.path for o in outputs if o.path.endswith(".html")]
        staged.write("sitemap.xml", feeds.sitemap(renderer, html_paths))
        report = BuildReport(pages=len(html_paths), files=len(outputs) + 1)
        if with_print:
            cache = PrintCache(site_dir / CACHE_DIR / "print", read=use_cache)
            report.print = make_print(renderer, resources(outputs), cache)
            for path, data in report.print.files.items():
                staged.write(path, data)
            report.files += len(report.print.files)
            warnings = sorted([*warnings, *report.print.warnings], key=lambda d: str(d.where))
        planned = {o.path for o in outputs} | {"sitemap.xml"}
        if report.print is not None:
            planned |= report.print.files.keys()
        report.write = staged.commit(planned)
        fingerprints.save(outputs)
    except BaseException:
        staged.discard()
        raise
    report.seconds = time.perf_counter() - started
    report.warnings = warnings
    return report


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
    view, warnings = check(site_dir, now)
    if notice_slug is not None:
        notice_slug = _current_notice(view, notice_slug)
    check_output_folder(out_dir, site_dir)
    claim_output_folder(out_dir)
    renderer = Renderer(view, with_print=True)
    cache = PrintCache(site_dir / CACHE_DIR / "print", read=use_cache)
    report = make_print(renderer, resources(plan(renderer)), cache, only, notice_slug)
    for path, data in report.files.items():
        write_in_place(out_dir / path, data)
    report.warnings = [*warnings, *report.warnings]
    return report


PARALLEL_WRITE_MIN = 500
_forked: tuple[list[Output], StagedOutput] | None = None


class PageFingerprints:
    """The fingerprint of each output of the last build that had one (notice pages)."""

    def __init__(self, path: Path, read: bool) -> None:
        self.path = path
        self.previous: dict[str, str] = {}
        if read:
            try:
                with path.open("rb") as stream:
                    self.previous = pickle.load(stream)
            except (OSError, pickle.UnpicklingError, EOFError):
                self.previous = {}

    def unchanged(self, outputs: list[Output], out_dir: Path) -> set[str]:
        """Outputs made from exactly what made the file now in `out_dir`: no need to render."""
        return {
            o.path
            for o in outputs
            if o.fingerprint is not None
            and self.previous.get(o.path) == o.fingerprint
            and (out_dir / o.path).is_file()
        }

    def save(self, outputs: list[Output]) -> None:
        current = {o.path: o.fingerprint for o in outputs if o.fingerprint is not None}
        if current == self.previous:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        with temporary.open("wb") as stream:
            pickle.dump(current, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


def write_all(
    outputs: list[Output], staged: StagedOutput, unchanged: set[str] = frozenset()
) -> None:
    """Render and write every output (but those in `unchanged`), on all cores where the
    system can fork.

    Workers are forked after planning, so they share the loaded site and the
    templates; each renders a slice and writes it into the staging folder."""
    global _forked
    staged.report.unchanged += len(unchanged)
    outputs = [o for o in outputs if o.path not in unchanged]
    cores = os.cpu_count() or 1
    if len(outputs) < PARALLEL_WRITE_MIN or cores == 1 or "fork" not in mp.get_all_start_methods():
        for output in outputs:
            staged.write(output.path, output.data())
        return
    _forked = (outputs, staged)
    try:
        step = -(-len(outputs) // (cores * 4))
        slices = [
            (start, min(start + step, len(outputs))) for start in range(0, len(outputs), step)
        ]
        with mp.get_context("fork").Pool(cores) as pool:
            for written, unchanged in pool.starmap(_write_slice, slices):
                staged.report.written += written
                staged.report.unchanged += unchanged
    finally:
        _forked = None


def _write_slice(start: int, end: int) -> tuple[int, int]:
    assert _forked is not None
    outputs, staged = _forked
    before = (staged.report.written, staged.report.unchanged)
    for output in outputs[start:end]:
        staged.write(output.path, output.data())
    return staged.report.written - before[0], staged.report.unchanged - before[1]


def _current_notice(view: SiteView, name: str) -> str:
    """The slug of the current notice called `name`: its slug, or its file name."""
    by_name = {}
    for notice in view.current:
        by_name[notice.slug] = notice.slug
        by_name[notice.source.name] = by_name[notice.source.stem] = notice.slug
    given = Path(name).name
    if given in by_name:
        return by_name[given]
    close = difflib.get_close_matches(given, list(by_name), n=1, cutoff=0.6)
    hint = (
        f"did you mean `{close[0]}`?" if close else "name a notice by its file name or page address"
    )
    raise UserError(
        f"--notice {name}: no current notice (published, not expired) has this name\n    hint: {hint}"
    )


def resources(outputs: list[Output]) -> dict[str, Path]:
    """The files print HTML may refer to, by their output path."""
    return {o.path: o.copy_from for o in outputs if o.copy_from is not None}


def plan(renderer: Renderer) -> list[Output]:
    content: SiteContent = renderer.view.content
    outputs = plan_pages(renderer) + feeds.plan_feeds(renderer)
    outputs.append(
        Output("robots.txt", "robots.txt", lambda: feeds.robots(content.config.base_url))
    )
    for asset in content.assets:
        outputs.append(
            Output(asset, f"content/{asset}", copy_from=content.site_dir / "content" / asset)
        )
    return outputs + _theme_static(content)


def _theme_static(content: SiteContent) -> list[Output]:
    """The static/ files of every theme folder the site and its campaigns use, once each."""
    folders = dict.fromkeys(
        folder
        for theme in (content.theme, *content.campaign_themes.values())
        for folder in theme.chain
    )
    outputs = []
    for folder in folders:
        static = folder / "static"
        for file in sorted(p for p in static.rglob("*") if p.is_file()):
            path = f"static/{static_dir_name(folder)}/{file.relative_to(static).as_posix()}"
            outputs.append(Output(path, str(file), copy_from=file))
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
