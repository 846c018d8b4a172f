"""Every PDF of the example, drawn by four independent PDF engines, looks the same.

Print shops, RIPs and viewers do not share one PDF reader: poppler (pdftoppm,
in many Linux viewers), Ghostscript (inside RIPs and the CUPS print path),
MuPDF (mutool, SumatraPDF and many phone viewers) and PDFium (the viewer in
Chrome and Edge) each read fonts their own way. A font that only some of them
can draw (a CID-keyed font whose CIDs are not its glyph indices: Ghostscript
drew empty boxes, MuPDF nothing) would print posters without their Chinese text.

Each page is rendered to grey pixels by all four, and compared with poppler's:
the ink on the page (how much of it is dark) and the ink in each small patch of
it, so that an empty box in place of a character, or a blank, shows. Each engine
that has a text layer must also give the same characters.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageChops

from .conftest import NOW, REPO_ROOT, needs_tools

LONG_SIDE = 1800  # pixels: each page is drawn at the resolution that makes its long side this
PATCH = 16  # pixels (4 mm on A4): a character of body text at most
SHIFT = 3  # pixels an engine may place a page off another's
INK_TOLERANCE = 0.08  # of poppler's ink on the page (engines draw hairlines up to 5% heavier)
PATCH_TOLERANCE = 0.01  # share of the page's patches whose ink may differ visibly
PATCH_DIFFERENCE = 40  # mean grey levels (of 255) that make a patch differ visibly
ENGINES = ("poppler", "ghostscript", "mupdf", "pdfium")
CJK = re.compile(r"[\u3400-\u9fff]")

tools_present = needs_tools("pdftoppm", "pdftotext", "gs", "mutool")


def run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(args)}: {done.stderr.decode(errors='replace')}"
    return done.stdout.decode("utf-8", errors="replace")


def resolution(pdf: Path) -> int:
    """Dots per inch that make the long side of the PDF's largest page about LONG_SIDE
    pixels. Whole numbers only: Ghostscript sets type at a whole-number resolution,
    so at 7.62 dpi it drew a banner's characters 8% smaller than the page."""
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        longest = max(max(page.get_size()) for page in document)  # points
    finally:
        document.close()
    return max(1, round(LONG_SIDE * 72 / longest))


