"""A build killed at any moment (kill -9, a power cut) leaves output/ whole.

On a 700-notice site, a rebuild that changes every page is killed at moments
spread over its run, most of them late, when the output is being replaced.
After each kill every page of output/ must be old or new, all of them alike,
with none missing; the next build removes what the killed one left and equals
a clean build.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import NOW, REPO

pytestmark = pytest.mark.skipif(os.name == "nt", reason="kill -9 is POSIX")

TITLE = re.compile(r"<title>[^<]*?(第[0-9]+版)</title>")


def sitegen(site: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sitegen", "build", str(site), "--now", NOW, "--no-print", *args],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def set_edition(site: Path, edition: int) -> None:
    """Change the site's title, which every page shows."""
    settings = site / "content/site.yaml"
    text = re.sub(
        r"(?m)^title: .*$", f"title: 清溪县社区通知 第{edition}版", settings.read_text("utf-8")
    )
    settings.write_text(text, encoding="utf-8")


def editions(out: Path) -> tuple[set[str], set[str]]:
    """The pages of `out`, and the editions of the site title they show."""
    pages, seen = set(), set()
    for page in out.rglob("*.html"):
        pages.add(page.relative_to(out).as_posix())
        found = TITLE.search(page.read_text(encoding="utf-8"))
        seen.add(found.group(1) if found else f"no title in {page}")
    return pages, seen


def contents(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one(tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks/make_corpus.py"), "-n", "700", "--out", str(site)],
        check=True,
        capture_output=True,
    )
    set_edition(site, 0)
    assert sitegen(site).wait(timeout=300) == 0
    out = site / "output"
    all_pages, _ = editions(out)
    assert len(all_pages) > 1000

    set_edition(site, 1)
    started = time.monotonic()
    assert sitegen(site).wait(timeout=300) == 0
    rebuild = time.monotonic() - started

    edition = 1
    for fraction in (0.4, 0.7, 0.8, 0.85, 0.9, 0.93, 0.96, 1.0):
        edition += 1
        set_edition(site, edition)
        process = sitegen(site)
        time.sleep(rebuild * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        pages, seen = editions(out)
        assert pages == all_pages, f"killed at {fraction:.0%}: pages missing or extra"
        assert len(seen) == 1 and seen <= {f"第{edition - 1}版", f"第{edition}版"}, (
            f"killed at {fraction:.0%} of the rebuild, output/ mixes {sorted(seen)}"
        )
        if seen == {f"第{edition - 1}版"}:
            # The killed build never committed: run it again so the next one changes pages.
            assert sitegen(site).wait(timeout=300) == 0

    finished = sitegen(site)
    assert finished.wait(timeout=300) == 0, finished.stderr.read().decode()
    assert "Traceback" not in finished.stderr.read().decode()
    assert not list(site.glob(".output.staging-*")), "the killed builds' staging folders are left"
    clean = site / "clean"
    assert sitegen(site, "--out", str(clean), "--no-cache").wait(timeout=300) == 0
    assert contents(out) == contents(clean)
