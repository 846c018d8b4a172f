"""Making the print outputs of one build: plan the jobs, run them, report what happened."""

from __future__ import annotations

import hashlib
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.errors import Diagnostic, SourceRef
from sitegen.model import SHOP_BLEED_MM, Notice, PaperSpec
from sitegen.outputs.printing import cmyk, glyphs, plan
from sitegen.outputs.printing.fontconfig import use_print_fonts
from sitegen.outputs.printing.jobs import PrintJob, PrintResult, PrintRunner
from sitegen.outputs.printing.report import PrintReport
from sitegen.outputs.render import Renderer
from sitegen.site import urls

if TYPE_CHECKING:  # handed in by the build
    from sitegen.incremental.print_cache import PrintCache

Write = Callable[[str, bytes], None]  # output path, bytes


@dataclass(frozen=True)
class _Sheet:
    """A poster as fitted to one paper: what a board pack needs of it."""

    pdf_file: Path
    body_pt: float
    problems: tuple[str, ...]


def make_print(
    renderer: Renderer,
    resources: dict[str, Path],
    cache: PrintCache,
    write: Write,
    only: str | None = None,
    on_demand: Notice | None = None,
) -> PrintReport:
    """Every print output due at the view's `now` (or those `only`, or the poster of the
    notice made `on_demand` and its boards'), each handed to `write` as soon as made."""
    planner = plan.PrintPlanner(renderer, qr=_cached_qr(cache))
    report = PrintReport(recent_days=renderer.view.config.recent_poster_days)
    wanted = (only,) if only else plan.ONLY
    notice_slug = None if on_demand is None else on_demand.slug
    if on_demand is None:
        posters = renderer.view.posters.notices
        report.chosen = Counter(renderer.view.posters.why.values())
        report.left_out = renderer.view.posters.left_out
    else:  # the one notice's, in or out of the recent window
        posters = [on_demand]
    report.warnings += [w for n in posters if (w := _missing_glyphs(renderer, n))]
    if planner.shop:
        report.warnings += _colours_a_press_cannot_print(renderer.view.content)
    dues = renderer.view.boards if "boards" in wanted else []
    if notice_slug:
        dues = [d for d in dues if any(n.slug == notice_slug for n in d.posted)]

    content = renderer.view.content
    themes = [content.theme, *content.campaign_themes.values()]
    font_dirs = sorted({font.parent for theme in themes for font in glyphs.print_fonts(theme)})
    use_print_fonts(font_dirs, cache.folder.parent / "fontconfig")

    report.shop = planner.shop

    def unfit(path: str, made_from: str, problems: tuple[str, ...] | list[str]) -> None:
        if problems:
            report.unfit.append(path)
            report.warnings.extend(
                Diagnostic(
                    SourceRef(Path(made_from)),
                    f"{path} is not fit for printing: {problem}",
                    severity="warning",
                )
                for problem in problems
            )

    def keep(result: PrintResult) -> None:
        unfit(result.job.pdf_path, result.job.made_from, result.problems)
        write(result.job.pdf_path, result.pdf)
        write(urls.html_path(result.job.pdf_path), result.html.encode("utf-8"))
        report.paths += [result.job.pdf_path, urls.html_path(result.job.pdf_path)]

    with PrintRunner(resources, cache) as runner:

        def run(jobs: Iterable[PrintJob]) -> Iterator[PrintResult]:
            for result in runner.run(jobs):
                report.cached += result.cached
                report.rendered += not result.cached
                yield result

        # Fit every poster on each paper it is needed on: its own, and its boards'.
        own: set[tuple[str, str, str]] = set()
        fit_keys: list[tuple[str, str, str]] = []

        def fit_jobs() -> Iterator[PrintJob]:
            planned: set[tuple[str, str, str]] = set()
            if "posters" in wanted:
                for notice in posters:
                    key = _fit_key(notice, notice.poster)
                    own.add(key)
                    planned.add(key)
                    fit_keys.append(key)
                    yield planner.poster_job(notice, notice.poster, urls.poster_path(notice))
            for due in dues:
                for notice in due.posted:
                    paper = notice.poster.on_board(due.board.paper)
                    key = _fit_key(notice, paper)
                    if key not in planned:
                        planned.add(key)
                        fit_keys.append(key)
                        yield planner.poster_job(notice, paper, urls.poster_path(notice))

        fitted: dict[tuple[str, str, str], _Sheet] = {}
        for number, result in enumerate(run(fit_jobs())):
            key = fit_keys[number]
            fitted[key] = _Sheet(result.pdf_file, result.body_pt or 0.0, result.problems)
            if not result.fits:
                report.warnings.append(_too_long(result, key[1], on_board=key not in own))
            if key in own:
                keep(result)

        # A board pack is its posters, as fitted to the board's paper, one after another.
        for result in run(planner.empty_board_job(due) for due in dues if not due.posted):
            keep(result)
        for due in dues:
            if due.posted:
                sheets = [
                    fitted[_fit_key(n, n.poster.on_board(due.board.paper))] for n in due.posted
                ]
                path = urls.board_path(due.community, due.board)
                shop = (planner.pack_title(due), max(n.date for n in due.posted))
                merged, joined, problems = _merge(
                    [sheet.pdf_file for sheet in sheets], cache, shop if planner.shop else None
                )
                # The posters' own problems too: some are laid out for this board only.
                found = [*problems, *(p for sheet in sheets for p in sheet.problems)]
                unfit(path, due.community.source.as_posix(), list(dict.fromkeys(found)))
                write(path, merged)
                report.assembled += joined
                sizes = [sheet.body_pt for sheet in sheets]
                write(urls.html_path(path), planner.pack_html(due, sizes).encode("utf-8"))
                report.paths += [path, urls.html_path(path)]

        def other_jobs() -> Iterator[PrintJob]:
            if "boards" in wanted and not notice_slug:
                yield planner.posting_list_job(dues)
            for campaign in renderer.view.campaigns_to_print if not notice_slug else []:
                if "banners" in wanted:
                    yield from planner.banner_jobs(campaign)
                if "handouts" in wanted:
                    yield planner.handout_job(campaign)

        for result in run(other_jobs()):
            keep(result)
    report.reads = planner.reads
    return report


