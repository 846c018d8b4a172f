"""The package as a user installs it (a wheel, not the source tree) makes and builds a new site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_wheel_install_can_init_and_build_a_site(tmp_path: Path) -> None:
    wheels, target = tmp_path / "wheels", tmp_path / "installed"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("sitegen-*.whl")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}

    def sitegen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "sitegen", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import sitegen; print(sitegen.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(target)), where.stdout
    made = sitegen("init", "mysite", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    built = sitegen("build", cwd=tmp_path / "mysite")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("built ")
    home = (tmp_path / "mysite/output/index.html").read_text(encoding="utf-8")
    assert "我的社区" in home and "static/default/style.css" in home
    assert (tmp_path / "mysite/output/static/default/style.css").is_file()
