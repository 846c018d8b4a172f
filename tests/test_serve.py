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
        said = "".join(lines)
        moved = re.search(rf"port {port} is busy, so the preview uses port (\d+)", said)
        assert moved, said  # the next free one: usually port + 1, unless that is taken too
        assert int(moved.group(1)) > port and f"127.0.0.1:{moved.group(1)}/" in said
    finally:
        second.terminate()
        second.wait(timeout=10)


def _get(address: str, host: str | None) -> int:
    """The status of GET `address` sent with the Host header `host` (None: none at all)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("GET", parts.path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        reply = connection.getresponse()
        reply.read()
        return reply.status
    finally:
        connection.close()


def test_the_preview_answers_only_requests_addressed_to_this_machine(served) -> None:
    """A page of another site, reaching 127.0.0.1 through the browser by DNS rebinding,
    still names its own host: it is refused, and the drafts stay unread."""
    _site, address = served
    port = int(address.split(":")[2].split("/")[0])
    assert _get(address, f"127.0.0.1:{port}") == 200
    assert _get(address, f"localhost:{port}") == 200
    assert _get(address, f"LOCALHOST:{port}") == 200
    for hostile in (
        f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", "127.0.0.1",
        f"127.0.0.1.evil.example:{port}", f"[::1]x:{port}", "", None,
    ):  # fmt: skip
        assert _get(address, hostile) == 421, hostile
    assert _get(address + "__sitegen/events", f"evil.example:{port}") == 421


def interface_address() -> str:
    """An IPv4 address of this machine's other than loopback (the one its default route
    leaves from; nothing is sent)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("203.0.113.1", 9))
        except OSError:
            pytest.fail("this machine has no network interface but loopback to test with")
        return probe.getsockname()[0]


def test_listening_on_the_network_answers_its_interface_addresses_and_host_name() -> None:
    """With --host 0.0.0.0 (checked here without listening there: tests bind 127.0.0.1
    only), this machine's own addresses and name at the port are answered too."""
    import socket

    from sitegen.hostcheck import HostCheck

    own = interface_address()
    assert own != "127.0.0.1"
    network, local = HostCheck("0.0.0.0", 8123), HostCheck("127.0.0.1", 8123)
    for host in (own, socket.gethostname(), "127.0.0.1", "localhost"):
        assert network.allows(f"{host}:8123"), host
        assert not network.allows(f"{host}:8124"), host
    assert local.allows("127.0.0.1:8123") and not local.allows(f"{own}:8123")
    assert not local.allows(f"{socket.gethostname()}:8123") or socket.gethostname() == "localhost"
    for hostile in ("evil.example:8123", "0.0.0.0:8123", "192.0.2.254:8123", "224.0.0.1:8123"):
        assert not network.allows(hostile), hostile
