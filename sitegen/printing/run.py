"""Making the print outputs of one build: plan the jobs, run them, report what happened."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import Diagnostic, SourceRef
from sitegen.model import PaperSpec
from sitegen.printing import glyphs, plan
from sitegen.printing.fontconfig import use_print_fonts
from sitegen.printing.jobs import PrintCache, PrintJob, PrintResult, PrintRunner
from sitegen.render import Renderer


@dataclass
class PrintReport:
    files: dict[str, bytes] = field(default_factory=dict)  # output path -> bytes
    rendered: int = 0
    cached: int = 0
    assembled: int = 0  # board packs joined anew from their fitted posters (not from the cache)
    warnings: list[Diagnostic] = field(default_factory=list)

    def summary(self) -> str:
        pdfs = sum(1 for path in self.files if path.endswith(".pdf"))
        return (
            f"{pdfs} PDFs ({self.rendered} rendered, {self.cached} from cache, "
            f"{self.assembled} board packs assembled)"
        )


def make_print(
    renderer: Renderer,
    resources: dict[str, Path],
    cache: PrintCache,
    only: str | None = None,
    notice_slug: str | None = None,
) -> PrintReport:
    """Every print output due at the view's `now` (or those `only` / of one notice)."""
    planner = plan.PrintPlanner(renderer, qr=_cached_qr(cache))
    report = PrintReport()
    wanted = (only,) if only else plan.ONLY
    posters = [n for n in planner.posters() if notice_slug in (None, n.slug)]
    report.warnings += [w for n in posters if (w := _missing_glyphs(renderer, n))]
    dues = planner.boards() if "boards" in wanted else []
    if notice_slug:
        dues = [d for d in dues if any(n.slug == notice_slug for n in d.posted)]

    content = renderer.view.content
    themes = [content.theme, *content.campaign_themes.values()]
    font_dirs = sorted({font.parent for theme in themes for font in glyphs.print_fonts(theme)})
    if cache.folder is not None:
        use_print_fonts(font_dirs, cache.folder.parent / "fontconfig")
    with PrintRunner(resources, cache) as runner:

        def run(jobs: list[PrintJob]) -> list[PrintResult]:
            results = runner.run(jobs)
            report.cached += sum(r.cached for r in results)
            report.rendered += sum(not r.cached for r in results)
            return results

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
                fit_jobs.setdefault(
                    key, planner.poster_job(notice, paper, plan.poster_path(notice))
                )
        fitted = dict(zip(fit_jobs, run(list(fit_jobs.values())), strict=True))
        for key, result in fitted.items():
            if not result.fits:
                report.warnings.append(
                    _too_long(fit_jobs[key], key[1], result, on_board=key not in own)
                )
            if key in own:
                _keep(report, result)

        # A board pack is its posters, as fitted to the board's paper, one after another.
        empty = [due for due in dues if not due.posted]
        for result in run([planner.empty_board_job(due) for due in empty]):
            _keep(report, result)
        for due in dues:
            if due.posted:
                sheets = [
                    fitted[(n.slug, due.board.paper, n.poster.orientation)] for n in due.posted
                ]
                path = plan.board_path(due.community, due.board)
                report.files[path], joined = _merge([sheet.pdf for sheet in sheets], cache)
                report.assembled += joined
                sizes = [sheet.body_pt for sheet in sheets]
                report.files[plan.html_path(path)] = planner.pack_html(due, sizes).encode("utf-8")

        other_jobs = []
        if "boards" in wanted and not notice_slug:
            other_jobs.append(planner.posting_list_job(dues))
        for campaign in renderer.view.campaigns_to_print if not notice_slug else []:
            if "banners" in wanted:
                other_jobs += planner.banner_jobs(campaign)
            if "handouts" in wanted:
                other_jobs.append(planner.handout_job(campaign))
        for result in run(other_jobs):
            _keep(report, result)
    return report


def _cached_qr(cache: PrintCache):
    """QR codes take ~20 ms each to encode (choosing the best mask): keep them."""
    made: dict[str, str] = {}

    def qr(address: str) -> str:
        if address not in made:
            key = hashlib.sha256(f"qr\0{address}".encode()).hexdigest()
            stored = cache.load_bytes(key)
            made[address] = stored.decode() if stored is not None else plan.qr_data_uri(address)
            if stored is None:
                cache.store_bytes(key, made[address].encode())
        return made[address]

    return qr


def _merge(pdfs: list[bytes], cache: PrintCache) -> tuple[bytes, bool]:
    """One PDF of several, one after another (pypdf), and whether it had to be joined
    anew: it is cached by what went in."""
    key = hashlib.sha256(b"pack\0" + b"".join(hashlib.sha256(p).digest() for p in pdfs)).hexdigest()
    merged_before = cache.load_bytes(key)
    if merged_before is not None:
        return merged_before, False
    from pypdf import PdfWriter

    writer = PdfWriter()
    for data in pdfs:
        writer.append(io.BytesIO(data))
    merged = io.BytesIO()
    writer.write(merged)
    cache.store_bytes(key, merged.getvalue())
    return merged.getvalue(), True


def _missing_glyphs(renderer: Renderer, notice) -> Diagnostic | None:
    fonts = glyphs.print_fonts(renderer.theme_for(notice))
    missing = glyphs.missing_characters([notice.title, notice.body_html, notice.issuer], fonts)
    if not missing:
        return None
    return Diagnostic(
        SourceRef(notice.source),
        f"the poster's font cannot draw {''.join(missing[:10])}"
        f"{'…' if len(missing) > 10 else ''}: these print as empty boxes",
        "use another character, or add a font that has it to the theme's static/fonts/",
        severity="warning",
    )


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
