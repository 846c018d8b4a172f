"""Fixtures shared by the test layers: scratch sites written from inline strings, and the CLI."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ["publishing"]  # the publish tests' servers, as fixtures

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-11-20T10:00:00+08:00"

MINIMAL_SITE = {
    "content/site.yaml": """\
        title: 测试县社区办
        base_url: https://example.org/sq/
        issuer: 测试县社区建设办公室
        """,
    "content/communities/longchi.yaml": """\
        name: 龙池社区
        households: 1850
        boards:
          - id: b1
            location: 社区服务中心门口
            paper: A4
            slots: 4
        """,
    "content/communities/huashan.yaml": """\
        name: 华山社区
        households: 1200
        """,
    "content/notices/2026-11-18-停水通知.md": """\
        ---
        title: 关于临时停水的通知
        date: 2026-11-18 09:00
        expires: 2026-11-25
        communities: [longchi]
        category: 通知
        tags: [停水]
        ---
        各位居民：

        因管道维修，11月19日 9:30 至 17:00 停水。
        """,
}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_sitegen(
    *args: str, cwd: Path | None = None, tmpdir: Path | None = None, env: dict | None = None
) -> Run:
    """Run the real command line in a child process, as a user would (with `tmpdir`
    as its TMPDIR, the system's temporary folder, when given; `env` added to its
    environment)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def serving_address(process: subprocess.Popen, base: str = "/") -> str:
    """The address a started `sitegen serve` says it serves at (read from its stderr)."""
    pattern = re.compile(rf"at (http://127\.0\.0\.1:\d+{re.escape(base)})")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        assert line, "sitegen serve stopped before serving"
        if found := pattern.search(line):
            return found.group(1)
    raise AssertionError("sitegen serve did not say where it serves")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/external/ is an external test (see pyproject.toml)."""
    for item in items:
        if "external" in item.path.parts:
            item.add_marker(pytest.mark.external)


@pytest.fixture(autouse=True)
def user_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A fresh settings folder of the user's (the hosts publish may send a password to)
    for each test and the commands it runs, never the developer's own."""
    folder = tmp_path_factory.mktemp("user-settings")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.setenv("APPDATA", str(folder))
    return folder


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data), encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Write a small valid site, with `changes` replacing or adding files (None removes one)."""

    def make(
        changes: dict[str, str | bytes | None] | None = None, base: dict | None = None
    ) -> Path:
        files = dict(MINIMAL_SITE if base is None else base)
        for name, data in (changes or {}).items():
            if data is None:
                files.pop(name, None)
            else:
                files[name] = data
        return write_site(tmp_path / "site", files)

    return make


def tree_digest(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under `folder` with its SHA-256 and mtime, to prove nothing changed."""
    return {
        p.relative_to(folder).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def needs_tools(*names: str):
    """An autouse fixture that fails (never skips) each test of a module when a tool it
    checks with is missing: those checks are acceptance criteria."""

    @pytest.fixture(autouse=True)
    def tools_present() -> None:
        missing = [name for name in names if not shutil.which(name)]
        if missing:
            pytest.fail(f"{', '.join(missing)} missing: scripts/test installs them")

    return tools_present
