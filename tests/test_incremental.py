"""Incremental builds (parse cache, keys of outputs, print cache) give exactly what
a clean build gives.

A scratch copy of the example site takes a series of random edits of the kinds
staff make, at random moments and with random `--drafts`/`--future`; after each,
the incremental build and a clean `--no-cache` build into another folder must
agree file by file, PDFs included where print is on."""

from __future__ import annotations

import os
import random
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import NOW, REPO, run_sitegen

# SITEGEN_RANDOM_ROUNDS=200 for a long run (a benchmark, not the suite's).
ROUNDS = int(os.environ.get("SITEGEN_RANDOM_ROUNDS", "6"))
PRINT_ROUNDS = int(os.environ.get("SITEGEN_RANDOM_PRINT_ROUNDS", "2"))
MOMENTS = (
    NOW,
    "2026-11-23T10:00:00+08:00",
    "2026-12-06T10:00:00+08:00",
    "2026-12-20T10:00:00+08:00",
)
FLAGS = ((), ("--drafts",), ("--future",), ("--drafts", "--future"))


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.relative_to(folder).parts[0].startswith(".")
    }


def edit_title(site: Path, rng: random.Random) -> str:
    notice = rng.choice(sorted((site / "content/notices").glob("*.md")))
    text = notice.read_text(encoding="utf-8")
    notice.write_text(text.replace("title: ", "title: 【改】", 1), encoding="utf-8")
    return f"title of {notice.name}"


def edit_body(site: Path, rng: random.Random) -> str:
    notice = rng.choice(sorted((site / "content/notices").glob("*.md")))
    with notice.open("a", encoding="utf-8") as stream:
        stream.write(f"\n补充说明第{rng.randint(1, 999)}条。\n")
    return f"body of {notice.name}"


def add_notice(site: Path, rng: random.Random) -> str:
    number = rng.randint(1, 9999)
    path = site / f"content/notices/2026-11-19-new-{number}.md"
    community = sorted((site / "content/communities").glob("*.yaml"))[0].stem
    other = sorted((site / "content/notices").glob("2026-11-1*.md"))[0].name  # renamed, maybe
    path.write_text(
        f"---\ntitle: 新通知{number}\ndate: 2026-11-19 10:00\ncategory: 通知\ntags: [新标签{number % 3}]\n"
        f"communities: [{community}]\n---\n各位居民：详见[另一则通知]({other})。\n",
        encoding="utf-8",
    )
    return f"added {path.name}"


def delete_notice(site: Path, rng: random.Random) -> str:
    candidates = sorted((site / "content/notices").glob("*new-*.md"))
    if not candidates:
        return add_notice(site, rng)
    victim = rng.choice(candidates)
    victim.unlink()
    return f"deleted {victim.name}"


def edit_community(site: Path, rng: random.Random) -> str:
    profile = rng.choice(sorted((site / "content/communities").glob("*.yaml")))
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("name: ", "name: 新", 1), encoding="utf-8")
    return f"name in {profile.name}"


def edit_site_title(site: Path, rng: random.Random) -> str:
    config = site / "content/site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("title: ", "title: 新", 1), encoding="utf-8"
    )
    return "site title"


def edit_theme(site: Path, rng: random.Random) -> str:
    theme = site / "themes/jia/theme.yaml"
    theme.write_text(
        theme.read_text(encoding="utf-8").replace('"#b71c1c"', '"#a31515"'), encoding="utf-8"
    )
    return "campaign theme colour"


def edit_theme_template(site: Path, rng: random.Random) -> str:
    """A theme template of its own that shows more than the built-in ones do."""
    base = (REPO / "sitegen/default_theme/templates/base.html").read_text(encoding="utf-8")
    count = '<footer class="site-footer">\n<p>共{{ view.notices | length }}条通知</p>'
    template = site / "themes/jia/templates/base.html"
    template.parent.mkdir(exist_ok=True)
    template.write_text(base.replace('<footer class="site-footer">', count), encoding="utf-8")
    return "campaign theme's own base.html"


def edit_site_template(site: Path, rng: random.Random) -> str:
    """The site theme gets a template of its own, showing what the built-in one does not."""
    config = site / "content/site.yaml"
    text = config.read_text(encoding="utf-8")
    if "theme: own" not in text:
        config.write_text(text + "theme: own\n", encoding="utf-8")
        (site / "themes/own/templates").mkdir(parents=True, exist_ok=True)
        (site / "themes/own/theme.yaml").write_text(
            "name: 本站主题\nextends: default\n", encoding="utf-8"
        )
    notice = (REPO / "sitegen/default_theme/templates/notice.html").read_text(encoding="utf-8")
    shown = rng.choice(
        [
            "{{ view.expired | length }}条已过期",
            "现在{{ now.month }}月",
            "{{ view.live_campaigns | length }}项活动",
        ]
    )
    (site / "themes/own/templates/notice.html").write_text(
        notice.replace("{% block main %}", "{% block main %}<p>" + shown + "</p>", 1),
        encoding="utf-8",
    )
    return f"site theme's own notice.html showing {shown}"


