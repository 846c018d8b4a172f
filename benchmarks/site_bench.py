#!/usr/bin/env python3
"""Site build benchmark: cold, no-change and one-edit builds, and serve's save-to-reload.

Usage: .venv/bin/python benchmarks/site_bench.py [--n 1000 10000] [--runs 3] [--site DIR]
           [--work DIR] [--serve example|none|N|DIR] [--edits 5]

For each N, the corpus of benchmarks/make_corpus.py is made in WORK/corpus-N (once; kept
for later runs); with --site, a copy of that site's content/ and themes/ is used instead
(the original is never edited). Then, each kind after one untimed warm-up run, RUNS times:
  cold       `sitegen build SITE --out OUT --no-cache --no-print --now NOW`, OUT removed first;
  no change  the same without --no-cache, right after a build;
  one edit   the `title:` line of one published notice rewritten (another notice each run,
             nothing restored), then the same build; it must report files written.
Every build is timed as a whole process (Python start-up included): wall clock from just
before it starts (just after the edit is written) until it exits. Peak memory is ru_maxrss
from os.wait4 on that process: the largest single process among sitegen and the worker
processes it waited for (not their sum). CPU is user + system of all of them.

Serve (default: the example site, copied to WORK/serve-site): `sitegen serve SITE --port P`,
a notice page open in Debian's Chromium through Playwright; EDITS times (after one warm-up)
the notice's title is rewritten and the time taken until the page's h1 shows it is measured.
Its peak memory is the serve process's VmHWM (/proc/PID/status).

The sitegen run is the one beside this Python (.venv/bin/sitegen), or $SITEGEN if set.
Prints one Markdown table per site, for benchmarks/RESULTS.md. Standard library and
Playwright only; never runs `playwright install`.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-11-20T10:00:00+08:00"
SITEGEN = os.environ.get("SITEGEN") or str(Path(sys.executable).parent / "sitegen")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SUMMARY = re.compile(r"\((\d+) written, (\d+) unchanged, (\d+) removed\)")
TITLE = re.compile(r"^title:[ \t]*(.*?)[ \t]*$", re.M)
EDIT_MARK = re.compile(r"（改[0-9a-z-]+）$")


@dataclass
class Sample:
    wall: float
    cpu: float
    peak_mb: float
    summary: str = ""


def run(*args: str) -> Sample:
    """One sitegen process, timed; its last line of output is kept as the summary."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [SITEGEN, *args], stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        lines = out.read().strip().splitlines()
        if process.returncode != 0:
            sys.exit(f"sitegen {' '.join(args)} failed ({process.returncode}):\n{err.read()}")
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(wall, cpu, usage.ru_maxrss / 1024, lines[-1] if lines else "")


def written(sample: Sample) -> int:
    found = SUMMARY.search(sample.summary)
    if not found:
        sys.exit(f"no summary line in sitegen's output: {sample.summary!r}")
    return int(found.group(1))


def published_notices(site: Path) -> list[Path]:
    """Notices with an ASCII file name, no `slug:`, not a draft, dated before NOW."""
    found = []
    for path in sorted((site / "content" / "notices").glob("*.md")):
        head = path.read_text(encoding="utf-8-sig").split("\n---", 1)[0]
        date = re.search(r"^date:\s*(\S+)", head, re.M)
        if (
            path.stem.isascii()
            and date
            and date.group(1) < NOW[:10]
            and not re.search(r"^(draft:\s*true|slug:)", head, re.M)
        ):
            found.append(path)
    if not found:
        sys.exit(f"no published notice with an ASCII file name in {site}")
    return found


def edit_title(path: Path, mark: str) -> str:
    """Rewrite the notice's `title:` line to end in `（改MARK）`; return the new title."""
    text = path.read_text(encoding="utf-8")
    found = TITLE.search(text)
    if not found:
        sys.exit(f"no title line in {path}")
    value = found.group(1)
    quote = value[0] if len(value) > 1 and value[0] in "\"'" and value[-1] == value[0] else ""
    title = EDIT_MARK.sub("", value[len(quote) : len(value) - len(quote)]) + f"（改{mark}）"
    line = f"title: {quote}{title}{quote}"
    path.write_text(text[: found.start()] + line + text[found.end() :], "utf-8")
    return title


