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
import math
import mimetypes
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.errors import UserError, printable

ROOT_URL = "file:///sitegen-output/"
SIZE_MARK = "__SITEGEN_BODY_PT__"
# Each paper's size relative to A4 (by side length), for scaling type.
PAPER_SCALE = {"A5": 0.707, "A4": 1.0, "A3": 1.414, "A2": 2.0}
MIN_BODY_PT = 14.0  # on A4; scaled with the paper
MAX_BODY_PT = 32.0
STEP_PT = 0.5

logging.getLogger("fontTools").setLevel(logging.ERROR)


class _LayoutProblems(logging.Handler):
    """What WeasyPrint reports as an error while laying out (an image it could not
    load, a fetch the site's fetcher refused), kept for the job that caused it
    instead of printed: each becomes a warning naming the notice (jobs.py)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.found: list[str] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if self.found is None:  # outside a layout: shown, as before
            print(f"WeasyPrint: {printable(message)}", file=sys.stderr)
        else:
            self.found.append(message[:300] + ("…" if len(message) > 300 else ""))


_problems = _LayoutProblems()
_weasyprint_log = logging.getLogger("weasyprint")
_weasyprint_log.setLevel(logging.ERROR)
_weasyprint_log.addHandler(_problems)
_weasyprint_log.propagate = False


@contextmanager
def layout_problems() -> Iterator[list[str]]:
    """The errors WeasyPrint reports while laying out inside the block, each once."""
    found: list[str] = []
    _problems.found = found
    try:
        yield found
    finally:
        _problems.found = None
        found[:] = list(dict.fromkeys(found))


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

    # A refused fetch is an error WeasyPrint reports and lays out without (the image is
    # left out), which layout_problems() turns into a warning, never an exception.
    return SiteFetcher(fail_on_errors=False)


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
    _stylesheets.clear()


def render(html: str, here: str, resources: dict[str, Path], fonts: tuple[str, ...] = ()):
    """Lay out `html` (published at output path `here`); returns a WeasyPrint Document.

    `fonts`: the font files the HTML's style sheets bring (a theme's print fonts).
    The linked style sheets are parsed once per process and handed to WeasyPrint
    ready (parsing print.css was a sixth of every layout); as user style sheets they
    still come after the browser's defaults and before the page's own <style>."""
    weasyprint = load_weasyprint()
    font_config = _font_config(fonts)
    url_fetcher = _fetcher(resources)
    base_url = ROOT_URL + here
    sheets = [
        _stylesheet(urljoin(base_url, href), resources, url_fetcher, font_config)
        for href in _LINKED_SHEET.findall(html)
    ]
    return weasyprint.HTML(
        string=_LINKED_SHEET.sub("", html), base_url=base_url, url_fetcher=url_fetcher
    ).render(font_config=font_config, stylesheets=sheets)


_LINKED_SHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
_stylesheets: dict[tuple, object] = {}


def _stylesheet(url: str, resources: dict[str, Path], url_fetcher, font_config):
    """The style sheet at `url`, parsed (once per process, font configuration and
    version of its file: `serve` runs for hours while themes are edited)."""
    source = resources.get(unquote(urlsplit(url).path)[len("/sitegen-output/") :])
    stamp = None
    if source is not None:
        info = source.stat()
        stamp = (info.st_size, info.st_mtime_ns)
    key = (os.getpid(), url, stamp, id(font_config))
    if key in _stylesheets:
        return _stylesheets[key]
    from weasyprint import CSS

    sheet = CSS(url=url, url_fetcher=url_fetcher, font_config=font_config)
    # A sheet that imports others reads them while parsed: parsed again each time,
    # so every layout records those files (and its cached PDF goes with them).
    if source is None or b"@import" not in source.read_bytes():
        _stylesheets[key] = sheet
    return sheet


def fit(
    template: str, here: str, resources: dict[str, Path], paper: str, fonts: tuple[str, ...] = ()
) -> Fitted:
    """The largest body size (in STEP_PT steps) at which the poster is one page.

    `template` holds SIZE_MARK where the body size goes. The first layout is at a
    size guessed from the amount of text (the largest, for a short notice: one
    layout). Then each layout's measured height predicts the next size: at a fixed
    width the text's height grows with the square of its size (wider type makes
    more lines, each taller), the power re-estimated from the last two layouts
    that fitted (a secant step in log-log). The answer is a bisection's: the
    largest size that fits, with the next step up not fitting, in 2-4 layouts
    where a bisection took 6-8. Below the legible minimum nothing is tried: the
    poster then runs to several pages at the minimum size.
    """
    low, high = size_range(paper)
    layouts: list[tuple[float, float, bool]] = []  # size, its content's height, one page?

    def layout(size: float):
        document = render(template.replace(SIZE_MARK, f"{size:.1f}"), here, resources, fonts)
        layouts.append((size, content_height(document), len(document.pages) == 1))
        return document

    fits_at: float | None = None  # the best size known to fit
    fails_at = high + STEP_PT  # the least known not to (above the range: none yet)
    best = room = None
    size = _first_size(template, paper, low, high)
    while fits_at != high and (fits_at is None or fails_at - fits_at > STEP_PT):
        candidate = layout(size)
        room = room or page_room(candidate)
        if len(candidate.pages) == 1:
            fits_at, best = size, candidate
        elif size == low:
            return Fitted(
                candidate.write_pdf(),
                low,
                len(candidate.pages),
                False,
                _larger_paper(template, here, resources, paper, fonts),
            )
        else:
            fails_at = size
        size = _next_size(layouts, room, low, fits_at, fails_at)
    assert best is not None and fits_at is not None
    return Fitted(best.write_pdf(), fits_at, 1, True)


_TAG = re.compile(r"<[^>]*>")
_BLOCK = re.compile(r"<(?:p|li|tr|h[1-6])\b")
_WIDE = re.compile(r"[\u2e80-\uffff]")  # Chinese characters and full-width punctuation
FILL = 1.2e5  # (size in pt)^2 x (wide characters + 8 a block) on A4: the fullest seen, nearly


def _first_size(template: str, paper: str, low: float, high: float) -> float:
    """A first size to try, from the amount of text: on the small side (a layout that
    fits measures its height truly; one that runs over measures it high)."""
    body = template.split("</head>", 1)[-1]
    text = re.sub(r"\s+", "", _TAG.sub("", body))
    wide = len(_WIDE.findall(text))
    amount = wide + (len(text) - wide) / 2 + 8 * len(_BLOCK.findall(body))
    if amount <= 0:
        return high
    guess = math.sqrt(FILL * PAPER_SCALE[paper] ** 2 / amount)
    steps = math.floor((min(max(guess, low), high) - low) / STEP_PT)
    return low + steps * STEP_PT


def _next_size(
    layouts: list[tuple[float, float, bool]],
    room: float,
    low: float,
    fits_at: float | None,
    fails_at: float,
) -> float:
    """The size to lay out next: where the content's height is predicted to fill the
    page (`room`), on the STEP_PT grid, strictly between the sizes known to fit and
    not to fit (and not below `low`).

    Predicted from the layout that fitted last, if any: a layout that ran over
    measures high (each page break wastes the rest of its page)."""
    one_page = [(size, height) for size, height, fitted in layouts if fitted]
    size, height = one_page[-1] if one_page else layouts[-1][:2]
    power = 2.0
    if len(one_page) > 1:
        (size_0, height_0), (size_1, height_1) = one_page[-2:]
        if size_0 != size_1 and height_0 > 0 and height_1 > 0 and height_0 != height_1:
            power = min(max(math.log(height_1 / height_0) / math.log(size_1 / size_0), 1.5), 3.0)
    lowest = low if fits_at is None else fits_at + STEP_PT
    highest = fails_at - STEP_PT
    if len(layouts) >= 5:
        # Heights that do not follow the size (a theme whose sheet fills its page):
        # halve what is left, so the search never goes a step at a time.
        middle = low + math.floor(round(((lowest + highest) / 2 - low) / STEP_PT, 6)) * STEP_PT
        return min(max(middle, lowest), highest)
    guess = size * (room / height) ** (1 / power) if height > 0 else low
    steps = math.floor(round((guess - low) / STEP_PT, 6))
    return min(max(low + steps * STEP_PT, lowest), highest)


def content_height(document) -> float:
    """How tall the laid-out content is, over all its pages (CSS px): the part of
    each page's area it fills, added up."""
    total = 0.0
    for page in document.pages:
        box = page._page_box  # WeasyPrint's layout of the page (no public measure)
        top = box.content_box_y()
        total += max((_bottom(child) for child in box.children[:1]), default=top) - top
    return total


def page_room(document) -> float:
    """The height of a page's content area (CSS px)."""
    return document.pages[0]._page_box.height


def _bottom(box) -> float:
    """The lowest edge of `box` and of everything in it."""
    lowest = box.position_y + box.margin_height()
    for child in getattr(box, "children", ()):
        lowest = max(lowest, _bottom(child))
    return lowest


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
