#!/usr/bin/env python3
"""Print benchmark: posters per second (cold) and the no-change rebuild, on the example site.

Usage: .venv/bin/python benchmarks/print_bench.py [--runs 3]

Each run copies the example site to a scratch folder, then times, as whole processes:
  1. `sitegen print --only posters --no-cache`: cold posters (fitting included);
  2. `sitegen build --no-cache`: the whole cold build, site and every PDF;
  3. `sitegen build` again with nothing changed: the no-change rebuild (all PDFs cached);
  4. one notice's body edited, `sitegen build`: what an edit costs.
Medians are printed; record them in benchmarks/RESULTS.md with the machine.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-11-20T10:00:00+08:00"
EDITED = "content/notices/2026-11-12-gas-safety.md"


def sitegen(site: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", *args, str(site), "--now", NOW],
        capture_output=True,
        text=True,
        check=True,
    )
    # The summary line: `built …` or `printed …` (`sitegen print` adds a line after it).
    lines = done.stdout.strip().splitlines()
    return time.perf_counter() - started, next(
        (line for line in lines if line.startswith(("built", "printed"))), lines[-1]
    )


def one_run(scratch: Path) -> dict[str, float]:
    site = scratch / "site"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    for name in ("content", "themes"):
        shutil.copytree(REPO / name, site / name)
    posters_s, line = sitegen(site, "print", "--only", "posters", "--no-cache")
    posters = int(re.search(r"(\d+) PDFs", line).group(1))
    cold_s, cold_line = sitegen(site, "build", "--no-cache")
    rebuild_s, rebuild_line = sitegen(site, "build")
    notice = site / EDITED
    notice.write_text(
        notice.read_text(encoding="utf-8") + "\n（本通知已更新。）\n", encoding="utf-8"
    )
    edit_s, edit_line = sitegen(site, "build")
    print(f"  cold build: {cold_line}\n  no change:  {rebuild_line}\n  one edit:   {edit_line}")
    return {
        "posters": posters,
        "posters_seconds": posters_s,
        "posters_per_second": posters / posters_s,
        "cold_build_seconds": cold_s,
        "no_change_seconds": rebuild_s,
        "one_edit_seconds": edit_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for number in range(1, runs + 1):
            print(f"run {number}/{runs}")
            results.append(one_run(Path(scratch)))
    print("\nmedians over", runs, "runs:")
    for key in results[0]:
        print(f"  {key:>20}: {statistics.median(r[key] for r in results):.2f}")


if __name__ == "__main__":
    main()