def render(engine: str, pdf: Path, into: Path, dpi: int) -> list[Image.Image]:
    """Every page of `pdf` as grey pixels, drawn by `engine` in colour and turned grey alike."""
    into.mkdir(parents=True, exist_ok=True)
    if engine == "poppler":
        run("pdftoppm", "-r", str(dpi), str(pdf), str(into / "p"))
    elif engine == "ghostscript":
        run(
            "gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=ppmraw",
            f"-r{dpi}", "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4",
            f"-sOutputFile={into / 'p-%03d.ppm'}", str(pdf),
        )  # fmt: skip
    elif engine == "mupdf":
        run(
            "mutool", "draw", "-q", "-r", str(dpi), "-c", "rgb", "-F", "pnm",
            "-o", str(into / "p-%03d.pnm"), str(pdf),
        )  # fmt: skip
    else:
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            return [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
        finally:
            document.close()
    return [Image.open(f).convert("L") for f in sorted(into.glob("p-*.p[np]m"))]


def page_text(engine: str, pdf: Path) -> str:
    """The text layer of the whole PDF as `engine` extracts it."""
    if engine == "poppler":
        return run("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    if engine == "ghostscript":
        return run(
            "gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=txtwrite",
            "-sOutputFile=-", str(pdf),
        )  # fmt: skip
    if engine == "mupdf":
        return run("mutool", "draw", "-q", "-F", "txt", "-o", "-", str(pdf))
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def ink(image: Image.Image) -> float:
    """How dark the page is on average: 0 white, 1 black."""
    histogram = image.histogram()
    return sum((255 - level) * count for level, count in enumerate(histogram)) / (
        255 * image.width * image.height
    )


def aligned(image: Image.Image, reference: Image.Image) -> Image.Image:
    """`image` on `reference`'s grid, moved by the few pixels that match it best: engines
    round a page of fractional pixels differently, some at the top, some at the bottom."""
    image = image.crop((0, 0, *reference.size))  # pads with black where it is smaller
    image.paste(255, (min(image.width, reference.width), 0, reference.width, reference.height))
    image.paste(255, (0, min(image.height, reference.height), reference.width, reference.height))

    def mismatch(shifted: Image.Image) -> int:
        histogram = ImageChops.difference(shifted, reference).histogram()
        return sum(level * count for level, count in enumerate(histogram))

    # Down, then across: the two are independent enough, and 14 tries cost less than 49.
    steps = range(-SHIFT, SHIFT + 1)
    dy = min(steps, key=lambda dy: mismatch(ImageChops.offset(image, 0, dy)))
    dx = min(steps, key=lambda dx: mismatch(ImageChops.offset(image, dx, dy)))
    return ImageChops.offset(image, dx, dy)


def differing_patches(image: Image.Image, reference: Image.Image) -> float:
    """The share of PATCH x PATCH patches whose mean grey differs by PATCH_DIFFERENCE."""
    size = (max(1, reference.width // PATCH), max(1, reference.height // PATCH))
    ours = aligned(image, reference).resize(size, Image.Resampling.BOX)
    theirs = reference.resize(size, Image.Resampling.BOX)
    difference = ImageChops.difference(ours, theirs).histogram()
    return sum(difference[PATCH_DIFFERENCE:]) / (size[0] * size[1])


def example_pdfs(built_site: Path) -> list[Path]:
    return sorted((built_site / "print").rglob("*.pdf"))


# From the example built for a print shop (PDF/X-4, CMYK, bleed, crop marks): a
# campaign poster (its band runs into the bleed), a poster with a map and a table,
# a board pack, a banner and the leaflet.
SHOP_PDFS = (
    "posters/2026-09-28-jia-launch.pdf",
    "posters/2026-11-18-water-outage.pdf",
    "boards/longchi-dongmen.pdf",
    "banners/jia-1.pdf",
    "handouts/jia.pdf",
)


@pytest.fixture(scope="module")
def shop_pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    site = tmp_path_factory.mktemp("shop") / "site"
    for name in ("content", "themes"):
        shutil.copytree(REPO_ROOT / name, site / name)
    settings = site / "content" / "site.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "\nprint:\n  profile: shop\n  marks: true\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "print", str(site), "--now", NOW],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    out = site / "output"
    return [out / "print" / name for name in SHOP_PDFS]


def test_the_example_has_every_kind_of_print_output(built_site: Path) -> None:
    kinds = {pdf.parent.name for pdf in example_pdfs(built_site)}
    assert kinds == {"posters", "boards", "banners", "handouts"}, kinds


def test_every_engine_draws_every_page_alike(built_site: Path, tmp_path: Path) -> None:
    problems = drawn_differently(example_pdfs(built_site), built_site, tmp_path)
    assert not problems, "\n".join(problems)


def test_every_engine_draws_the_print_shop_pdfs_alike(
    shop_pdfs: list[Path], tmp_path: Path
) -> None:
    """CMYK colours, the output intent, DefaultRGB and the crop marks, in every engine.

    The page's ink is not compared here: each engine turns CMYK into screen colours
    by a rule of its own (MuPDF's black ink is darker than poppler's), so whole
    pages differ by up to 13% in tone. A character drawn as a box or left blank, or
    a colour dropped, still changes its patch far beyond that."""
    problems = drawn_differently(shop_pdfs, shop_pdfs[0].parents[2], tmp_path, ink_tolerance=None)
    assert not problems, "\n".join(problems)


def drawn_differently(
    pdfs: list[Path], root: Path, tmp_path: Path, ink_tolerance: float | None = INK_TOLERANCE
) -> list[str]:
    """Each page of `pdfs` that some engine draws otherwise than poppler, in words
    (`ink_tolerance` None: the pages' ink is not compared, only their patches)."""
    problems = []
    for number, pdf in enumerate(pdfs):
        dpi = resolution(pdf)
        # The three command-line engines side by side; PDFium (not thread-safe) here.
        with ThreadPoolExecutor(3) as pool:
            commands = ENGINES[:3]
            folders = [tmp_path / f"{number}-{engine}" for engine in commands]
            drawn = pool.map(render, commands, [pdf] * 3, folders, [dpi] * 3)
            renders = {"pdfium": render("pdfium", pdf, tmp_path, dpi)}
            renders.update(zip(commands, drawn, strict=True))
        pages = len(renders["poppler"])
        for engine in ENGINES[1:]:
            if len(renders[engine]) != pages:
                problems.append(
                    f"{pdf.name}: {engine} drew {len(renders[engine])} pages, poppler {pages}"
                )
                continue
            for index, (image, reference) in enumerate(
                zip(renders[engine], renders["poppler"], strict=True)
            ):
                expected, found = ink(reference), ink(image)
                patches = differing_patches(image, reference)
                ink_differs = (
                    ink_tolerance is not None and abs(found - expected) > ink_tolerance * expected
                )
                if ink_differs or patches > PATCH_TOLERANCE:
                    problems.append(
                        f"{pdf.relative_to(root)} page {index + 1}: {engine} ink {found:.4f}, "
                        f"poppler {expected:.4f}; {patches:.1%} of the patches differ"
                    )
        shutil.rmtree(tmp_path, ignore_errors=True)
        tmp_path.mkdir()
    return problems


def test_every_engine_reads_the_same_chinese_text(built_site: Path, shop_pdfs: list[Path]) -> None:
    """The same Chinese characters, as many times each (engines order the footer,
    tables and columns of a page differently, so the order is not compared)."""
    problems = []
    for pdf in [*example_pdfs(built_site), *shop_pdfs]:
        texts = {e: Counter(CJK.findall(page_text(e, pdf))) for e in ENGINES}
        assert texts["poppler"].total() > 2, f"{pdf.name}: hardly any Chinese text"
        for engine in ENGINES[1:]:
            if texts[engine] != texts["poppler"]:
                more = "".join((texts[engine] - texts["poppler"]).elements())
                fewer = "".join((texts["poppler"] - texts[engine]).elements())
                problems.append(
                    f"{pdf.name}: {engine} reads more {more[:20]!r}, fewer {fewer[:20]!r}"
                )
    assert not problems, "\n".join(problems)
