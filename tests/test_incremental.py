"""Incremental builds (parse cache, writing only changes) give exactly what a clean build gives.

A scratch copy of the example site takes a series of random edits of the kinds
staff make; after each, the incremental build and a clean `--no-cache` build into
another folder must agree file by file."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from conftest import NOW, REPO, run_sitegen

ROUNDS = 12
MOMENTS = (NOW, "2026-11-23T10:00:00+08:00", "2026-12-20T10:00:00+08:00")


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
    path.write_text(
        f"---\ntitle: 新通知{number}\ndate: 2026-11-19 10:00\ncategory: 通知\ntags: [新标签{number % 3}]\n"
        "communities: [longchi]\n---\n各位居民：详见[停水通知](2026-11-18-water-outage.md)。\n",
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


EDITS = [
    edit_title,
    edit_body,
    add_notice,
    delete_notice,
    edit_community,
    edit_site_title,
    edit_theme,
]
TEMPLATE_ROUND = 4  # from this round on, pages of the campaign theme use its own base.html


def test_random_edits_build_the_same_as_a_clean_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name in ("content", "themes"):
        shutil.copytree(REPO / name, site / name)
    rng = random.Random(20261127)
    incremental, clean = site / "output", tmp_path / "clean"
    first = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert first.returncode == 0, first.stderr
    for round_number in range(1, ROUNDS + 1):
        edit = edit_theme_template if round_number == TEMPLATE_ROUND else rng.choice(EDITS)
        what = edit(site, rng)
        now = rng.choice(MOMENTS)  # time is an input too: notices expire between rounds
        built = run_sitegen("build", str(site), "--now", now, "--no-print")
        assert built.returncode == 0, f"round {round_number} ({what}): {built.stderr}"
        shutil.rmtree(clean, ignore_errors=True)
        fresh = run_sitegen(
            "build", str(site), "--out", str(clean), "--now", now, "--no-print", "--no-cache"
        )
        assert fresh.returncode == 0, fresh.stderr
        mine, theirs = files(incremental), files(clean)
        assert sorted(mine) == sorted(theirs), f"round {round_number} ({what}): different files"
        differing = [name for name in mine if mine[name] != theirs[name]]
        assert differing == [], f"round {round_number} ({what}): {differing[:5]}"
