"""Fixtures for the external validators.

The example site (the repository root: content/ and themes/) is built once per
session at a fixed "now" into a temporary folder, and the validators (Nu Html
Checker, axe-core, the sitemaps.org schema, headless Chromium) are located.
A missing tool is a failure, never a skip: these checks are acceptance criteria,
and `scripts/test` installs every one of them.
"""

from __future__ import annotations

import datetime as dt
import http.server
import os
import shutil
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOLS = REPO_ROOT / ".tools" / "node_modules"
NOW = "2026-11-20T10:00:00+08:00"
URL_PREFIX = "/community/"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RUN_SCRIPTS_TEST = "run `bash scripts/test` once: it installs every validator"


def needs_tools(*names: str):
    """An autouse fixture failing each test of a module when a tool it checks with is missing."""

    @pytest.fixture(autouse=True)
    def tools_present() -> None:
        missing = [name for name in names if not shutil.which(name)]
        if missing:
            pytest.fail(f"{', '.join(missing)} missing; {RUN_SCRIPTS_TEST}", pytrace=False)

    return tools_present


def _require_file(path: Path, what: str) -> Path:
    if not path.is_file():
        pytest.fail(f"{what} not found at {path}; {RUN_SCRIPTS_TEST}", pytrace=False)
    return path


# --------------------------------------------------------------------------- build


