"""Worker processes: how they are started, and that they end when their parent ends.

Workers are forked where the system can (they start at once and share what is
loaded) and spawned elsewhere (Windows, macOS), or wherever the environment
variable SITEGEN_START_METHOD says (`spawn`: how the test suite checks that
everything also works as on those systems).

A forked worker holds both ends of its task pipe, so when the build that started
it is killed (SIGTERM, SIGKILL, a closed terminal) it would wait for work for
ever, holding memory and the run's temporary folder. A thread watching the
parent's sentinel ends it within moments instead, on every system.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import os
import threading


def start_method() -> str:
    """`fork` where the system has it, else `spawn`; SITEGEN_START_METHOD overrides."""
    available = multiprocessing.get_all_start_methods()
    wanted = os.environ.get("SITEGEN_START_METHOD")
    if wanted in available:
        return wanted
    return "fork" if "fork" in available else "spawn"


def context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context(start_method())


def end_with_parent() -> None:
    """In a worker: end this process as soon as its parent has ended."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()


def _end_with(parent_sentinel: int) -> None:
    multiprocessing.connection.wait([parent_sentinel])
    os._exit(1)  # the parent is gone: nobody wants the rest of this work
