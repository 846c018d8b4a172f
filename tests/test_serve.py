"""`sitegen serve` in a real browser: an edit shows up by itself, a broken edit shows
its error on the page, and fixing it brings the page back."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, serving_address

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOTICE = "content/notices/2026-11-18-water-outage.md"


@pytest.fixture
def served(tmp_path: Path):
    """The example site copied to a scratch folder and served under a sub-path."""
    site = tmp_path / "site"
    for name in ("content", "themes"):
        shutil.copytree(REPO / name, site / name)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sitegen",
            "serve",
            str(site),
            "--port",
            "0",
            "--base-path",
            "/community/",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        yield site, serving_address(process, "/community/")
    finally:
        process.terminate()
        process.wait(timeout=10)


def chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        pytest.fail("Debian's chromium is missing: run scripts/test, which installs it")
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edits_reload_open_pages_and_errors_show_on_the_page(served, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    site, address = served
    notice = site / NOTICE
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=chromium(), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = context.new_page()
            page.goto(address + "notices/2026-11-18-water-outage/index.html")
            heading = page.locator("main h1")
            expect(heading).to_contain_text("临时停水的通知")
            page.wait_for_function(
                "() => window.performance.getEntriesByType('resource').length >= 0"
            )
            time.sleep(0.5)  # let the page's event stream connect

            saved = time.monotonic()
            edit(notice, "title: 关于11月22日", "title: 【已更新】关于11月22日")
            expect(heading).to_contain_text("【已更新】", timeout=10_000)
            print(f"save to new title in the browser: {time.monotonic() - saved:.2f} s")

            edit(notice, "\nexpires:", "\nexpire:")
            banner = page.locator("#sitegen-errors")
            expect(banner).to_contain_text("unknown key `expire`", timeout=10_000)
            expect(banner).to_contain_text("did you mean `expires`?")
            expect(heading).to_contain_text("【已更新】")  # the last good page is still there

            edit(notice, "\nexpire:", "\nexpires:")
            expect(banner).to_have_count(0, timeout=10_000)
            expect(heading).to_contain_text("【已更新】")
        finally:
            context.close()


def test_the_reload_script_is_never_written_to_disk(served) -> None:
    import urllib.request

    site, address = served
    with urllib.request.urlopen(address + "index.html") as response:
        assert "__sitegen/events" in response.read().decode("utf-8")
    written = [
        p for p in site.rglob("*.html") if "__sitegen/events" in p.read_text(encoding="utf-8")
    ]
    assert written == []
    assert not (site / "output").exists(), "the preview (with drafts) must not go to output/"


def test_a_busy_port_moves_to_the_next_one_and_says_so(served) -> None:
    site, address = served
    port = int(re.search(r":(\d+)/", address).group(1))
    second = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", str(site), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        lines = []
        while not any("serving" in line for line in lines):
            line = second.stderr.readline()
            assert line, "".join(lines)
            lines.append(line)
        assert f"port {port} is busy, so the preview uses port {port + 1}" in "".join(lines)
    finally:
        second.terminate()
        second.wait(timeout=10)