def edit_campaign(site: Path, rng: random.Random) -> str:
    campaign = next((site / "content/campaigns").glob("*.md"))  # renamed, maybe
    text = campaign.read_text(encoding="utf-8")
    end = rng.choice(["2026-11-22", "2026-12-31", "2027-01-31"])
    text = "\n".join(
        f"end: {end}" if line.startswith("end:") else line for line in text.split("\n")
    )
    campaign.write_text(
        text.replace("slogans:\n", f"slogans:\n  - 口号{rng.randint(1, 99)}\n", 1), encoding="utf-8"
    )
    return f"campaign ends {end}, a new slogan"


def edit_page(site: Path, rng: random.Random) -> str:
    page = rng.choice(sorted((site / "content/pages").glob("*.md")))
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("title: ", "title: 新", 1) + "\n更新。\n", encoding="utf-8")
    return f"title and body of {page.name}"


def edit_asset(site: Path, rng: random.Random) -> str:
    asset = site / f"content/assets/表{rng.randint(1, 3)}.csv"
    with asset.open("a", encoding="utf-8") as stream:
        stream.write(f"行{rng.randint(1, 99)}\n")
    return f"asset {asset.name}"


def add_community(site: Path, rng: random.Random) -> str:
    path = site / "content/communities/xinhua.yaml"
    if path.exists():
        path.unlink()
        return "removed community xinhua"
    path.write_text(
        "name: 新华社区\nhouseholds: 1200\nboards:\n  - id: gate\n    location: 小区大门\n",
        encoding="utf-8",
    )
    return "added community xinhua"


def edit_poster(site: Path, rng: random.Random) -> str:
    """A notice's poster paper changed, or its `poster: false` taken away."""
    notice = rng.choice(sorted((site / "content/notices").glob("2026-11-1*.md")))
    text = notice.read_text(encoding="utf-8")
    front = text.split("\n---", 1)[0]
    if "\nposter: false" in front:
        notice.write_text(text.replace("\nposter: false", "", 1), encoding="utf-8")
        return f"{notice.name} gets a poster"
    if "\nposter:" in front:
        return edit_body(site, rng)
    notice.write_text(
        text.replace("\ntitle: ", "\nposter:\n  paper: A3\ntitle: ", 1), encoding="utf-8"
    )
    return f"{notice.name}: an A3 poster"


