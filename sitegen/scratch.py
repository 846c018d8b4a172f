"""A run's temporary files: in a folder of the site's cache, never in the system's.

Libraries sitegen uses make temporary files of their own (WeasyPrint copies
every @font-face font into a folder it makes; multiprocessing may make one for
its sockets) and remove them only from finalisers. A process that ends without
running them (a crash, SIGKILL, `os._exit`) leaves them in the system's
temporary folder for good: an office PC that builds a few times a day filled
its disk within weeks. So while a build, a print run or a preview runs,
Python's temporary folder is one of the site's own,
`.sitegen-cache/tmp/run-<pid>-<random>/`, removed when the run ends. A run
that was killed leaves its folder behind; the next run removes it, which it can
tell from the lock its owner held on it while running.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

LOCK = "owner.lock"
STARTING_SECONDS = 60
# What Python (tempfile) and the C libraries it loads read, on POSIX and on Windows.
TEMP_VARIABLES = ("TMPDIR", "TEMP", "TMP")


@contextmanager
def scratch_folder(cache_dir: Path) -> Iterator[Path]:
    """Make a temporary folder under `cache_dir`/tmp and send every temporary file there
    until the block ends; then remove it. Folders of earlier runs that ended without
    cleaning up are removed first."""
    root = cache_dir / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    sweep(root)
    folder = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=root))
    lock = _hold(folder / LOCK)
    saved_tempdir = tempfile.tempdir
    saved_env = {name: os.environ.get(name) for name in TEMP_VARIABLES}
    tempfile.tempdir = str(folder)
    os.environ.update(dict.fromkeys(TEMP_VARIABLES, str(folder)))
    try:
        yield folder
    finally:
        tempfile.tempdir = saved_tempdir
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        lock.close()
        shutil.rmtree(folder, ignore_errors=True)


def sweep(root: Path) -> int:
    """Remove the run folders in `root` whose owner is gone; how many were removed."""
    removed = 0
    for folder in root.glob("run-*"):
        if not folder.is_dir() or not _lock_made(folder):
            continue
        try:
            probe = _hold(folder / LOCK)
        except OSError:
            continue  # its run is still going (held by it or by a worker it started)
        probe.close()
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def _lock_made(folder: Path) -> bool:
    """Whether the run has got as far as making its lock; a folder of a run killed before
    that is left for a minute, in case its run is just starting."""
    if (folder / LOCK).exists():
        return True
    try:
        return time.time() - folder.stat().st_mtime > STARTING_SECONDS
    except OSError:
        return False


def _hold(path: Path) -> BinaryIO:
    """Open `path` and lock it for as long as it stays open; OSError if another holds it.

    flock locks belong to the open file, so forked workers share their parent's
    lock and keep it while any of them runs."""
    handle = open(path, "a+b")  # noqa: SIM115 (held open on purpose)
    try:
        _lock(handle)
    except OSError:
        handle.close()
        raise
    return handle


try:
    import fcntl

    def _lock(handle: BinaryIO) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

except ImportError:  # Windows
    import msvcrt

    def _lock(handle: BinaryIO) -> None:
        handle.seek(0)  # the first byte; Windows lets a lock reach past the end of a file
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
