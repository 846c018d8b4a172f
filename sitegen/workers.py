"""What every worker process of sitegen does first: end when its parent ends.

A forked worker holds both ends of its task pipe, so when the build that started
it is killed (SIGTERM, SIGKILL, a closed terminal) it would wait for work for
ever, holding memory and the run's temporary folder. A thread watching the
parent's sentinel ends it within moments instead, on every system.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading


def end_with_parent() -> None:
    """In a worker: end this process as soon as its parent has ended."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()


def _end_with(parent_sentinel: int) -> None:
    multiprocessing.connection.wait([parent_sentinel])
    os._exit(1)  # the parent is gone: nobody wants the rest of this work