def _mend_links(site: Path, old_name: str, new_name: str) -> None:
    """Every Markdown link to a file called `old_name` made to name `new_name`, as staff
    mend the links after renaming a file."""
    pattern = re.compile(r"(\]\([^)\s]*?)" + re.escape(old_name) + r"(?=[)#])")
    for path in (site / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        mended = pattern.sub(lambda found: found.group(1) + new_name, text)
        if mended != text:
            path.write_text(mended, encoding="utf-8")


def _renamed(path: Path, rng: random.Random) -> Path:
    return path.with_name(f"{path.stem}-{rng.randint(1, 999)}{path.suffix}")


def rename_notice(site: Path, rng: random.Random) -> str:
    notice = rng.choice(sorted((site / "content/notices").glob("*.md")))
    new = _renamed(notice, rng)
    notice.rename(new)
    _mend_links(site, notice.name, new.name)
    return f"renamed {notice.name} to {new.name}"


def rename_page(site: Path, rng: random.Random) -> str:
    page = rng.choice(sorted((site / "content/pages").glob("*.md")))
    new = _renamed(page, rng)
    page.rename(new)
    _mend_links(site, page.name, new.name)
    return f"renamed page {page.name} to {new.name}"


def rename_asset(site: Path, rng: random.Random) -> str:
    asset = rng.choice(sorted((site / "content/assets").glob("*.svg")))
    new = _renamed(asset, rng)
    asset.rename(new)
    _mend_links(site, asset.name, new.name)
    return f"renamed asset {asset.name} to {new.name}"


def _rename_everywhere(site: Path, pattern: str, old: str, new: str) -> None:
    """`old` made `new` in every line of content/ that `pattern` (a regular expression
    with {slug}) finds: the references to a renamed campaign or community."""
    found = re.compile(pattern.format(slug=re.escape(old)))
    for path in [*(site / "content").rglob("*.md"), *(site / "content").rglob("*.yaml")]:
        text = path.read_text(encoding="utf-8")
        mended = found.sub(lambda match: match.group(0).replace(old, new), text)
        if mended != text:
            path.write_text(mended, encoding="utf-8")


def rename_campaign(site: Path, rng: random.Random) -> str:
    campaign = next((site / "content/campaigns").glob("*.md"))
    new = _renamed(campaign, rng)
    campaign.rename(new)
    _mend_links(site, campaign.name, new.name)
    _rename_everywhere(site, r"(?m)^campaign: {slug}$", campaign.stem, new.stem)
    return f"renamed campaign {campaign.stem} to {new.stem}"


def rename_community(site: Path, rng: random.Random) -> str:
    profile = rng.choice(sorted((site / "content/communities").glob("*.yaml")))
    new = profile.with_name(f"{profile.stem}x{rng.randint(1, 99)}.yaml")
    profile.rename(new)
    _rename_everywhere(site, r"(?m)^(communities: .*|board: ){slug}\b.*$", profile.stem, new.stem)
    _rename_everywhere(site, r"\b{slug}(?=[,\]/])", profile.stem, new.stem)
    return f"renamed community {profile.stem} to {new.stem}"


def rename_theme_file(site: Path, rng: random.Random) -> str:
    """The campaign theme's logo renamed, and theme.yaml told."""
    static = site / "themes/jia/static"
    logo = next(static.glob("logo*.svg"))
    new = _renamed(logo, rng)
    logo.rename(new)
    theme = site / "themes/jia/theme.yaml"
    theme.write_text(theme.read_text("utf-8").replace(logo.name, new.name), encoding="utf-8")
    return f"renamed the campaign theme's {logo.name} to {new.name}"


EDITS = [
    rename_notice,
    rename_page,
    rename_asset,
    rename_campaign,
    rename_community,
    rename_theme_file,
    edit_title,
    edit_body,
    add_notice,
    delete_notice,
    edit_community,
    add_community,
    edit_site_title,
    edit_theme,
    edit_campaign,
    edit_page,
    edit_asset,
    edit_site_template,
]
PRINT_EDITS = [
    edit_title,
    edit_body,
    edit_poster,
    edit_community,
    add_community,
    edit_campaign,
    rename_notice,
    rename_community,
]
TEMPLATE_ROUND = 4  # from this round on, pages of the campaign theme use its own base.html


def build_both(
    site: Path, clean: Path, args: list[str], what: str, env: dict | None = None
) -> None:
    """Build incrementally into site/output and from nothing into `clean`: the same files."""
    built = run_sitegen("build", str(site), *args, env=env)
    assert built.returncode == 0, f"{what}: {built.stderr}"
    shutil.rmtree(clean, ignore_errors=True)
    fresh = run_sitegen("build", str(site), "--out", str(clean), *args, "--no-cache", env=env)
    assert fresh.returncode == 0, fresh.stderr
    mine, theirs = files(site / "output"), files(clean)
    assert sorted(mine) == sorted(theirs), f"{what}: different files"
    differing = [name for name in mine if mine[name] != theirs[name]]
    assert differing == [], f"{what}: {differing[:5]}"


def scratch_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for name in ("content", "themes"):
        shutil.copytree(REPO / name, site / name)
    return site


def upgrade_library(libraries: Path, rng: random.Random) -> str:
    """A library upgraded, as pip leaves it: a new version in its .dist-info's name."""
    for old in libraries.glob("*.dist-info"):
        old.rename(libraries / f"example_library-{rng.randint(1, 9999)}.dist-info")
        return "a library upgraded"
    (libraries / "example_library-1.dist-info").mkdir(parents=True)
    return "a library installed"


def later_in_the_window(now: str) -> str:
    """A moment an hour after `now`: mostly inside the stretch in which nothing turns."""
    return (datetime.fromisoformat(now) + timedelta(hours=1)).isoformat()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [20261127, 7, 2036])