def bench_builds(site: Path, out: Path, runs: int) -> dict[str, list[Sample]]:
    build = ["build", str(site), "--out", str(out), "--no-print", "--now", NOW]
    results: dict[str, list[Sample]] = {"cold": [], "no change": [], "one edit": []}
    for _ in range(runs + 1):
        shutil.rmtree(out, ignore_errors=True)
        results["cold"].append(run(*build, "--no-cache"))
    for _ in range(runs + 1):
        results["no change"].append(run(*build))
    notices = published_notices(site)
    stamp = f"{time.time_ns() // 1_000_000 % 10**8:x}"
    for k in range(runs + 1):
        notice = notices[int(len(notices) * ((k * 0.618034 + 0.5) % 1))]
        edit_title(notice, f"{stamp}-{k}")
        sample = run(*build)
        if written(sample) == 0:
            sys.exit(f"editing {notice.name} wrote no files: {sample.summary}")
        results["one edit"].append(sample)
        print(f"  edited {notice.name}: {sample.summary}", file=sys.stderr)
    return {kind: samples[1:] for kind, samples in results.items()}  # warm-ups dropped


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_serve(site: Path, edits: int) -> list[Sample]:
    """Save-to-new-title times in Chromium, the serve process's peak memory in each."""
    from playwright.sync_api import sync_playwright

    notice = published_notices(site)[-1]
    process = subprocess.Popen(
        [SITEGEN, "serve", str(site), "--port", str(free_port())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    said: list[str] = []
    ready = threading.Event()

    def listen() -> None:  # keeps the pipe drained for as long as serve runs
        for line in process.stderr:
            said.append(line)
            if re.search(r" at (http://\S+/) ", line):
                ready.set()

    threading.Thread(target=listen, daemon=True).start()
    try:
        if not ready.wait(timeout=900):
            sys.exit("sitegen serve did not say where it serves:\n" + "".join(said))
        address = next(m.group(1) for line in said if (m := re.search(r" at (http://\S+/) ", line)))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            page = browser.new_page()
            response = page.goto(f"{address}notices/{notice.stem}/index.html")
            if response is None or not response.ok:
                sys.exit(f"the page of {notice.name} did not load in the preview")
            time.sleep(1)  # let the page's event stream connect
            samples = []
            stamp = f"{time.time_ns() // 1_000_000 % 10**8:x}"
            for k in range(edits + 1):
                title = edit_title(notice, f"{stamp}-s{k}")
                started = time.perf_counter()
                page.wait_for_function(
                    "t => { const h = document.querySelector('main h1');"
                    " return !!h && h.textContent.includes(t); }",
                    arg=title,
                    polling=10,
                    timeout=120_000,
                )
                wall = time.perf_counter() - started
                status = Path(f"/proc/{process.pid}/status").read_text()
                peak = int(re.search(r"VmHWM:\s*(\d+)", status).group(1)) / 1024
                samples.append(Sample(wall, 0.0, peak))
                page.wait_for_load_state("load")
                time.sleep(1)  # the reloaded page's event stream connects before the next save
            browser.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return samples[1:]


def copy_site(source: Path, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    for name in ("content", "themes"):
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name)
    if not (dest / "content" / "site.yaml").is_file():
        sys.exit(f"{source} is not a sitegen site (no content/site.yaml)")
    return dest


def corpus(work: Path, n: int) -> Path:
    site = work / f"corpus-{n}"
    if not (site / "content" / "site.yaml").is_file():
        scratch = work / f"corpus-{n}.partial"
        shutil.rmtree(scratch, ignore_errors=True)
        make = [sys.executable, str(REPO / "benchmarks" / "make_corpus.py"), "-n", str(n)]
        subprocess.run([*make, "--out", str(scratch)], check=True, stdout=subprocess.DEVNULL)
        shutil.rmtree(site, ignore_errors=True)
        scratch.rename(site)
    return site


def table(title: str, rows: dict[str, list[Sample]]) -> str:
    lines = [
        f"### {title}",
        "",
        "| what | runs | min s | median s | max s | peak MB (median) | CPU s (median) |",
        "|---|---|---|---|---|---|---|",
    ]
    for what, samples in rows.items():
        walls = [s.wall for s in samples]
        cpu = statistics.median(s.cpu for s in samples)
        lines.append(
            f"| {what} | {len(samples)} | {min(walls):.2f} | {statistics.median(walls):.2f} "
            f"| {max(walls):.2f} | {statistics.median(s.peak_mb for s in samples):.0f} "
            f"| {f'{cpu:.2f}' if cpu else '–'} |"
        )
    last = [f"- {what}, last run: `{s[-1].summary}`" for what, s in rows.items() if s[-1].summary]
    return "\n".join([*lines, "", *last, ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000], help="corpus sizes")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site", type=Path, help="bench a copy of this site instead of corpora")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-bench")
    parser.add_argument("--serve", default="example", help="example, none, a corpus size or a site")
    parser.add_argument("--edits", type=int, default=5, help="timed saves in the serve bench")
    args = parser.parse_args()
    work = args.work.resolve()
    if work.is_relative_to(REPO):
        parser.error("--work must be outside the repository")
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"<!-- {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, --now {NOW}, {args.runs} runs after a warm-up -->\n"
    )
    sites = (
        [(f"site {args.site}", copy_site(args.site.resolve(), work / "site"))]
        if args.site
        else [(f"{n:,} notices", corpus(work, n)) for n in args.n]
    )
    for title, site in sites:
        print(f"benching {site} ...", file=sys.stderr)
        rows = bench_builds(site, work / f"out-{site.name}", args.runs)
        print(table(f"{title} (`{site}`)", rows), flush=True)
    if args.serve != "none":
        if args.serve == "example":
            site = copy_site(REPO, work / "serve-site")
        elif args.serve.isdigit():
            site = corpus(work, int(args.serve))
        else:
            site = copy_site(Path(args.serve).resolve(), work / "serve-site")
        print(f"serving {site} ...", file=sys.stderr)
        samples = bench_serve(site, args.edits)
        print(table(f"serve `{site}`", {"save → new title in Chromium": samples}))


if __name__ == "__main__":
    main()
