"""WeasyPrint, wrapped: render print HTML with the site's files, and fit a poster to its page.

Print HTML refers to files by their place in the output (`../../static/default/print.css`),
so it also works when opened beside its PDF. While rendering, those URLs are served
from the sources through `resources` (output path -> file), never from the network.

Each process keeps one WeasyPrint FontConfiguration per set of print fonts (the
font files a theme brings; themes that extend another share its) for all its layouts. A FontConfiguration copies every @font-face font
into a temporary folder of its own and removes it only when collected: one per
layout made 11 MB of temporary files a poster.
"""

from __future__ import annotations

import logging
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.errors import UserError

ROOT_URL = "file:///sitegen-output/"
SIZE_MARK = "__SITEGEN_BODY_PT__"
# Each paper's size relative to A4 (by side length), for scaling type.
PAPER_SCALE = {"A5": 0.707, "A4": 1.0, "A3": 1.414, "A2": 2.0}
MIN_BODY_PT = 14.0  # on A4; scaled with the paper
MAX_BODY_PT = 32.0
STEP_PT = 0.5

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Fitted:
    pdf: bytes
    body_pt: float  # the body size chosen
    pages: int
    fits: bool  # one page at a legible size
    fits_on: str | None = None  # when it does not: the smallest larger paper that would do


def size_range(paper: str) -> tuple[float, float]:
    """Legible minimum and largest body size on `paper`.

    The maximum grows with the paper; the minimum only with the square root of it,
    so that a larger sheet holds more text and a long notice can move up a size.
    """
    scale = PAPER_SCALE[paper]
    return round(MIN_BODY_PT * scale**0.5 * 2) / 2, round(MAX_BODY_PT * scale * 2) / 2


def _fetcher(resources: dict[str, Path]):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SiteFetcher(URLFetcher):
        """Serves the site's own files and data: URLs; refuses everything else."""

        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith(ROOT_URL):
                raise ValueError(f"print never fetches from outside the site: {url}")
            path = unquote(urlsplit(url).path)[len("/sitegen-output/") :]
            source = resources.get(path)
            if source is None:
                raise ValueError(f"{path} is not part of the site")
            mime, _ = mimetypes.guess_type(source.name)
            return URLFetcherResponse(
                url, source.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
            )

    return SiteFetcher(fail_on_errors=True)


def load_weasyprint():
    """The weasyprint module (it takes half a second to import, so only when print runs)."""
    try:
        import weasyprint
    except OSError as err:  # Pango or its friends are missing
        raise UserError(
            f"print needs the Pango text library, which is missing ({err})",
            "install it (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0), "
            "or build the site alone with --no-print",
        ) from err
    return weasyprint


_font_configs: dict[tuple[int, tuple[str, ...]], object] = {}


def _font_config(fonts: tuple[str, ...]):
    """This process's FontConfiguration for the print fonts `fonts` (their files).

    Keyed by process too: a forked worker must not use (and later remove the
    folder of) the one it inherited from its parent."""
    key = (os.getpid(), fonts)
    if key not in _font_configs:
        from weasyprint.text.fonts import FontConfiguration

        _font_configs[key] = FontConfiguration()
    return _font_configs[key]


def release_fonts() -> None:
    """Let go of this process's font configurations (and with them their folders),
    before the run's temporary folder goes."""
    _font_configs.clear()


def render(html: str, here: str, resources: dict[str, Path], fonts: tuple[str, ...] = ()):
    """Lay out `html` (published at output path `here`); returns a WeasyPrint Document.

    `fonts`: the font files the HTML's style sheets bring (a theme's print fonts)."""
    weasyprint = load_weasyprint()
    return weasyprint.HTML(
        string=html, base_url=ROOT_URL + here, url_fetcher=_fetcher(resources)
    ).render(font_config=_font_config(fonts))


def fit(
    template: str, here: str, resources: dict[str, Path], paper: str, fonts: tuple[str, ...] = ()
) -> Fitted:
    """The largest body size (in STEP_PT steps) at which the poster is one page.

    `template` holds SIZE_MARK where the body size goes. Starts from the largest
    size, so a short notice costs one layout; otherwise bisects between the
    legible minimum and the maximum. Below the minimum nothing is tried: the
    poster then runs to several pages at the minimum size.
    """
    low, high = size_range(paper)

    def layout(size: float):
        return render(template.replace(SIZE_MARK, f"{size:.1f}"), here, resources, fonts)

    document = layout(high)
    if len(document.pages) == 1:
        return Fitted(document.write_pdf(), high, 1, True)
    smallest = layout(low)
    if len(smallest.pages) > 1:
        return Fitted(
            smallest.write_pdf(),
            low,
            len(smallest.pages),
            False,
            _larger_paper(template, here, resources, paper, fonts),
        )
    best, best_size = smallest, low
    steps_low, steps_high = 0, round((high - low) / STEP_PT)
    while steps_high - steps_low > 1:
        middle = (steps_low + steps_high) // 2
        candidate = layout(low + middle * STEP_PT)
        if len(candidate.pages) == 1:
            steps_low, best, best_size = middle, candidate, low + middle * STEP_PT
        else:
            steps_high = middle
    return Fitted(best.write_pdf(), best_size, 1, True)


def _larger_paper(
    template: str, here: str, resources: dict[str, Path], paper: str, fonts: tuple[str, ...]
) -> str | None:
    """The first larger paper on which the poster fits one page at that paper's minimum."""
    papers = list(PAPER_SCALE)
    for larger in papers[papers.index(paper) + 1 :]:
        html = template.replace(f"paper-{paper}", f"paper-{larger}").replace(
            SIZE_MARK, f"{size_range(larger)[0]:.1f}"
        )
        if len(render(html, here, resources, fonts).pages) == 1:
            return larger
    return None