def test_random_edits_build_the_same_as_a_clean_build(tmp_path: Path, seed: int) -> None:
    site = scratch_site(tmp_path)
    rng = random.Random(seed)
    libraries = tmp_path / "libraries"
    libraries.mkdir()
    env = {"PYTHONPATH": f"{libraries}{os.pathsep}{REPO}"}
    first = run_sitegen("build", str(site), "--now", NOW, "--no-print", env=env)
    assert first.returncode == 0, first.stderr
    for round_number in range(1, ROUNDS + 1):
        if round_number == TEMPLATE_ROUND:
            what = edit_theme_template(site, rng)
        elif rng.random() < 0.08:
            what = upgrade_library(libraries, rng)
        else:
            what = rng.choice(EDITS)(site, rng)
        now = rng.choice(MOMENTS)  # time is an input too: notices expire between rounds
        flags = rng.choice(FLAGS)
        args = ["--now", now, "--no-print", *flags]
        when = f"seed {seed} round {round_number}"
        build_both(site, tmp_path / "clean", args, f"{when} ({what}, {args})", env)
        if rng.random() < 0.3:  # built again, nothing edited, an hour later
            args = ["--now", later_in_the_window(now), "--no-print", *flags]
            build_both(site, tmp_path / "clean", args, f"{when}, an hour on ({args})", env)


@pytest.mark.slow
@pytest.mark.print
@pytest.mark.parametrize("seed", [1127, 2027])
def test_random_edits_with_print_build_the_same_as_a_clean_build(tmp_path: Path, seed: int) -> None:
    """Posters, board packs, banners and leaflets too, byte for byte."""
    site = scratch_site(tmp_path)
    rng = random.Random(seed)
    first = run_sitegen("build", str(site), "--now", NOW)
    assert first.returncode == 0, first.stderr
    for round_number in range(1, PRINT_ROUNDS + 1):
        what = rng.choice(PRINT_EDITS)(site, rng)
        args = ["--now", rng.choice(MOMENTS), *rng.choice(FLAGS)]
        build_both(
            site, tmp_path / "clean", args, f"seed {seed} round {round_number} ({what}, {args})"
        )
    assert any(name.endswith(".pdf") for name in files(site / "output"))


# --- the edits that once left a stale output behind, each a fixed case ----------------------------


def rename(site: Path, old: str, new: str) -> None:
    (site / old).rename(site / new)


def test_a_menu_page_renamed_is_linked_by_its_new_address_everywhere(tmp_path: Path) -> None:
    site = scratch_site(tmp_path)
    args = ["--now", NOW, "--no-print"]
    assert run_sitegen("build", str(site), *args).returncode == 0
    rename(site, "content/pages/about.md", "content/pages/guanyu.md")
    build_both(site, tmp_path / "clean", args, "about.md renamed guanyu.md")
    home = (site / "output/index.html").read_text("utf-8")
    assert "guanyu/" in home and "about/" not in home


def test_a_notice_renamed_is_listed_by_its_new_address(tmp_path: Path) -> None:
    site = scratch_site(tmp_path)
    args = ["--now", NOW, "--no-print"]
    assert run_sitegen("build", str(site), *args).returncode == 0
    rename(
        site,
        "content/notices/2026-09-20-national-day-performance.md",
        "content/notices/2026-09-20-guoqing-yanchu.md",
    )
    build_both(site, tmp_path / "clean", args, "a notice renamed")


def test_a_theme_showing_the_month_is_rebuilt_when_the_month_turns(tmp_path: Path) -> None:
    """Nothing edited and no notice changing state between two builds three months
    apart: the pages of a theme that shows `now` still follow the month."""
    site = scratch_site(tmp_path)
    edit_site_template(site, _Showing("现在{{ now.month }}月"))
    assert run_sitegen("build", str(site), "--now", "2027-03-05", "--no-print").returncode == 0
    build_both(site, tmp_path / "clean", ["--now", "2027-06-05", "--no-print"], "three months on")
    page = next((site / "output/notices").glob("*/index.html")).read_text("utf-8")
    assert "现在6月" in page
    # and within the month nothing is made again
    again = run_sitegen("build", str(site), "--now", "2027-06-20", "--no-print")
    assert "nothing changed" in again.stdout, again.stdout


class _Showing(random.Random):
    """A random source whose every choice is `shown` (edit_site_template's text)."""

    def __init__(self, shown: str) -> None:
        super().__init__(0)
        self.shown = shown

    def choice(self, options):
        return self.shown


