"""A run leaves nothing behind: no files in the system's temporary folder, no workers.

Every command runs with TMPDIR pointing at a folder of the test's own, which must
be empty afterwards. Print is where files were left before: WeasyPrint copies
each @font-face font into a temporary folder per layout and removed it only when
collected, which a paused collector and `os._exit` never did (27 folders, 300 MB,
for a new site's first build). Now a run keeps its temporary files under
`.sitegen-cache/tmp/` and removes them; a run killed with SIGKILL leaves its
folder there, and the next run removes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import NOW, REPO, serving_address, write_site

CAMPAIGN_SITE = {
    "content/site.yaml": """\
        title: 测试县社区办
        base_url: https://example.org/sq/
        issuer: 测试县社区建设办公室
        """,
    "content/communities/longchi.yaml": """\
        name: 龙池社区
        boards:
          - id: b1
            location: 社区服务中心门口
            paper: A4
            slots: 4
        """,
    "content/campaigns/jia.md": """\
        ---
        title: 社区是个家
        slogans: [社区是个家，我们都爱她, 邻里守望一家亲]
        start: 2026-11-01
        end: 2026-12-31
        ---
        # 宣传提纲

        一、活动目的。
        """,
    "content/notices/2026-11-18-停水通知.md": """\
        ---
        title: 关于临时停水的通知
        date: 2026-11-18 09:00
        expires: 2026-11-25
        communities: [longchi]
        campaign: jia
        ---
        因管道维修，11月19日 9:30 至 17:00 停水。
        """,
    "content/notices/2026-11-19-防火.md": """\
        ---
        title: 关于冬季防火的通知
        date: 2026-11-19 09:00
        ---
        冬季天干物燥，请注意用火安全。
        """,
}


def sitegen(*args: str, tmpdir: Path, **popen) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmpdir)}
    return subprocess.Popen([sys.executable, "-m", "sitegen", *args], env=env, **popen)


def run(*args: str, tmpdir: Path) -> None:
    process = sitegen(*args, tmpdir=tmpdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()


def left_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def run_folders(site: Path) -> list[str]:
    return sorted(p.name for p in (site / ".sitegen-cache" / "tmp").glob("run-*"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", CAMPAIGN_SITE)


@pytest.fixture
def tmpdir_(tmp_path: Path) -> Path:
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    return folder


def test_build_print_and_check_leave_the_temporary_folder_empty(site: Path, tmpdir_: Path) -> None:
    run("build", str(site), "--now", NOW, tmpdir=tmpdir_)
    assert (site / "output" / "print" / "banners" / "jia-1.pdf").is_file()
    run("print", str(site), "--now", NOW, "--no-cache", tmpdir=tmpdir_)
    run("check", str(site), "--now", NOW, tmpdir=tmpdir_)
    assert left_in(tmpdir_) == []
    assert run_folders(site) == []


def test_spawned_workers_make_the_same_site_and_leave_nothing(
    site: Path, tmpdir_: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where workers are spawned, not forked (Windows, macOS), a build with print
    makes the same files, byte for byte, and leaves nothing behind."""
    run("build", str(site), "--now", NOW, "--no-cache", tmpdir=tmpdir_)
    forked = {
        p.relative_to(site / "output"): p.read_bytes()
        for p in (site / "output").rglob("*")
        if p.is_file()
    }
    monkeypatch.setenv("SITEGEN_START_METHOD", "spawn")
    run(
        "build",
        str(site),
        "--now",
        NOW,
        "--no-cache",
        "--out",
        str(site / "spawned"),
        tmpdir=tmpdir_,
    )
    spawned = {
        p.relative_to(site / "spawned"): p.read_bytes()
        for p in (site / "spawned").rglob("*")
        if p.is_file()
    }
    assert spawned == forked
    assert left_in(tmpdir_) == []
    assert run_folders(site) == []


def test_a_killed_build_leaves_its_files_in_the_cache_and_the_next_run_removes_them(
    site: Path, tmpdir_: Path
) -> None:
    process = _printing_build(site, tmpdir_)
    process.kill()  # SIGKILL: no cleanup of any kind runs
    process.wait(timeout=10)
    _wait_for_workers_to_go(site)
    assert run_folders(site), "a killed build leaves its run folder in the cache"
    run("check", str(site), "--now", NOW, tmpdir=tmpdir_)  # check does not sweep: no print
    run("build", str(site), "--now", NOW, tmpdir=tmpdir_)
    assert run_folders(site) == []
    assert left_in(tmpdir_) == []


def test_sigterm_to_a_print_build_ends_every_sitegen_process_within_two_seconds(
    site: Path, tmpdir_: Path
) -> None:
    process = _printing_build(site, tmpdir_)
    process.terminate()
    process.wait(timeout=10)
    _wait_for_workers_to_go(site, seconds=2)


def _printing_build(site: Path, tmpdir: Path) -> subprocess.Popen:
    """A cold build, once it has started to print."""
    process = sitegen(
        "build", str(site), "--now", NOW, "--no-cache",
        tmpdir=tmpdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _wait_until_printing(site, process)
    return process


def _wait_until_printing(site: Path, process: subprocess.Popen) -> None:
    """Until WeasyPrint has copied its fonts into the run's folder: print is under way."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(
        (site / ".sitegen-cache" / "tmp").glob("run-*/weasyprint-*")
    ):
        assert process.poll() is None, "the build ended before it was stopped"
        time.sleep(0.05)


def _wait_for_workers_to_go(site: Path, seconds: float = 10) -> None:
    """Print workers of a killed build notice within a second and end."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(
            b"sitegen" in _cmdline(pid) and str(site).encode() in _cmdline(pid)
            for pid in os.listdir("/proc")
            if pid.isdigit()
        ):
            return
        time.sleep(0.2)
    pytest.fail("print workers outlived the build that was killed")


def _cmdline(pid: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_serve_after_edits_and_a_stop_leaves_the_temporary_folder_empty(
    site: Path, tmpdir_: Path
) -> None:
    process = sitegen(
        "serve", str(site), "--port", "0",
        tmpdir=tmpdir_, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        address = serving_address(process)
        notice = site / "content" / "notices" / "2026-11-19-防火.md"
        for number in range(3):
            notice.write_text(
                notice.read_text(encoding="utf-8") + f"\n第{number + 1}次补充。\n", encoding="utf-8"
            )
            _wait_for(process, "rebuilt")
            # A print page makes the preview render its print outputs.
            with urllib.request.urlopen(address + "print/boards/index.html", timeout=120) as reply:
                assert reply.status == 200
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        process.wait(timeout=60)
    assert left_in(tmpdir_) == []
    assert run_folders(site) == []


def _wait_for(process: subprocess.Popen, word: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        assert line, "sitegen serve stopped"
        if word in line:
            return
    pytest.fail(f"sitegen serve never said {word!r}")