def _fit_key(notice: Notice, paper: PaperSpec) -> tuple[str, str, str]:
    """A poster as laid out on one paper (a notice's own, or a board's)."""
    return (notice.slug, paper.paper, paper.orientation)


def _cached_qr(cache: PrintCache):
    """QR codes take ~20 ms each to encode (choosing the best mask): keep them."""
    made: dict[str, str] = {}

    def qr(address: str) -> str:
        if address not in made:
            key = cache.key_of(b"qr", address.encode())
            stored = cache.load_bytes(key)
            made[address] = stored.decode() if stored is not None else plan.qr_data_uri(address)
            if stored is None:
                cache.store_bytes(key, made[address].encode())
        return made[address]

    return qr


def _merge(
    pdf_files: list[Path], cache: PrintCache, shop: tuple[str, datetime] | None
) -> tuple[bytes, bool, list[str]]:
    """One PDF of several, one after another (pypdf), whether it had to be joined anew
    (it is cached by what went in), and what the check for printing found. For the print
    shop (`shop`: the pack's title and date) it is finished as PDF/X-4 again, as a whole.
    The fonts are the posters' own, checked with them; the pack's boxes and marks are
    checked here."""
    digests = b"".join(hashlib.sha256(f.read_bytes()).digest() for f in pdf_files)
    key = cache.key_of(b"pack", repr(shop).encode(), digests)
    merged_before = cache.load_bytes(key)
    checked_before = cache.load_bytes(key + "-problems")
    if merged_before is not None and checked_before is not None:
        return merged_before, False, json.loads(checked_before)
    from pypdf import PdfWriter

    from sitegen.outputs.printing import pdfx, subset_tags, verify

    writer = PdfWriter()
    for pdf_file in pdf_files:
        writer.append(io.BytesIO(pdf_file.read_bytes()))
    subset_tags.name_by_content(writer)
    if shop:
        title, made = shop
        data = pdfx.finish_writer(writer, bytes.fromhex(key), title, pdfx.pdf_date(made))
    else:
        merged = io.BytesIO()
        writer.write(merged)
        data = merged.getvalue()
    problems = verify.problems(data, shop is not None, SHOP_BLEED_MM, fonts=False)
    cache.store_bytes(key, data)
    cache.store_bytes(key + "-problems", json.dumps(problems).encode())
    return data, True, problems


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


PRINTED_COLOURS = ("primary", "accent", "urgent")  # the palette's colours print.css uses


def _colours_a_press_cannot_print(content) -> list[Diagnostic]:
    """A warning for each colour of a theme in use that a press prints visibly duller."""
    warnings = []
    themes = {t.name: t for t in [content.theme, *content.campaign_themes.values()]}
    for theme in themes.values():
        for key in PRINTED_COLOURS:
            rgb = cmyk.parse_hex(theme.palette.get(key, ""))
            if rgb is None or (colour := cmyk.print_colour(rgb)).loss <= cmyk.NOTICEABLE:
                continue
            warnings.append(
                Diagnostic(
                    _palette_line(theme, key, content.site_dir),
                    f"palette `{key}` {theme.palette[key]} is brighter than a press can print "
                    f"({cmyk.CONDITION}, coated paper): the print shop's posters will show it "
                    f"as {colour.printed_hex}",
                    f'choose a colour the press can print, for example `"{colour.printed_hex}"`',
                    severity="warning",
                )
            )
    return warnings


def _palette_line(theme, key: str, site_dir: Path) -> SourceRef:
    """The theme.yaml line that sets palette colour `key` (the child theme's first)."""
    for folder in theme.chain:
        path = folder / "theme.yaml"
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, start=1):
            if line.strip().startswith(f"{key}:"):
                shown = path.relative_to(site_dir) if path.is_relative_to(site_dir) else path
                return SourceRef(shown, number)
    return SourceRef(theme.chain[0] / "theme.yaml")


def _too_long(result: PrintResult, paper: str, on_board: bool) -> Diagnostic:
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
        SourceRef(Path(result.job.made_from)),
        f"the poster does not fit {where} even at the smallest legible size "
        f"({result.body_pt:.1f} pt): it is printed on {result.pages} pages{better}",
        hint,
        severity="warning",
    )
