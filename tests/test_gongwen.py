"""The 公文 layout (`poster: {style: gongwen}`), measured on the PDF and on its pixels.

GB/T 9704-2012: A4; a type area (版心) of 156 x 225 mm, 37 mm from the top and 28 mm
from the left; 22 lines of 28 characters; the issuer's name in red at the head; the
date four characters in from the right; page numbers between dashes below the type
area, odd pages at the right and even pages at the left.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest
from conftest import NOW, needs_tools, run_sitegen
from PIL import Image
from test_print import PAPER_PT, fonts, page_sizes, raster, same_size, squeeze, text

pytestmark = pytest.mark.print

tools_present = needs_tools("pdfinfo", "pdffonts", "pdftoppm", "pdftotext")

DPI = 150
MM = DPI / 25.4  # pixels a millimetre
TOP_MM, LEFT_MM, WIDTH_MM, HEIGHT_MM = 37.0, 28.0, 156.0, 225.0
LINE_MM = HEIGHT_MM / 22

PARAGRAPH = (
    "为进一步做好辖区冬季安全防范工作，保障居民群众生命财产安全，社区将组织网格员、"
    "楼栋长和志愿者对各小区开展入户走访和隐患排查，请居民群众给予支持和配合。"
)


def gongwen_notice(body: str, poster: str = "poster:\n  style: gongwen\n") -> str:
    return (
        "---\ntitle: 关于开展冬季安全隐患排查工作的通知\ndate: 2026-11-18 09:00\n"
        f"communities: [huashan]\n{poster}---\n各位居民：\n\n{body}\n"
    )


def build_poster(make_site, body: str, **extra: str) -> Path:
    site = make_site({"content/notices/2026-11-18-paicha.md": gongwen_notice(body), **extra})
    result = run_sitegen("build", str(site), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert "does not fit" not in result.stderr, result.stderr
    return site / "output/print/posters/2026-11-18-paicha.pdf"


def ink(png: Path) -> Image.Image:
    return Image.open(png).convert("RGB")


def is_red(pixel: tuple[int, int, int]) -> bool:
    r, g, b = pixel
    return r > 180 and g < 90 and b < 90


def is_dark(pixel: tuple[int, int, int]) -> bool:
    return sum(pixel) < 3 * 110 and not is_red(pixel)


def box(image: Image.Image, wanted, area: tuple[float, float, float, float]) -> tuple | None:
    """The bounding box (mm: left, top, right, bottom) of the pixels `wanted` in `area` (mm)."""
    left, top, right, bottom = (round(v * MM) for v in area)
    xs, ys = [], []
    pixels = image.load()
    for y in range(top, min(bottom, image.height)):
        for x in range(left, min(right, image.width)):
            if wanted(pixels[x, y]):
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return (min(xs) / MM, min(ys) / MM, (max(xs) + 1) / MM, (max(ys) + 1) / MM)


def text_lines(image: Image.Image) -> list[tuple[float, float]]:
    """(top, bottom) in mm of each line of dark text inside the type area."""
    pixels = image.load()
    left, right = round(LEFT_MM * MM), round((LEFT_MM + WIDTH_MM) * MM)
    rows = [
        any(is_dark(pixels[x, y]) for x in range(left, right, 1))
        for y in range(round(TOP_MM * MM) - 5, round((TOP_MM + HEIGHT_MM) * MM) + 5)
    ]
    lines, start = [], None
    for offset, dark in enumerate([*rows, False]):
        if dark and start is None:
            start = offset
        elif not dark and start is not None:
            if offset - start > 2 * MM:  # a line of 16 pt type, not a speck
                first = round(TOP_MM * MM) - 5
                lines.append(((first + start) / MM, (first + offset) / MM))
            start = None
    return lines


def page_text(pdf: Path, page: int) -> list[str]:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-raw", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def test_a_short_gongwen_notice_is_one_a4_page_in_the_standard_layout(
    make_site, tmp_path: Path
) -> None:
    pdf = build_poster(make_site, "\n\n".join([PARAGRAPH] * 2))
    sizes = page_sizes(pdf)
    assert len(sizes) == 1 and same_size(sizes[0], PAPER_PT["A4"]), sizes

    # its own fonts, embedded: the serif (header, title), the 楷 face (body), the digits
    embedded = {re.sub(r"^[A-Z]{6}\+", "", name): emb for name, emb in fonts(pdf)}
    assert all(emb == "yes" for emb in embedded.values()), embedded
    for family in ("Noto-Serif-SC-Sitegen-Bold", "Sitegen-Kai", "Noto-Serif-SC-Sitegen-Digits"):
        assert family in embedded, embedded

    image = ink(raster(pdf, DPI, tmp_path))
    # the red header: its top 35 mm into the type area, centred; the red rule under it
    # the width of the type area
    header = box(image, is_red, (0, 0, 210, 120))
    assert header is not None, "no red on the page"
    rule_rows = [
        y
        for y in range(round(60 * MM), round(120 * MM))
        if sum(is_red(image.getpixel((x, y))) for x in range(0, image.width, 2))
        > 0.9 * WIDTH_MM * MM / 2
    ]
    assert rule_rows, "no red rule across the type area"
    rule = box(image, is_red, (0, rule_rows[0] / MM - 0.1, 210, rule_rows[-1] / MM + 0.1))
    assert rule is not None
    assert abs(rule[0] - LEFT_MM) < 0.5 and abs(rule[2] - (LEFT_MM + WIDTH_MM)) < 0.5, rule
    lettering = box(image, is_red, (0, 0, 210, rule[1] - 0.5))
    assert lettering is not None
    assert TOP_MM + 35 <= lettering[1] <= TOP_MM + 35 + 4, lettering  # glyphs sit in their em
    assert abs((lettering[0] + lettering[2]) / 2 - (LEFT_MM + WIDTH_MM / 2)) < 1.5, lettering

    # the black type stays in the type area, reaching both of its sides
    body = box(image, is_dark, (0, TOP_MM - 5, 210, TOP_MM + HEIGHT_MM))
    assert body is not None
    assert LEFT_MM - 0.3 <= body[0] <= LEFT_MM + 1.0, body
    assert LEFT_MM + WIDTH_MM - 2.0 <= body[2] <= LEFT_MM + WIDTH_MM + 0.3, body
    assert body[1] >= TOP_MM, body

    # the issuer over the date, the date four characters (of 16 pt) in from the right
    lines = page_text(pdf, 1)
    assert "2026年11月18日" in lines, lines
    assert lines[lines.index("2026年11月18日") - 1] == "测试县社区建设办公室", lines
    date_line = text_lines(image)[-1]
    date = box(image, is_dark, (100, date_line[0], LEFT_MM + WIDTH_MM + 1, date_line[1]))
    assert date is not None
    assert abs((LEFT_MM + WIDTH_MM - date[2]) - 4 * 16 * 25.4 / 72) < 1.5, date
    # the page number, between dashes, below the type area at the right
    assert "—1—" in [line.replace(" ", "") for line in lines], lines
    number = box(image, is_dark, (105, TOP_MM + HEIGHT_MM + 3, 210, 297))
    assert number is not None and number[0] > 150, number
    # and the QR code of the notice's page beside it, at the left, outside the type area
    assert box(image, is_dark, (0, TOP_MM + HEIGHT_MM + 1, 105, 297)) is not None


def test_a_long_gongwen_notice_runs_on_numbered_pages_of_22_lines_of_28_characters(
    make_site, tmp_path: Path
) -> None:
    pdf = build_poster(make_site, "\n\n".join([PARAGRAPH * 3] * 8))
    sizes = page_sizes(pdf)
    assert len(sizes) >= 3, "a long 公文 runs on, at its one size of type"
    assert all(same_size(size, PAPER_PT["A4"]) for size in sizes), sizes
    html = pdf.with_suffix(".html").read_text("utf-8")
    assert "font-size: __" not in html and "gongwen.css" in html

    # page 2 is all body: 22 lines, one every 225/22 mm, from the top of the type area
    image = ink(raster(pdf, DPI, tmp_path, page=2))
    lines = text_lines(image)
    assert len(lines) == 22, lines
    tops = [top for top, _ in lines]
    pitches = [b - a for a, b in itertools.pairwise(tops)]
    assert all(abs(p - LINE_MM) < 0.4 for p in pitches), pitches
    assert TOP_MM <= tops[0] <= TOP_MM + LINE_MM / 2, tops[0]
    # 28 characters a full line (a paragraph's first line: 26, after its indent)
    widths = [len(squeeze(line)) for line in page_text(pdf, 2) if "—" not in line]
    assert max(widths) == 28 and widths.count(28) >= 15, widths

    # page numbers: odd at the right, even at the left, one character in from the edge
    for page in (1, 2, 3):
        numbers = [line.replace(" ", "") for line in page_text(pdf, page) if "—" in line]
        assert numbers == [f"—{page}—"], (page, numbers)
        half = LEFT_MM + (0 if page % 2 == 0 else WIDTH_MM / 2)
        below = TOP_MM + HEIGHT_MM
        found = box(
            ink(raster(pdf, DPI, tmp_path, page=page)),
            is_dark,
            (half, below + 3, half + WIDTH_MM / 2, below + 20),
        )
        assert found is not None, f"no page number on page {page}"
        inset = found[0] - LEFT_MM if page % 2 == 0 else LEFT_MM + WIDTH_MM - found[2]
        assert 3.5 < inset < 7.0, (page, found)  # 14 pt is 4.9 mm


def test_gongwen_in_the_site_defaults_and_a_board_pack(make_site) -> None:
    """`posters: {style: gongwen}` makes every poster a 公文; on an A3 board it keeps
    its A4 pages; the header can be set apart from the issuer."""
    site = make_site(
        {
            "content/site.yaml": "title: 测试县社区办\nbase_url: https://example.org/sq/\n"
            "issuer: 测试县社区建设办公室\nposters:\n  style: gongwen\n"
            "  header: 测试县社区建设办公室文件\n",
            "content/communities/longchi.yaml": "name: 龙池社区\nboards:\n  - id: b1\n"
            "    location: 社区服务中心门口\n    paper: A3\n    slots: 2\n",
        }
    )
    result = run_sitegen("build", str(site), "--now", NOW)
    assert result.returncode == 0, result.stderr
    poster = site / "output/print/posters/2026-11-18-ting-shui-tong-zhi.pdf"
    pack = site / "output/print/boards/longchi-b1.pdf"
    assert [same_size(s, PAPER_PT["A4"]) for s in page_sizes(poster)] == [True]
    assert [same_size(s, PAPER_PT["A4"]) for s in page_sizes(pack)] == [True]
    assert "测试县社区建设办公室文件" in squeeze(text(poster))
    assert "测试县社区建设办公室文件" in squeeze(text(pack))


@pytest.mark.parametrize(
    ("site_posters", "poster", "message", "hint"),
    [
        (
            "",
            "poster:\n  style: gongwen\n  paper: A3\n",
            "the 公文 layout (`style: gongwen`) is A4 portrait only, found `paper: A3`",
            "leave `paper` out",
        ),
        (
            "posters:\n  style: gongwen\n",
            "poster:\n  paper: A3\n",
            "`paper: A3` on a notice whose posters are in the 公文 layout",
            "add `style: standard` under `poster:`",
        ),
        (
            "",
            "poster:\n  style: gongwn\n",
            "`style`",
            "gongwen",
        ),
    ],
)
def test_gongwen_settings_that_cannot_be_printed_are_errors(
    make_site, site_posters: str, poster: str, message: str, hint: str
) -> None:
    site = make_site(
        {
            "content/site.yaml": "title: 测试县社区办\nbase_url: https://example.org/sq/\n"
            + site_posters,
            "content/notices/2026-11-18-paicha.md": gongwen_notice(PARAGRAPH, poster),
        }
    )
    result = run_sitegen("check", str(site), "--now", NOW)
    assert result.returncode == 1, result.stderr
    assert "content/notices/2026-11-18-paicha.md:" in result.stderr, result.stderr
    assert message in result.stderr and hint in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_header_on_a_standard_poster_is_a_warning(make_site) -> None:
    site = make_site(
        {
            "content/notices/2026-11-18-paicha.md": gongwen_notice(
                PARAGRAPH, "poster:\n  header: 测试县社区建设办公室文件\n"
            )
        }
    )
    result = run_sitegen("check", str(site), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert "content/notices/2026-11-18-paicha.md:6: warning: `poster`: `header`" in result.stderr