@pytest.mark.print
def test_an_upgraded_print_library_makes_the_pdfs_again(tmp_path: Path, make_site) -> None:
    """WeasyPrint upgraded as pip leaves it (its files changed, and its version in the
    name of its .dist-info folder; here a copy of it, first on the path, whose default
    style sheet changed) makes every PDF again."""
    import weasyprint

    libraries = tmp_path / "libraries"
    shutil.copytree(Path(weasyprint.__file__).parent, libraries / "weasyprint")
    (libraries / "weasyprint-70.0.dist-info").mkdir()
    env = {"PYTHONPATH": f"{libraries}:{REPO}"}
    site = make_site()  # a poster, a board pack and the posting list
    args = ["--now", NOW]
    first = run_sitegen("build", str(site), *args, env=env)
    assert first.returncode == 0, first.stderr
    sheet = libraries / "weasyprint/css/html5_ua.css"
    sheet.write_text(sheet.read_text("utf-8") + "\nbody { letter-spacing: 0.5pt }\n", "utf-8")
    (libraries / "weasyprint-70.0.dist-info").rename(libraries / "weasyprint-70.1.dist-info")
    again = run_sitegen("build", str(site), *args, env=env)
    assert again.returncode == 0, again.stderr
    assert "0 from cache" in again.stdout, again.stdout
    fresh = run_sitegen(
        "build", str(site), "--out", str(tmp_path / "clean"), *args, "--no-cache", env=env
    )
    assert fresh.returncode == 0, fresh.stderr
    mine, theirs = files(site / "output"), files(tmp_path / "clean")
    assert sorted(mine) == sorted(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []


FINGERPRINTS = """
from sitegen.incremental.code_version import PAGES, PARSE, PRINT, fingerprint
print(fingerprint(PARSE), fingerprint(PAGES), fingerprint(PRINT))
"""


@pytest.mark.print
def test_each_kind_of_output_is_keyed_by_the_code_that_makes_it(tmp_path: Path, make_site) -> None:
    """Found from the import graph: a print module's change is in the PDFs' keys only, a
    page module's in the pages' only, the Markdown converter's in both (they show the
    bodies it makes). Then a build after a change to print code lays out every PDF."""
    import subprocess
    import sys

    code = tmp_path / "code"
    shutil.copytree(
        REPO / "sitegen", code / "sitegen", ignore=shutil.ignore_patterns("__pycache__")
    )

    def fingerprints() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", FINGERPRINTS], env={"PYTHONPATH": str(code)}, cwd=tmp_path,
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout.split()

    def touch(module: str) -> None:
        path = code / "sitegen" / module
        path.write_text(path.read_text("utf-8") + "\n# changed\n", encoding="utf-8")

    parse, pages, printing = fingerprints()
    touch("outputs/printing/pdfx.py")
    after = fingerprints()
    assert after[:2] == [parse, pages] and after[2] != printing
    touch("outputs/feeds.py")
    again = fingerprints()
    assert again[0] == parse and again[1] != pages and again[2] == after[2]
    touch("content/markup.py")
    last = fingerprints()
    assert all(new != old for new, old in zip(last, again, strict=True))

    site = make_site()
    env = {"PYTHONPATH": str(code)}  # run from tmp_path: not the checkout's own sitegen
    assert run_sitegen("build", str(site), "--now", NOW, env=env, cwd=tmp_path).returncode == 0
    touch("outputs/printing/verify.py")
    rebuilt = run_sitegen("build", str(site), "--now", NOW, env=env, cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert " 0 from cache" in rebuilt.stdout, rebuilt.stdout


def test_a_site_with_nothing_published_yet_dates_its_feed_by_each_build(make_site) -> None:
    """Its feed's date is the build's own: two builds a day apart differ there."""
    site = make_site(
        {
            "content/notices/2026-11-18-停水通知.md": "---\ntitle: 停水通知\ndate: 2026-12-01\n---\n停水。\n"
        }
    )
    clean = site.parent / "clean"
    assert run_sitegen("build", str(site), "--now", "2026-11-20", "--no-print").returncode == 0
    build_both(site, clean, ["--now", "2026-11-21", "--no-print"], "a day later")
    assert "2026-11-20T16:00:00Z" in (site / "output/feed.xml").read_text("utf-8")


@pytest.mark.print
def test_a_poster_made_on_demand_is_gone_after_the_next_build(make_site) -> None:
    """`sitegen print --notice` puts a poster the build does not make; the next build, at
    another moment, removes it, as a clean build would not have it."""
    site = make_site(
        {
            "content/notices/2026-11-01-旧通知.md": "---\ntitle: 旧通知\ndate: 2026-11-01\n"
            "expires: 2026-12-31\ncommunities: [huashan]\n---\n正文。\n"
        }
    )
    assert run_sitegen("build", str(site), "--now", NOW).returncode == 0
    made = run_sitegen("print", str(site), "--now", NOW, "--notice", "2026-11-01-旧通知.md")
    assert made.returncode == 0, made.stderr
    poster = site / "output/print/posters/2026-11-01-jiu-tong-zhi.pdf"
    assert poster.is_file()
    later = (datetime.fromisoformat(NOW) + timedelta(minutes=5)).isoformat()
    build_both(site, site.parent / "clean", ["--now", later], "five minutes on")
    assert not poster.exists()
