"""Making the print outputs of one build: plan the jobs, run them, report what happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import Diagnostic, SourceRef
from sitegen.model import PaperSpec
from sitegen.printing import glyphs, plan
from sitegen.printing.jobs import PrintCache, PrintJob, PrintResult, run_jobs
from sitegen.render import Renderer


@dataclass
class PrintReport:
    files: dict[str, bytes] = field(default_factory=dict)  # output path -> bytes
    rendered: int = 0
    cached: int = 0
    warnings: list[Diagnostic] = field(default_factory=list)

    def summary(self) -> str:
        pdfs = sum(1 for path in self.files if path.endswith(".pdf"))
        return f"{pdfs} PDFs ({self.rendered} rendered, {self.cached} from cache)"


def make_print(
    renderer: Renderer,
    resources: dict[str, Path],
    cache: PrintCache,
    only: str | None = None,
    notice_slug: str | None = None,
) -> PrintReport:
    planner = plan.PrintPlanner(renderer)
    report = PrintReport()
    wanted = (only,) if only else plan.ONLY

    def run(jobs: list[PrintJob]) -> list[PrintResult]:
        results = run_jobs(jobs, resources, cache)
        for result in results:
            report.cached += result.cached
            report.rendered += not result.cached
        return results

    posters = [n for n in planner.posters() if notice_slug in (None, n.slug)]
    for notice in posters:
        fonts = glyphs.print_fonts(renderer.theme_for(notice))
        missing = glyphs.missing_characters([notice.title, notice.body_html, notice.issuer], fonts)
        if missing:
            report.warnings.append(
                Diagnostic(
                    SourceRef(notice.source),
                    f"the poster's font cannot draw {''.join(missing[:10])}"
                    f"{'…' if len(missing) > 10 else ''}: these print as empty boxes",
                    "use another character, or add a font that has it to the theme's static/fonts/",
                    severity="warning",
                )
            )
    dues = planner.boards() if "boards" in wanted else []
    if notice_slug:
        dues = [d for d in dues if any(n.slug == notice_slug for n in d.posted)]

    # Fit every poster on each paper it is needed on: its own, and its boards'.
    fit_jobs: dict[tuple[str, str, str], PrintJob] = {}
    own: set[tuple[str, str, str]] = set()
    if "posters" in wanted:
        for notice in posters:
            key = (notice.slug, notice.poster.paper, notice.poster.orientation)
            own.add(key)
            fit_jobs[key] = planner.poster_job(notice, notice.poster, plan.poster_path(notice))
    for due in dues:
        for notice in due.posted:
            paper = PaperSpec(due.board.paper, notice.poster.orientation)
            key = (notice.slug, paper.paper, paper.orientation)
            if key not in fit_jobs:
                fit_jobs[key] = planner.poster_job(notice, paper, plan.poster_path(notice))
    fitted = dict(zip(fit_jobs, run(list(fit_jobs.values())), strict=True))
    for key, result in fitted.items():
        if not result.fits:
            report.warnings.append(
                _too_long(fit_jobs[key], key[1], result, on_board=key not in own)
            )
        if key in own:
            _keep(report, result)

    sizes = {key: result.body_pt for key, result in fitted.items()}
    other_jobs = [planner.pack_job(due, sizes) for due in dues]
    if "boards" in wanted and not notice_slug:
        other_jobs.append(planner.posting_list_job(dues))
    for campaign in renderer.view.live_campaigns if not notice_slug else []:
        if "banners" in wanted:
            other_jobs += planner.banner_jobs(campaign)
        if "handouts" in wanted:
            other_jobs.append(planner.handout_job(campaign))
    for result in run(other_jobs):
        _keep(report, result)
    return report


def _too_long(job: PrintJob, paper: str, result: PrintResult, on_board: bool) -> Diagnostic:
    where = (
        f"one {paper} page (the paper of a board it is due on)" if on_board else f"one {paper} page"
    )
    better = (
        f"; it would fit on {result.fits_on}"
        if result.fits_on
        else "; shorten it or split it in two"
    )
    if on_board:
        hint = "shorten the notice, or give the board larger `paper:` in its community profile"
    elif result.fits_on:
        hint = f"set `poster: {{paper: {result.fits_on}}}`, or shorten the notice"
    else:
        hint = None
    return Diagnostic(
        SourceRef(Path(job.made_from)),
        f"the poster does not fit {where} even at the smallest legible size "
        f"({result.body_pt:.1f} pt): it is printed on {result.pages} pages{better}",
        hint,
        severity="warning",
    )


def _keep(report: PrintReport, result: PrintResult) -> None:
    report.files[result.job.pdf_path] = result.pdf
    report.files[plan.html_path(result.job.pdf_path)] = result.html.encode("utf-8")
