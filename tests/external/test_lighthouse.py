"""Lighthouse's accessibility score (npm lighthouse driving Debian's chromium, a phone's
screen) on the home page, a notice, a community page, the campaign page and the search
page showing results, over HTTP under a sub-path: at least 95 each."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from .conftest import CHROMIUM_ARGS, SiteServer

MINIMUM = 95


@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "notices/2026-11-18-water-outage/index.html",
        "communities/huashan/index.html",
        "campaigns/jia/index.html",
        "search/index.html?q=%E5%81%9C%E6%B0%B4",
    ],
)
def test_lighthouse_accessibility(
    page: str,
    lighthouse_bin: Path,
    chromium_bin: str,
    site_server: SiteServer,
    built_site: Path,
    tmp_path: Path,
) -> None:
    path, _, query = page.partition("?")
    assert (built_site / path).is_file(), f"the example has no {path}"
    url = site_server.url_for(built_site / path) + (f"?{query}" if query else "")
    report = tmp_path / "report.json"
    flags = " ".join([*CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'profile'}"])
    # Chromium makes its singleton socket under TMPDIR, and a socket's path may be
    # at most 107 bytes: tmp_path, under a long TMPDIR, can be longer ("Unable to
    # connect to Chrome"). A short folder of its own, removed afterwards.
    with tempfile.TemporaryDirectory(prefix="lh-", dir="/tmp") as chromium_tmp:
        proc = subprocess.run(
            [
                str(lighthouse_bin),
                url,
                "--only-categories=accessibility",
                "--form-factor=mobile",
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--chrome-flags={flags}",
            ],
            env={**os.environ, "CHROME_PATH": chromium_bin, "TMPDIR": chromium_tmp},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    assert proc.returncode == 0 and report.is_file(), proc.stderr[-3000:]
    result = json.loads(report.read_text("utf-8"))
    score = round(result["categories"]["accessibility"]["score"] * 100)
    failing = [
        f"{name}: {audit['title']}"
        for name, audit in result["audits"].items()
        if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0
    ]
    print(f"Lighthouse accessibility {score} on {page}")
    assert score >= MINIMUM, f"{score} on {page}: " + "; ".join(failing)