@pytest.fixture(scope="session")
def now() -> dt.datetime:
    return dt.datetime.fromisoformat(NOW)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the example site once, at the fixed now, and return the output folder."""
    out = tmp_path_factory.mktemp("external-site") / "output"
    cmd = [
        sys.executable,
        "-m",
        "sitegen",
        "build",
        str(REPO_ROOT),
        "--out",
        str(out),
        "--now",
        NOW,
    ]
    try:
        proc = subprocess.run(
            cmd,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=900,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`{' '.join(cmd)}` did not finish in 900 s", pytrace=False)
    if proc.returncode != 0:
        pytest.fail(
            f"building the example site failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}",
            pytrace=False,
        )
    if not (out / "index.html").is_file():
        pytest.fail(f"the build exited 0 but wrote no {out / 'index.html'}", pytrace=False)
    return out


@pytest.fixture(scope="session")
def html_files(built_site: Path) -> list[Path]:
    files = sorted(p for p in built_site.rglob("*.html") if p.is_file())
    assert files, f"no HTML file in {built_site}"
    return files


# --------------------------------------------------------------------------- content


@pytest.fixture(scope="session")
def site_config() -> dict:
    data = yaml.safe_load(read_text(REPO_ROOT / "content" / "site.yaml")) or {}
    assert isinstance(data, dict), "content/site.yaml is not a map"
    return data


@pytest.fixture(scope="session")
def base_url(site_config: dict) -> str:
    url = str(site_config.get("base_url", ""))
    assert url.startswith(("http://", "https://")), f"content/site.yaml base_url {url!r}"
    return url


def read_text(path: Path) -> str:
    """Read a source file the way the contract says: UTF-8 (BOM or not), else GB18030."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, source: Path) -> dict:
    """Front matter between two `---` lines, read with every scalar kept as text."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise AssertionError(f"{source}: no front matter (first line is not ---)")
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            # BaseLoader: scalars stay strings, as YAML 1.2 with typed fields reads them.
            data = yaml.load("\n".join(lines[1:i]), Loader=yaml.BaseLoader) or {}
            if not isinstance(data, dict):
                raise AssertionError(f"{source}: front matter is not a map")
            return data
    raise AssertionError(f"{source}: front matter has no closing ---")


def parse_when(value: str, tz: ZoneInfo, *, end_of_day: bool) -> dt.datetime:
    """A contract date: `2026-11-20`, `2026-11-20 09:00` or ISO 8601, in the site zone."""
    text = value.strip()
    if len(text) == 10:
        day = dt.date.fromisoformat(text)
        if end_of_day:
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(), tzinfo=tz)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = dt.datetime.fromisoformat(text.replace("t", "T"))
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


@dataclass(frozen=True)
class NoticeSource:
    path: Path
    title: str
    draft: bool
    scheduled: bool
    expired: bool

    @property
    def hidden_reason(self) -> str | None:
        if self.draft:
            return "draft"
        if self.scheduled:
            return "scheduled"
        if self.expired:
            return "expired"
        return None


@pytest.fixture(scope="session")
def notice_sources(site_config: dict, now: dt.datetime) -> list[NoticeSource]:
    """Every notice of content/notices/*.md with its state at the fixed now."""
    tz = ZoneInfo(str(site_config.get("timezone") or "Asia/Shanghai"))
    notices = []
    paths = sorted((REPO_ROOT / "content" / "notices").glob("*.md"))
    assert paths, "content/notices/*.md: no notice in the example site"
    for path in paths:
        meta = split_front_matter(read_text(path), path)
        title = str(meta.get("title", "")).strip()
        assert title, f"{path}: no title"
        draft = str(meta.get("draft", "false")).strip().lower() in ("true", "yes", "on")
        date = meta.get("date")
        assert isinstance(date, str), f"{path}: no date"
        scheduled = parse_when(date, tz, end_of_day=False) > now
        expires = meta.get("expires")
        expired = (
            isinstance(expires, str)
            and bool(expires.strip())
            and (parse_when(expires, tz, end_of_day=True) < now)
        )
        notices.append(NoticeSource(path, title, draft, scheduled, expired))
    return notices


@pytest.fixture(scope="session")
def hidden_notices(notice_sources: list[NoticeSource]) -> dict[str, str]:
    """Title -> reason ("draft", "scheduled", "expired") for notices kept out of feeds."""
    return {n.title: n.hidden_reason for n in notice_sources if n.hidden_reason}


# --------------------------------------------------------------------------- tools


@pytest.fixture(scope="session")
def java_bin() -> str:
    java = shutil.which("java")
    if not java:
        pytest.fail(
            f"no `java` on PATH (needed by the Nu Html Checker); {RUN_SCRIPTS_TEST}", pytrace=False
        )
    return java


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    return _require_file(
        TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar", "the Nu Html Checker (npm vnu-jar)"
    )


@pytest.fixture(scope="session")
def axe_js() -> Path:
    return _require_file(TOOLS / "axe-core" / "axe.min.js", "axe-core (npm axe-core)")


@pytest.fixture(scope="session")
def lighthouse_bin() -> Path:
    return _require_file(TOOLS / ".bin" / "lighthouse", "Lighthouse (npm lighthouse)")


@pytest.fixture(scope="session")
def sitemap_xsd() -> Path:
    """The sitemaps.org 0.9 schema shipped by the npm package `sitemap`."""
    return _require_file(
        TOOLS / "sitemap" / "schema" / "sitemap.xsd", "the sitemaps.org 0.9 XSD (npm sitemap)"
    )


@pytest.fixture(scope="session")
def chromium_bin() -> str:
    for candidate in (
        os.environ.get("SITEGEN_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail(
        f"Debian's chromium (/usr/bin/chromium) is missing; {RUN_SCRIPTS_TEST}", pytrace=False
    )


# --------------------------------------------------------------------------- HTTP


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder under URL_PREFIX only; everything else is 404."""

    def translate_path(self, path: str) -> str:
        url_path = urllib.parse.urlsplit(path).path
        if not url_path.startswith(URL_PREFIX):
            return ""
        return super().translate_path("/" + url_path[len(URL_PREFIX) :])

    def send_head(self):  # type: ignore[override]
        if not urllib.parse.urlsplit(self.path).path.startswith(URL_PREFIX):
            self.send_error(404, f"outside {URL_PREFIX}")
            return None
        return super().send_head()

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class SiteServer:
    root: str  # e.g. http://127.0.0.1:PORT/community/
    host: str
    port: int
    folder: Path

    def url_for(self, path: Path) -> str:
        rel = path.relative_to(self.folder).as_posix()
        return self.root + urllib.parse.quote(rel)


@pytest.fixture(scope="session")
def site_server(built_site: Path) -> Iterator[SiteServer]:
    handler = partial(_SubPathHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield SiteServer(f"http://{host}:{port}{URL_PREFIX}", str(host), int(port), built_site)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# Module scope: the browser (and Playwright's event loop) is gone before other test
# files start their own.
@pytest.fixture(scope="module")
def browser_context(chromium_bin: str, tmp_path_factory: pytest.TempPathFactory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_bin,
            args=CHROMIUM_ARGS,
            headless=True,
            locale="zh-CN",
            viewport={"width": 390, "height": 844},
        )
        try:
            yield context
        finally:
            context.close()
