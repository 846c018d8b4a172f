"""The print outputs as real PDFs, checked with the tools a print shop would trust.

Posters, board packs, the posting list, banners and leaflets are built through the
real CLI and read back with poppler (`pdfinfo`, `pdffonts`, `pdftotext`, `pdftoppm`)
and `zbarimg` (Debian `poppler-utils`, `zbar-tools`). What each output should hold
is worked out here from the sources (front matter, community profiles, campaign),
not from sitegen's own code.

The example site is copied and built once per session (and once more at a later
`--now`); everything else uses small scratch sites.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from posixpath import normpath
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import MINIMAL_SITE, NOW, REPO, Run, needs_tools, run_sitegen
from lxml import html as lxml_html

pytestmark = pytest.mark.print

LATER = "2026-11-23T10:00:00+08:00"  # the day after the water-outage notice expires
WATER_OUTAGE = "2026-11-18-water-outage.md"

# Paper sizes in points, portrait (width, height).
PAPER_PT = {
    "A5": (419.53, 595.28),
    "A4": (595.28, 841.89),
    "A3": (841.89, 1190.55),
    "A2": (1190.55, 1683.78),
}
TOLERANCE_PT = 1.0
CM_PT = 72 / 2.54

# What the bundled font (a subset of Noto Sans SC, family "Noto Sans SC Sitegen", the
# @font-face family in print.css) is called in the PDF, after the six-letter subset tag.
# A system font (Noto Sans CJK SC, WenQuanYi, DejaVu, ...) has another name.
BUNDLED_FONT = re.compile(r"[A-Z]{6}\+Noto-?Sans-?SC-?Sitegen(-Regular|-Bold)?")
# the 公文 layout's own: Noto Serif SC (title, header, page numbers) and the 楷 face (body)
GONGWEN_FONT = re.compile(
    r"[A-Z]{6}\+(Noto-?Serif-?SC-?Sitegen(-Bold|-?Digits)?|Sitegen-?Kai(-Regular|-Bold)?)"
)

# "34 PDFs (37 rendered, 0 from cache, 9 board packs assembled)": board packs are put
# together anew (the figure counts only those not taken from the cache), and are put
# together from their posters' fitted PDFs, not rendered (in earlier versions they were
# rendered, and the summary had no "assembled" figure).
SUMMARY = re.compile(
    r"(\d+) PDFs \((\d+) rendered, (\d+) from cache(?:, (\d+) board packs assembled)?\)"
)
TOO_LONG = re.compile(
    r"^(?P<file>\S+?\.md): warning: the poster does not fit one (?P<paper>A\d) page"
    r".*?printed on (?P<pages>\d+) pages",
    re.M,
)

tools_present = needs_tools("pdfinfo", "pdffonts", "pdftotext", "pdftoppm", "zbarimg")


# --- reading the sources, independently of sitegen ----------------------------


def split_front_matter(path: Path) -> tuple[dict, str]:
    """Front matter read as plain strings (PyYAML's BaseLoader: no type guessing), and body."""
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    assert text.startswith("---\n"), path
    head, _, body = text[4:].partition("\n---\n")
    return yaml.load(head, Loader=yaml.BaseLoader) or {}, body


def moment(raw: str, tz: ZoneInfo, end_of_day: bool = False) -> datetime:
    """`2026-11-20` (start of day, or the first moment after it), `2026-11-20 09:00`, ISO 8601."""
    raw = raw.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        start = datetime.combine(date.fromisoformat(raw), clock(0, 0), tzinfo=tz)
        return start + timedelta(days=1) if end_of_day else start
    value = datetime.fromisoformat(raw)
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def is_false(value) -> bool:
    return isinstance(value, str) and value.strip().lower() in ("false", "no", "off")


def is_true(value) -> bool:
    return isinstance(value, str) and value.strip().lower() in ("true", "yes", "on")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Notice:
    file: str  # file name in content/notices/
    title: str
    issuer: str
    date: datetime
    expires: datetime | None
    communities: list[str] | None  # None: all
    paper: str
    orientation: str
    gongwen: bool  # `style: gongwen`: A4, as many pages as it takes
    wants_poster: bool
    asked: bool  # `poster: true` or a map: a poster whenever current
    draft: bool
    urgent: bool
    pinned: bool
    body_length: int  # characters of the body, whitespace left out
    slug: str | None  # from `slug:`; otherwise found in the built pages

    def current_at(self, now: datetime) -> bool:
        return not self.draft and self.date <= now and (self.expires is None or self.expires > now)

    def is_for(self, community: str) -> bool:
        return self.communities is None or community in self.communities


@dataclass
class Board:
    community: str  # slug
    name: str  # community name
    id: str
    paper: str
    slots: int


@dataclass
class Source:
    """The example (or a scratch) site as its files say it should print."""

    root: Path
    base_url: str
    tz: ZoneInfo
    notices: list[Notice]
    boards: list[Board]
    phones: dict[str, str]  # community slug -> office phone
    names: dict[str, str]  # community slug -> name
    recent_days: int  # notices this new get a poster

    def eligible(self, now: datetime) -> list[Notice]:
        """Current notices that may have a poster (no `poster: false`)."""
        return [n for n in self.notices if n.wants_poster and n.current_at(now)]

    def poster_notices(self, now: datetime) -> list[Notice]:
        """Those that get one: due on a board, published lately, or asked for."""
        on_boards = {n.file for board in self.boards for n in self.due(board, now)[: board.slots]}
        recent = timedelta(days=self.recent_days)
        return [
            n
            for n in self.eligible(now)
            if n.file in on_boards or now - n.date <= recent or n.asked
        ]

    def notice(self, file: str) -> Notice:
        return next(n for n in self.notices if n.file == file)

    def due(self, board: Board, now: datetime) -> list[Notice]:
        """Posters due on a board, urgent first, then pinned, then newest."""
        due = [n for n in self.eligible(now) if n.is_for(board.community)]
        return sorted(due, key=lambda n: (n.urgent, n.pinned, n.date, n.slug or ""), reverse=True)


def read_source(root: Path) -> Source:
    site = yaml.load((root / "content/site.yaml").read_text("utf-8-sig"), Loader=yaml.BaseLoader)
    tz = ZoneInfo(site.get("timezone", "Asia/Shanghai"))
    default = site.get("posters") or {}
    notices = []
    for path in sorted((root / "content/notices").glob("*.md")):
        meta, body = split_front_matter(path)
        poster = meta.get("poster")
        wants = not is_false(poster)
        spec = poster if isinstance(poster, dict) else {}
        gongwen = (spec.get("style") or default.get("style")) == "gongwen"
        communities = meta.get("communities", "all")
        notices.append(
            Notice(
                file=path.name,
                title=meta["title"],
                issuer=meta.get("issuer") or site.get("issuer", ""),
                date=moment(meta["date"], tz),
                expires=moment(meta["expires"], tz, end_of_day=True) if "expires" in meta else None,
                communities=None if communities in ("all", "全部") else list(communities),
                paper="A4" if gongwen else spec.get("paper") or default.get("paper", "A4"),
                orientation="portrait"
                if gongwen
                else spec.get("orientation") or default.get("orientation", "portrait"),
                gongwen=gongwen,
                wants_poster=wants,
                asked=poster is not None and not is_false(poster),
                draft=is_true(meta.get("draft", "false")),
                urgent=is_true(meta.get("urgent", "false")),
                pinned=is_true(meta.get("pinned", "false")),
                body_length=len(squeeze(body)),
                slug=meta.get("slug"),
            )
        )
    boards, phones, names = [], {}, {}
    for path in sorted((root / "content/communities").glob("*.yaml")):
        profile = yaml.load(path.read_text("utf-8-sig"), Loader=yaml.BaseLoader)
        slug = path.stem
        names[slug] = profile["name"]
        phones[slug] = (profile.get("office") or {}).get("phone", "")
        for board in profile.get("boards") or []:
            boards.append(
                Board(slug, profile["name"], board["id"], board["paper"], int(board["slots"]))
            )
    recent_days = int(default.get("recent_days", 7))
    return Source(root, site["base_url"], tz, notices, boards, phones, names, recent_days)


def find_slugs(source: Source, out: Path) -> None:
    """A notice without `slug:` is found among the built pages by its <h1>."""
    by_title = {}
    for page in (out / "notices").glob("*/index.html"):
        for h1 in lxml_html.parse(str(page)).getroot().iter("h1"):
            by_title.setdefault(h1.text_content().strip(), page.parent.name)
    for notice in source.notices:
        if notice.slug is None:
            notice.slug = by_title.get(notice.title)


# --- reading the PDFs -------------------------------------------------------------


def tool(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, f"{' '.join(args)}: {done.stderr}"
    return done.stdout


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = tool("pdfinfo", str(pdf))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    sizes = tool("pdfinfo", "-f", "1", "-l", str(pages), str(pdf))
    found = [
        (float(w), float(h))
        for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", sizes, re.M)
    ]
    assert len(found) == pages, sizes
    return found


def paper_pt(paper: str, orientation: str = "portrait") -> tuple[float, float]:
    width, height = PAPER_PT[paper]
    return (height, width) if orientation == "landscape" else (width, height)


def same_size(size: tuple[float, float], want: tuple[float, float]) -> bool:
    return all(abs(a - b) <= TOLERANCE_PT for a, b in zip(size, want, strict=True))


def fonts(pdf: Path) -> list[tuple[str, str]]:
    """(name, emb) of every font in the PDF, from `pdffonts`."""
    lines = tool("pdffonts", str(pdf)).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation: count from the end
        rows.append((parts[0], parts[-5]))
    return rows


def text(pdf: Path) -> str:
    return tool("pdftotext", "-enc", "UTF-8", str(pdf), "-")


def raster(pdf: Path, dpi: float, into: Path, page: int = 1) -> Path:
    stem = into / f"{pdf.stem}-{page}"
    page_range = ("-f", str(page), "-l", str(page))
    tool("pdftoppm", "-r", str(dpi), "-png", *page_range, "-singlefile", str(pdf), str(stem))
    return stem.with_suffix(".png")


def qr_codes(png: Path) -> list[str]:
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    return done.stdout.split()


def body_size(html_file: Path) -> float:
    """The body size sitegen chose, from the print HTML beside the PDF."""
    found = re.search(
        r'<section class="sheet[^"]*"[^>]*style="font-size:\s*([\d.]+)pt',
        html_file.read_text("utf-8"),
    )
    assert found, f"{html_file}: no sheet with a font-size"
    return float(found.group(1))


def too_long(stderr: str) -> dict[tuple[str, str], int]:
    """(notice file name, paper) -> pages, for each poster the build said does not fit."""
    return {(Path(m["file"]).name, m["paper"]): int(m["pages"]) for m in TOO_LONG.finditer(stderr)}


@dataclass(frozen=True)
class Counts:
    pdfs: int
    rendered: int
    cached: int
    assembled: int | None  # None: the summary has no such figure (packs are rendered)


def counts(stdout: str) -> Counts:
    found = SUMMARY.search(stdout)
    assert found, f"no 'N PDFs (R rendered, C from cache)' in: {stdout}"
    return Counts(int(found[1]), int(found[2]), int(found[3]), int(found[4]) if found[4] else None)


# --- the example, built once ---------------------------------------------------------


@dataclass
class Built:
    source: Source
    out: Path
    run: Run
    seconds: float
    now: datetime
    warned: dict[tuple[str, str], int] = field(default_factory=dict)

    def poster(self, notice: Notice) -> Path:
        return self.out / "print/posters" / f"{notice.slug}.pdf"

    def notices_published(self) -> list[Notice]:
        """Notices with a page: dated by now, not drafts (expired ones too)."""
        return [n for n in self.source.notices if not n.draft and n.date <= self.now]

    def pack(self, board: Board) -> Path:
        return self.out / "print/boards" / f"{board.community}-{board.id}.pdf"


def build_example(site: Path, out: Path, now: str) -> Built:
    system_tmp = out.with_name(out.name + "-system-tmp")
    system_tmp.mkdir()
    started = time.perf_counter()
    result = run_sitegen("build", str(site), "--out", str(out), "--now", now, tmpdir=system_tmp)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    source = read_source(site)
    find_slugs(source, out)
    return Built(source, out, result, seconds, datetime.fromisoformat(now), too_long(result.stderr))


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """A copy of the repository's example site (so the print cache starts cold and the
    repository is not written to)."""
    site = tmp_path_factory.mktemp("example") / "site"
    for name in ("content", "themes"):
        shutil.copytree(REPO / name, site / name)
    return site


@pytest.fixture(scope="session")
def example(example_site: Path) -> Built:
    built = build_example(example_site, example_site.parent / "out-now", NOW)
    print(f"\nexample build with print: {built.seconds:.1f} s; {built.run.stdout.strip()}")
    return built


@pytest.fixture(scope="session")
def example_later(example: Built, example_site: Path) -> Built:
    return build_example(example_site, example_site.parent / "out-later", LATER)


def test_a_cold_build_of_the_example_leaves_the_temporary_folder_empty(example: Built) -> None:
    """With TMPDIR pointing at an empty folder, the build (print on, cold: the example's
    copy has no cache) leaves it empty, and its own temporary folders are gone."""
    system_tmp = example.out.with_name(example.out.name + "-system-tmp")
    assert sorted(system_tmp.rglob("*")) == []
    assert not list((example.out.parent / "site" / ".sitegen-cache" / "tmp").glob("run-*"))
    assert counts(example.run.stdout).rendered > 30  # it did lay the print out, cold


# --- 1. a poster for every current notice that wants one ---------------------------------


def test_a_poster_for_every_current_notice_that_wants_one(example: Built) -> None:
    wanted = example.source.poster_notices(example.now)
    assert wanted, "the example has current notices with posters"
    unresolved = [n.file for n in wanted if n.slug is None]
    assert not unresolved, f"no notice page has these notices' titles as <h1>: {unresolved}"

    made = {p.stem for p in (example.out / "print/posters").glob("*.pdf")}
    assert made == {n.slug for n in wanted}

    problems = []
    for notice in wanted:
        pdf = example.poster(notice)
        if not pdf.with_suffix(".html").is_file():
            problems.append(f"{notice.file}: no print HTML beside {pdf.name}")
        sizes = page_sizes(pdf)
        warned = example.warned.get((notice.file, notice.paper))
        if warned is None and len(sizes) != 1 and not notice.gongwen:
            problems.append(f"{notice.file}: {len(sizes)} pages, no 'does not fit' warning")
        if warned is not None and len(sizes) != warned:
            problems.append(f"{notice.file}: warned of {warned} pages, made {len(sizes)}")
        want = paper_pt(notice.paper, notice.orientation)
        for number, size in enumerate(sizes, start=1):
            if not same_size(size, want):
                problems.append(
                    f"{notice.file}: page {number} is {size}, not {notice.paper} "
                    f"{notice.orientation} {want}"
                )
    assert not problems, "\n".join(problems)


def test_no_poster_for_notices_not_current_or_without_poster(example: Built) -> None:
    made = {p.stem for p in (example.out / "print/posters").glob("*.pdf")}
    chosen = {n.file for n in example.source.poster_notices(example.now)}
    for notice in example.source.notices:
        if notice.file in chosen:
            continue
        # expired and `poster: false` notices have a page (so a slug); drafts and scheduled
        # ones do not, and are looked for by their file name (the slug of an ASCII name)
        assert notice.slug not in made, notice.file
        assert not any(Path(notice.file).stem in name for name in made), notice.file
    # the example has each kind of notice that must not be printed
    kinds = {
        "poster: false": any(
            not n.wants_poster and n.current_at(example.now) for n in example.source.notices
        ),
        "draft": any(n.draft for n in example.source.notices),
        "scheduled": any(n.date > example.now for n in example.source.notices),
        "expired": any(n.expires and n.expires <= example.now for n in example.source.notices),
        "current, but on no board, older than the recent window and not asked for": any(
            n.file not in chosen for n in example.source.eligible(example.now)
        ),
    }
    assert all(kinds.values()), kinds


# --- 2. fonts: embedded, and only the bundled one ----------------------------------------


def test_posters_embed_only_the_bundled_font(example: Built) -> None:
    problems = []
    for notice in example.source.poster_notices(example.now):
        rows = fonts(example.poster(notice))
        if not rows:
            problems.append(f"{notice.slug}: no font at all")
        for name, embedded in rows:
            if embedded != "yes":
                problems.append(f"{notice.slug}: {name} is not embedded")
            if not BUNDLED_FONT.fullmatch(name) and not (
                notice.gongwen and GONGWEN_FONT.fullmatch(name)
            ):
                problems.append(f"{notice.slug}: {name} is not the bundled font (a system font)")
    assert not problems, "\n".join(problems)


def test_other_print_outputs_embed_only_the_bundled_font(example: Built) -> None:
    problems = []
    pdfs = sorted((example.out / "print").glob("[bh]*/*.pdf"))  # boards, banners, handouts
    assert pdfs
    # a board pack holds its posters: a 公文 among them brings its fonts
    with_gongwen = {
        example.pack(board)
        for board in example.source.boards
        if any(n.gongwen for n in example.source.due(board, example.now)[: board.slots])
    }
    for pdf in pdfs:
        for name, embedded in fonts(pdf):
            allowed = BUNDLED_FONT.fullmatch(name) or (
                pdf in with_gongwen and GONGWEN_FONT.fullmatch(name)
            )
            if embedded != "yes" or not allowed:
                problems.append(f"{pdf.relative_to(example.out)}: {name} (embedded: {embedded})")
    assert not problems, "\n".join(problems)


def test_bundled_font_files_are_part_of_the_theme() -> None:
    """The theme carries its font: real files in the repository, not links to this machine's."""
    folder = REPO / "sitegen/default_theme/static/fonts"
    files = [p for p in folder.iterdir() if p.suffix.lower() in (".otf", ".ttf", ".woff", ".woff2")]
    assert files, f"no font in {folder}"
    for path in files:
        assert not path.is_symlink(), (
            f"{path.name} is a link to {path.resolve()}, not a bundled file"
        )
        assert path.resolve().is_relative_to(REPO), path.resolve()
    licences = [p.name for p in folder.iterdir() if re.match(r"(OFL|LICEN[CS]E)", p.name, re.I)]
    assert licences, f"no licence beside the fonts in {folder}"


# --- 3. text -----------------------------------------------------------------------------------


def _notice(title: str, day: str, poster: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {day}\ncommunities: [huashan]\n{poster}---\n请居民留意。\n"


def test_posters_for_the_recent_window_and_those_asked_for_others_on_demand(
    make_site, tmp_path: Path
) -> None:
    """No boards in huashan: a poster for what is new this week and what asks for one;
    an older notice gets one only on demand, and loses its poster when the window
    moves past it (the no-change shortcut must not keep it)."""
    site = make_site(
        {
            "content/notices/new.md": _notice("本周新通知", "2026-11-17"),
            "content/notices/old.md": _notice("上月旧通知", "2026-10-20"),
            "content/notices/kept.md": _notice("长期张贴", "2026-10-01", "poster: true\n"),
            "content/notices/big.md": _notice("大张海报", "2026-09-01", "poster: {paper: A3}\n"),
            "content/notices/none.md": _notice("不要海报", "2026-11-19", "poster: false\n"),
        }
    )
    out = site / "output"

    def posters() -> set[str]:
        return {p.stem for p in (out / "print/posters").glob("*.pdf")}

    run = run_sitegen("build", str(site), "--now", NOW)
    assert run.returncode == 0, run.stderr
    # the water outage (2026-11-18) is due on longchi's board b1, and new also recent
    assert posters() == {"2026-11-18-ting-shui-tong-zhi", "new", "kept", "big"}
    assert (
        "posters for 4 notices (1 due on a board, 1 published in the last 7 days, "
        "2 asked for with `poster:`); 1 other current notice has none" in run.stdout
    ), run.stdout
    assert "打印海报" in (out / "notices/new/index.html").read_text("utf-8")
    assert "打印海报" not in (out / "notices/old/index.html").read_text("utf-8")

    on_demand = run_sitegen("print", str(site), "--now", NOW, "--notice", "old")
    assert on_demand.returncode == 0, on_demand.stderr
    assert "old" in posters()
    refused = run_sitegen("print", str(site), "--now", NOW, "--notice", "none")
    assert refused.returncode == 1 and "says `poster: false`" in refused.stderr

    a_week_on = "2026-11-26T10:00:00+08:00"  # new is 9 days old; the outage has expired
    run = run_sitegen("build", str(site), "--now", a_week_on)
    assert run.returncode == 0, run.stderr
    assert posters() == {"kept", "big"}
    assert "打印海报" not in (out / "notices/new/index.html").read_text("utf-8")

    (site / "content/site.yaml").write_text(
        (site / "content/site.yaml").read_text("utf-8") + "posters:\n  recent_days: 14\n",
        encoding="utf-8",
    )
    run = run_sitegen("build", str(site), "--now", a_week_on)
    assert run.returncode == 0, run.stderr
    assert posters() == {"new", "kept", "big"}
    assert "published in the last 14 days" in run.stdout, run.stdout


def test_poster_text_has_title_and_issuer(example: Built) -> None:
    problems = []
    for notice in example.source.poster_notices(example.now):
        extracted = squeeze(text(example.poster(notice)))
        if squeeze(notice.title) not in extracted:
            problems.append(f"{notice.slug}: title {notice.title!r} not in the PDF's text")
        if squeeze(notice.issuer) not in extracted:
            problems.append(f"{notice.slug}: issuer {notice.issuer!r} not in the PDF's text")
    assert not problems, "\n".join(problems)


# --- 4. the QR code --------------------------------------------------------------------------


def short_addresses(built: Built) -> dict[str, str]:
    """Notice slug -> the short address whose page (out/n/<id>/) forwards to it."""
    found = {}
    for page in (built.out / "n").glob("*/index.html"):
        refresh = re.search(
            r'http-equiv="refresh" content="0; url=([^"]+)"', page.read_text("utf-8")
        )
        assert refresh, page
        target = (page.parent / refresh.group(1)).resolve()
        assert target.is_file(), (page, target)  # it forwards to a page that is there, from disk
        slug = target.parent.name
        found[slug] = f"{built.source.base_url.rstrip('/')}/n/{page.parent.name}/"
    return found


def test_poster_qr_code_is_a_short_address_that_forwards_to_the_notice(
    example: Built, tmp_path: Path
) -> None:
    """The code holds `n/<id>/`, whose page forwards to the notice: a short address,
    so the code has few modules and decodes from a poster rasterised at 72 dpi too."""
    short = short_addresses(example)
    assert set(short) == {n.slug for n in example.notices_published()}
    assert all(len(url.rstrip("/").rsplit("/", 1)[1]) == 6 for url in short.values())
    problems = []
    for notice in example.source.poster_notices(example.now):
        for dpi in (72, 150):
            decoded = qr_codes(raster(example.poster(notice), dpi, tmp_path))
            if decoded != [short[notice.slug]]:
                problems.append(f"{notice.slug} at {dpi} dpi: decoded {decoded}")
    assert not problems, "\n".join(problems)


# --- 5. fitting the body to one page -------------------------------------------------------------


def test_longest_notice_fits_a4_with_smaller_type_than_the_shortest(example: Built) -> None:
    on_a4 = [
        n
        for n in example.source.poster_notices(example.now)
        if n.paper == "A4" and n.orientation == "portrait" and not n.gongwen
    ]
    longest = max(on_a4, key=lambda n: n.body_length)
    shortest = min(on_a4, key=lambda n: n.body_length)
    assert len(page_sizes(example.poster(longest))) == 1, f"{longest.file} is not one page"
    assert len(page_sizes(example.poster(shortest))) == 1
    long_pt = body_size(example.poster(longest).with_suffix(".html"))
    short_pt = body_size(example.poster(shortest).with_suffix(".html"))
    print(f"\nlongest {longest.file}: {long_pt} pt; shortest {shortest.file}: {short_pt} pt")
    assert long_pt < short_pt
    # never below the legible minimum on A4
    for notice in on_a4:
        assert body_size(example.poster(notice).with_suffix(".html")) >= 14.0, notice.file


LONG_SENTENCE = (
    "为切实做好本社区冬季安全防范工作，保障广大居民群众的生命财产安全，现将有关事项通知如下。"
)


def test_a_notice_far_too_long_for_a4_warns_and_runs_to_several_pages(make_site) -> None:
    paragraphs = "\n\n".join(LONG_SENTENCE * 5 for _ in range(30))
    assert len(squeeze(paragraphs)) >= 6000
    site = make_site(
        {
            "content/notices/2026-11-19-long.md": "---\n"
            "title: 关于冬季安全防范工作的详细说明\n"
            "date: 2026-11-19 09:00\n"
            "communities: [huashan]\n"
            "---\n" + paragraphs + "\n",
        }
    )
    result = run_sitegen("build", str(site), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert "does not fit one A4 page" in result.stderr
    assert "2026-11-19-long.md" in result.stderr  # it names the notice
    sizes = page_sizes(site / "output/print/posters/2026-11-19-long.pdf")
    assert len(sizes) > 1
    assert all(same_size(s, PAPER_PT["A4"]) for s in sizes), sizes
    # the short notice beside it is still one page, and not warned about
    assert len(page_sizes(next((site / "output/print/posters").glob("2026-11-18-*.pdf")))) == 1
    assert result.stderr.count("does not fit") == 1, result.stderr


# --- 6. board packs and the posting list ---------------------------------------------------------


def check_board_packs(built: Built) -> None:
    problems = []
    made = {p.stem for p in (built.out / "print/boards").glob("*.pdf")} - {"index"}
    assert made == {f"{b.community}-{b.id}" for b in built.source.boards}
    for board in built.source.boards:
        posted = built.source.due(board, built.now)[: board.slots]
        # one page per poster (a poster that does not fit the board's paper, as the build
        # warned, takes the pages it said; a 公文, its own A4 pages); the empty-board
        # sheet when none is due
        want: list[str] = []
        for n in posted:
            if n.gongwen:
                want += ["A4"] * len(page_sizes(built.poster(n)))
            else:
                want += [board.paper] * built.warned.get((n.file, board.paper), 1)
        want = want or [board.paper]
        sizes = page_sizes(built.pack(board))
        name = f"{board.community}-{board.id}"
        if len(sizes) != len(want):
            problems.append(
                f"{name}: {len(sizes)} pages, expected {len(want)} "
                f"(slots {board.slots}, {len(built.source.due(board, built.now))} due)"
            )
        for number, (size, paper) in enumerate(zip(sizes, want, strict=False), start=1):
            if not same_size(sorted(size), sorted(PAPER_PT[paper])):
                problems.append(f"{name}: page {number} is {size}, not {paper}")
        # each sheet prints its notice's address in the footer: exactly the posted ones
        # (a 公文, the short address, beside its QR code)
        extracted = text(built.pack(board))
        printed = addresses(built.source, extracted) | {
            n.slug.replace("-", "")
            for n in posted
            if n.gongwen and short_addresses(built)[n.slug] in squeeze(extracted)
        }
        want_slugs = {n.slug.replace("-", "") for n in posted}
        if printed != want_slugs:
            problems.append(f"{name}: sheets for {sorted(printed)}, expected {sorted(want_slugs)}")
    assert not problems, "\n".join(problems)


def notice_url(source: Source, slug: str) -> str:
    return f"{source.base_url.rstrip('/')}/notices/{slug}/"


def addresses(source: Source, extracted: str) -> set[str]:
    """The slugs of the notice addresses printed in a PDF's text, without their hyphens
    (pdftotext drops the hyphen where an address wraps after one)."""
    base = re.escape(notice_url(source, "@").split("@")[0])
    return {
        slug.replace("-", "") for slug in re.findall(base + r"([a-z0-9-]+)/", squeeze(extracted))
    }


def posting_list(built: Built) -> dict[str, list[tuple[str, str]]]:
    """Board heading -> (action, title) rows, from print/boards/index.html."""
    page = lxml_html.parse(str(built.out / "print/boards/index.html")).getroot()
    boards = {}
    for section in page.find_class("board"):
        heading = section.find(".//h2").text_content().strip()
        rows = []
        for row in section.iter("tr"):
            cells = [c.text_content().strip() for c in row.iter("td")]
            if len(cells) >= 2:
                rows.append((cells[0], cells[1]))
        boards[heading] = rows
    return boards


def check_posting_list(built: Built) -> None:
    listed = posting_list(built)
    assert (built.out / "print/boards/index.pdf").is_file()
    assert len(listed) == len(built.source.boards)
    for board in built.source.boards:
        headings = [h for h in listed if h.startswith(board.name) and f"（{board.id}，" in h]
        assert len(headings) == 1, (board, list(listed))
        rows = listed[headings[0]]
        due = built.source.due(board, built.now)
        up = {title for action, title in rows if action in ("张贴", "保留")}
        assert up == {n.title for n in due[: board.slots]}, headings[0]
        assert {t for a, t in rows if a == "排不下"} == {n.title for n in due[board.slots :]}


def test_board_packs_match_slots_paper_and_due_notices(example: Built) -> None:
    check_board_packs(example)
    check_posting_list(example)


def test_posting_list_keeps_the_water_outage_up_before_it_expires(example: Built) -> None:
    water = example.source.notice(WATER_OUTAGE)
    for board in example.source.boards:
        if board.community != "longchi":
            continue
        assert squeeze(water.title) in squeeze(text(example.pack(board))), board.id
    for heading, rows in posting_list(example).items():
        if heading.startswith("龙池社区"):
            actions = {a for a, t in rows if t == water.title}
            assert actions and actions <= {"张贴", "保留"}, (heading, actions)


def test_after_expiry_the_poster_leaves_its_packs_and_is_listed_to_take_down(
    example_later: Built, tmp_path: Path
) -> None:
    water = example_later.source.notice(WATER_OUTAGE)
    assert not water.current_at(example_later.now)
    assert not example_later.poster(water).exists()
    longchi = [b for b in example_later.source.boards if b.community == "longchi"]
    assert longchi
    url = short_addresses(example_later)[water.slug]
    for board in longchi:
        pack = example_later.pack(board)
        # (another notice's body cites the water outage by its title, so look for its sheet:
        # its address in the footer, and its QR code, on no page)
        printed = addresses(example_later.source, text(pack))
        assert water.slug.replace("-", "") not in printed, board.id
        pages = len(page_sizes(pack))
        codes = [
            code
            for page in range(1, pages + 1)
            for code in qr_codes(raster(pack, 100, tmp_path, page))
        ]
        # one QR code a page (a 公文 has one, on its first page)
        posted = example_later.source.due(board, example_later.now)[: board.slots]
        further = sum(len(page_sizes(example_later.poster(n))) - 1 for n in posted if n.gongwen)
        assert len(codes) == pages - further, (board.id, codes)
        assert url not in codes, board.id
    for community in ("龙池社区", "华山社区"):  # the notice was for both
        sections = [
            rows for h, rows in posting_list(example_later).items() if h.startswith(community)
        ]
        assert sections
        for rows in sections:
            assert [a for a, t in rows if t == water.title] == ["撤下"], (community, rows)
    check_board_packs(example_later)
    check_posting_list(example_later)


def test_a_recorded_posting_round_decides_what_to_put_up_keep_and_take_down(
    example: Built, example_site: Path, tmp_path: Path
) -> None:
    """`sitegen boards posted` at one date, a build at a later one: per board, what was
    up and is no longer due is to take down, what is due and was not up to put up."""
    site = tmp_path / "site"
    shutil.copytree(example_site, site)  # the print cache comes along: a fast build
    boards = example.source.boards
    unrecorded = boards[-1]
    named = [f"{b.community}/{b.id}" for b in boards[:-1]]
    posted_at = "2026-11-16T09:00:00+08:00"
    run = run_sitegen(
        "boards", "posted", str(site), "--now", posted_at, *(f"--board={n}" for n in named)
    )
    assert run.returncode == 0, run.stderr
    assert f"for {len(named)} boards" in run.stdout
    recorded = (site / "content/postings.yaml").read_text(encoding="utf-8")
    assert recorded.startswith("# 宣传栏张贴记录") and f"board: {named[0]}" in recorded

    later = build_example(site, tmp_path / "out", LATER)
    source, then = later.source, datetime.fromisoformat(posted_at)
    page = lxml_html.parse(str(later.out / "print/boards/index.html")).getroot()
    sections = {s.find(".//h2").text_content().strip(): s for s in page.find_class("board")}
    rows = posting_list(later)
    taken_down = 0
    for board in boards:
        heading = next(h for h in rows if h.startswith(board.name) and f"（{board.id}，" in h)
        actions: dict[str, set[str]] = {}
        for action, title in rows[heading]:
            actions.setdefault(action, set()).add(title)
        last_round = sections[heading].find_class("last-round")[0].text_content()
        due_now = source.due(board, later.now)[: board.slots]
        if board is unrecorded:
            assert "尚无张贴记录" in last_round
            continue
        assert last_round == "上次张贴：2026年11月16日", last_round
        up_then = source.due(board, then)[: board.slots]
        assert actions.get("张贴", set()) == {n.title for n in due_now if n not in up_then}
        assert actions.get("保留", set()) == {n.title for n in due_now if n in up_then}
        gone = {n.title for n in up_then if n not in due_now}
        assert actions.get("撤下", set()) == gone, heading
        taken_down += len(gone)
    assert taken_down, "the water outage expired in between: something comes down"

    # a poster that was up comes down when its notice goes back to draft or is deleted
    board = boards[0]
    kept = [n for n in source.due(board, later.now)[: board.slots] if n in source.due(board, then)]
    drafted, deleted = kept[0], kept[1]
    path = site / "content/notices" / drafted.file
    path.write_text(
        path.read_text("utf-8").replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8"
    )
    (site / "content/notices" / deleted.file).unlink()
    again = build_example(site, tmp_path / "out-again", LATER)
    heading = next(
        h for h in posting_list(again) if f"（{board.id}，" in h and h.startswith(board.name)
    )
    down = {t for a, t in posting_list(again)[heading] if a == "撤下"}
    assert drafted.title in down and f"（已删除的通知：{deleted.slug}）" in down, down

    # a round naming a board that is gone (or mistyped) is a warning at its line:
    # a board taken down later must not break every build
    with (site / "content/postings.yaml").open("a", encoding="utf-8") as file:
        file.write("  - date: 2026-11-20\n    board: longchi/nosuch\n    posters: []\n")
    line = len(recorded.splitlines()) + 1
    checked = run_sitegen("check", str(site), "--now", LATER)
    assert checked.returncode == 0, checked.stderr
    assert (
        f"content/postings.yaml:{line}: warning: `board: longchi/nosuch`: no such board"
        in checked.stderr
    ), checked.stderr


# --- 7. banners and the leaflet ------------------------------------------------------------------


def read_campaign(site: Path, slug: str) -> dict:
    meta, _ = split_front_matter(site / f"content/campaigns/{slug}.md")
    return meta


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def near(colour, target, tolerance: int) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], target, strict=True))


def test_banners_one_per_slogan_at_size_in_campaign_colours(
    example: Built, example_site: Path, tmp_path: Path
) -> None:
    from PIL import Image

    campaign = read_campaign(example_site, "jia")
    theme = yaml.load(
        (example_site / "themes" / campaign["theme"] / "theme.yaml").read_text("utf-8"),
        Loader=yaml.BaseLoader,
    )
    primary, accent = rgb(theme["palette"]["primary"]), rgb(theme["palette"]["accent"])
    assert (primary, accent) == (rgb("#b71c1c"), rgb("#ffd54f"))
    banner = campaign.get("banner") or {}
    want = (
        float(banner.get("width_cm", 400)) * CM_PT,
        float(banner.get("height_cm", 70)) * CM_PT,
    )
    assert same_size(want, (11338.58, 1984.25))

    made = sorted((example.out / "print/banners").glob("jia-*.pdf"))
    assert [p.name for p in made] == sorted(
        f"jia-{n}.pdf" for n in range(1, len(campaign["slogans"]) + 1)
    )
    for number, slogan in enumerate(campaign["slogans"], start=1):
        pdf = example.out / f"print/banners/jia-{number}.pdf"
        sizes = page_sizes(pdf)
        assert len(sizes) == 1 and same_size(sizes[0], want), (pdf.name, sizes)
        assert squeeze(text(pdf)) == squeeze(slogan), pdf.name
        with Image.open(raster(pdf, 4, tmp_path)) as image:
            rgb_image = image.convert("RGB")
            total = rgb_image.width * rgb_image.height
            colours = rgb_image.getcolors(maxcolors=total)
        _, dominant = max(colours)
        assert near(dominant, primary, 12), f"{pdf.name}: ground is {dominant}, not {primary}"
        ground = sum(c for c, colour in colours if near(colour, primary, 24))
        yellow = sum(c for c, colour in colours if near(colour, accent, 40))
        assert ground > 0.5 * total, f"{pdf.name}: the ground is not mostly {primary}"
        assert yellow > 0.02 * total, f"{pdf.name}: too few characters in {accent}"


def test_leaflet_has_title_slogans_contacts_and_page_numbers(
    example: Built, example_site: Path
) -> None:
    campaign = read_campaign(example_site, "jia")
    pdf = example.out / "print/handouts/jia.pdf"
    sizes = page_sizes(pdf)
    assert sizes
    assert all(same_size(s, PAPER_PT["A4"]) for s in sizes), sizes
    extracted = squeeze(text(pdf))
    assert squeeze(campaign["title"]) in extracted
    for slogan in campaign["slogans"]:
        assert squeeze(slogan) in extracted, slogan
    covered = campaign.get("communities", "all")
    slugs = list(example.source.phones) if covered in ("all", "全部") else covered
    for slug in slugs:
        phone = example.source.phones[slug]
        assert phone and squeeze(phone) in extracted, (slug, phone)
    assert "第1页" in extracted
    if len(sizes) > 1:
        assert f"第{len(sizes)}页" in extracted


# --- 8. the cache, --no-print, sitegen print --only --------------------------------------------------


def cache_site_files() -> dict[str, str]:
    files = dict(MINIMAL_SITE)
    files.pop("content/notices/2026-11-18-停水通知.md")
    files.update(
        {
            "content/communities/longchi.yaml": """\
                name: 龙池社区
                office:
                  phone: 0739-8000001
                boards:
                  - id: b1
                    location: 服务中心门口
                    paper: A3
                    slots: 2
                """,
            "content/communities/huashan.yaml": """\
                name: 华山社区
                office:
                  phone: 0739-8000002
                boards:
                  - id: h1
                    location: 菜市场入口
                    paper: A4
                    slots: 4
                """,
            "content/communities/baihua.yaml": """\
                name: 百花社区
                boards:
                  - id: e1
                    location: 广场北侧
                    paper: A4
                    slots: 3
                """,
            "content/notices/2026-11-18-one.md": """\
                ---
                title: 龙池社区停车秩序整治通知
                date: 2026-11-18 09:00
                communities: [longchi]
                ---
                请各位车主按照划线停放车辆。
                """,
            "content/notices/2026-11-17-two.md": """\
                ---
                title: 龙池、华山社区燃气安全检查
                date: 2026-11-17 09:00
                expires: 2026-12-10
                communities: [longchi, huashan]
                ---
                燃气公司将入户检查，请家中留人。
                """,
            "content/notices/2026-11-16-three.md": """\
                ---
                title: 华山社区便民理发
                date: 2026-11-16
                communities: [huashan]
                poster:
                  paper: A5
                ---
                每月第一个周六上午，在社区服务中心。
                """,
            "content/campaigns/clean.md": """\
                ---
                title: 清洁家园
                slogans:
                  - 清洁家园人人有责
                  - 垃圾分类从我做起
                start: 2026-11-01
                end: 2026-12-31
                banner:
                  width_cm: 300
                  height_cm: 60
                ---
                大家一起来打扫。
                """,
        }
    )
    return files


def test_cache_renders_nothing_unchanged_and_only_what_an_edit_touches(make_site) -> None:
    site = make_site(base=cache_site_files())
    source = read_source(site)
    for notice in source.notices:
        notice.slug = notice.slug or Path(notice.file).stem
    now = datetime.fromisoformat(NOW)

    first = run_sitegen("build", str(site), "--now", NOW)
    assert first.returncode == 0, first.stderr
    cold = counts(first.stdout)
    # 3 posters, 3 packs, the posting list, 2 banners, 1 leaflet
    assert cold.pdfs == 3 + len(source.boards) + 1 + 2 + 1
    assert cold.cached == 0
    jobs = cold.rendered
    # the empty board gets its one empty sheet
    assert len(page_sizes(site / "output/print/boards/baihua-e1.pdf")) == 1
    assert not any(source.due(b, now) for b in source.boards if b.community == "baihua")

    second = run_sitegen("build", str(site), "--now", NOW)
    assert second.returncode == 0, second.stderr
    # nothing changed: the output is known to be exact, and nothing is even read back
    assert counts(second.stdout) == Counts(
        cold.pdfs, 0, 0, 0 if cold.assembled is not None else None
    )

    # a file saved again unchanged: the site is loaded, but every PDF comes from the cache
    # and no board pack is joined anew
    os.utime(site / "content/notices/2026-11-18-one.md")
    third = run_sitegen("build", str(site), "--now", NOW)
    assert third.returncode == 0, third.stderr
    assert counts(third.stdout) == Counts(
        cold.pdfs, 0, jobs, 0 if cold.assembled is not None else None
    )

    # edit one notice's body: its poster is fitted again on each paper it is needed on
    # (its own, and its boards'), and the packs it is on are made again (assembled from
    # those fits, or, where packs are rendered, rendered); nothing else is rendered
    edited = source.notice("2026-11-18-one.md")
    boards_on = [b for b in source.boards if edited in source.due(b, now)[: b.slots]]
    assert boards_on
    papers = {(edited.paper, edited.orientation)} | {
        (b.paper, edited.orientation) for b in boards_on
    }
    expected = len(papers) + (len(boards_on) if cold.assembled is None else 0)
    want = Counts(
        cold.pdfs, expected, jobs - expected, len(boards_on) if cold.assembled is not None else None
    )
    packs = site / "output/print/boards"
    untouched = {
        f"{b.community}-{b.id}.pdf": (packs / f"{b.community}-{b.id}.pdf").read_bytes()
        for b in source.boards
        if b not in boards_on
    }
    path = site / "content/notices" / edited.file
    path.write_text(
        path.read_text("utf-8").replace("划线停放车辆。", "划线停放车辆，不要占用消防通道。"),
        encoding="utf-8",
    )
    third = run_sitegen("build", str(site), "--now", NOW)
    assert third.returncode == 0, third.stderr
    # every poster is still there, on its own paper
    problems = []
    for notice in source.notices:
        pdf = site / "output/print/posters" / f"{notice.slug}.pdf"
        if not pdf.is_file():
            problems.append(f"{pdf.name} is gone")
            continue
        size = page_sizes(pdf)[0]
        if not same_size(size, paper_pt(notice.paper, notice.orientation)):
            problems.append(f"{pdf.name} is {size}, not {notice.paper} {notice.orientation}")
    found = counts(third.stdout)
    if found != want:
        problems.append(f"printed {found}, expected {want}: {third.stdout.strip()}")
    # the edit is in the poster and in the packs it is on; the other packs are as they were
    edited_pdfs = [site / "output/print/posters/2026-11-18-one.pdf"] + [
        site / f"output/print/boards/{b.community}-{b.id}.pdf" for b in boards_on
    ]
    for pdf in edited_pdfs:
        if "不要占用消防通道" not in squeeze(text(pdf)):
            problems.append(f"{pdf.name} does not have the edit")
    for name, before in untouched.items():
        if (packs / name).read_bytes() != before:
            problems.append(f"{name} changed, though the edited notice is not on it")
    assert not problems, "\n".join(problems)


def test_no_print_makes_no_print_folder_and_no_poster_links(make_site) -> None:
    site = make_site()
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 0, result.stderr
    assert (site / "output/index.html").is_file()
    assert not (site / "output/print").exists()
    assert "PDFs" not in result.stdout
    for page in (site / "output/notices").rglob("index.html"):
        assert "打印海报" not in page.read_text("utf-8"), page


def test_print_only_banners_writes_only_banners(make_site, tmp_path: Path) -> None:
    site = make_site(base=cache_site_files())
    out = tmp_path / "out"
    result = run_sitegen("print", str(site), "--out", str(out), "--now", NOW, "--only", "banners")
    assert result.returncode == 0, result.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    written = [n for n in written if n != ".sitegen-output"]  # sitegen's mark on its folders
    assert all(name.startswith("print/banners/") for name in written), written
    assert sorted(n for n in written if n.endswith(".pdf")) == [
        "print/banners/clean-1.pdf",
        "print/banners/clean-2.pdf",
    ]
    size = page_sizes(out / "print/banners/clean-1.pdf")
    assert len(size) == 1 and same_size(size[0], (300 * CM_PT, 60 * CM_PT)), size
    assert counts(result.stdout).pdfs == 2


# --- 9. the notice page links to its poster -----------------------------------------------------------


def test_notice_pages_link_to_their_poster(example: Built) -> None:
    problems = []
    for notice in example.source.notices:
        if notice.slug is None:  # not published: no page
            continue
        page = example.out / "notices" / notice.slug / "index.html"
        if not page.is_file():
            continue
        links = [
            a.get("href")
            for a in lxml_html.parse(str(page)).getroot().iter("a")
            if "打印海报" in a.text_content()
        ]
        has_poster = notice in example.source.poster_notices(example.now)
        if not has_poster:
            if links:
                problems.append(f"{notice.file}: links to a poster it does not have: {links}")
            continue
        if len(links) != 1:
            problems.append(f"{notice.file}: {len(links)} 打印海报 links")
            continue
        target = normpath(f"notices/{notice.slug}/{links[0]}")
        if target != f"print/posters/{notice.slug}.pdf" or not (example.out / target).is_file():
            problems.append(f"{notice.file}: 打印海报 -> {links[0]} ({target}), no such poster")
    assert not problems, "\n".join(problems)


def test_banners_are_made_before_a_campaign_starts_and_notice_accepts_a_file_name(
    make_site,
) -> None:
    site = make_site(
        {
            "content/campaigns/winter.md": """\
                ---
                title: 冬季防火宣传月
                slogans: [冬季防火，人人有责]
                start: 2026-12-01
                end: 2026-12-31
                banner: {width_cm: 300, height_cm: 60}
                ---
                一、防火常识。
                """,
        }
    )
    made = run_sitegen("print", str(site), "--now", NOW, "--only", "banners")
    assert made.returncode == 0, made.stderr
    banner = site / "output/print/banners/winter-1.pdf"
    assert same_size(page_sizes(banner)[0], (300 / 2.54 * 72, 60 / 2.54 * 72))
    assert squeeze(text(banner)) == squeeze("冬季防火，人人有责")

    by_file = run_sitegen("print", str(site), "--now", NOW, "--notice", "2026-11-18-停水通知.md")
    assert by_file.returncode == 0, by_file.stderr
    assert (site / "output/print/posters/2026-11-18-ting-shui-tong-zhi.pdf").is_file()
    wrong = run_sitegen(
        "print", str(site), "--now", NOW, "--notice", "2026-11-18-ting-shui-tong-zh"
    )
    assert wrong.returncode == 1
    assert "hint: did you mean `2026-11-18-ting-shui-tong-zhi`?" in wrong.stderr
