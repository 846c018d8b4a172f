"""Worker processes, started one way for every part of a build that uses them
(parsing, writing pages, laying out print).

- Where: forked where the system can (they start at once and share what is
  loaded), spawned elsewhere (Windows, macOS), or as the environment variable
  SITEGEN_START_METHOD says (`spawn`: how the test suite checks that everything
  also works as on those systems).
- Garbage: a build pauses the cycle collector (build.py), and a forked worker
  inherits that pause and the whole loaded site. Each worker freezes what it
  inherited (the collector never walks it, nor dirties its pages) and collects
  its own garbage again: WeasyPrint's documents are full of reference cycles.
- Temporary files go into the run's folder (scratch.py), which a spawned
  worker would not otherwise know.
- Ending: a forked worker holds both ends of its task pipe, so when the build
  that started it is killed (SIGTERM, SIGKILL, a closed terminal) it would wait
  for work for ever, holding memory and the run's temporary folder. A thread
  watching the parent's sentinel ends it within moments instead, on every system.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from sitegen.scratch import TEMP_VARIABLES


def cores() -> int:
    return os.cpu_count() or 1


def start_method() -> str:
    """`fork` where the system has it, else `spawn`; SITEGEN_START_METHOD overrides."""
    available = multiprocessing.get_all_start_methods()
    wanted = os.environ.get("SITEGEN_START_METHOD")
    if wanted in available:
        return wanted
    return "fork" if "fork" in available else "spawn"


def pool(initializer: Callable[..., None], initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A pool of one worker per core, each set up as above and then by `initializer`.

    With the fork start method, `initargs` reach the workers as they are (nothing
    is pickled), so they may hold what cannot be: the planned outputs' renders."""
    return ProcessPoolExecutor(
        cores(),
        mp_context=multiprocessing.get_context(start_method()),
        initializer=_start,
        initargs=(tempfile.gettempdir(), initializer, initargs),
    )


def _start(scratch: str, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    gc.freeze()
    gc.enable()
    tempfile.tempdir = scratch
    os.environ.update(dict.fromkeys(TEMP_VARIABLES, scratch))
    _end_with_parent()
    initializer(*initargs)


def _end_with_parent() -> None:
    """In a worker: end this process as soon as its parent has ended."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()


def _end_with(parent_sentinel: int) -> None:
    multiprocessing.connection.wait([parent_sentinel])
    os._exit(1)  # the parent is gone: nobody wants the rest of this work
