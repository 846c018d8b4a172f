#!/usr/bin/env python3
"""Print at growing sizes: peak memory of the whole run, and what it leaves in TMPDIR.

Usage: .venv/bin/python benchmarks/print_memory.py --n 60 240 [--sitegen-path DIR]

For each N, makes the N-notice corpus (benchmarks/make_corpus.py), then runs
`sitegen print --only posters --no-cache` with TMPDIR pointing at an empty
folder, sampling every 0.2 s the resident memory of the sitegen process and all
its workers together. Prints posters made, seconds, the peak of the sum, and the
files and bytes left in TMPDIR. `--sitegen-path` runs another checkout (for a
before/after on one machine), through PYTHONPATH.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-11-20T10:00:00+08:00"


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and every process below it."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        pid = int(entry)
        parent = int(re.search(r"^PPid:\s+(\d+)", status, re.M).group(1))
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        rss[pid] = int(found.group(1)) * 1024 if found else 0
        children.setdefault(parent, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measure(n: int, scratch: Path, sitegen_path: Path) -> dict[str, float]:
    site = scratch / f"site-{n}"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks/make_corpus.py"), "-n", str(n), "--out", str(site)],
        check=True,
        capture_output=True,
    )
    system_tmp = scratch / f"tmp-{n}"
    system_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(system_tmp), "PYTHONPATH": str(sitegen_path)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sitegen",
            "print",
            str(site),
            "--now",
            NOW,
            "--only",
            "posters",
            "--no-cache",
        ],
        env=env,
        cwd=sitegen_path,  # `python -m` looks in the current folder first
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    out = process.stdout.read()
    assert process.returncode == 0, out
    posters = int(re.search(r"(\d+) PDFs", out).group(1))
    left = [p for p in system_tmp.rglob("*") if p.is_file()]
    return {
        "notices": n,
        "posters": posters,
        "seconds": round(seconds, 1),
        "peak_mb": round(peak / 2**20),
        "tmp_files_left": len(left),
        "tmp_mb_left": round(sum(p.stat().st_size for p in left) / 2**20),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[60, 240])
    parser.add_argument("--sitegen-path", type=Path, default=REPO)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for n in args.n:
            print(measure(n, Path(scratch), args.sitegen_path), flush=True)


if __name__ == "__main__":
    main()
