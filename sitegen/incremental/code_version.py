"""What sitegen's output depends on besides the site itself: sitegen's own files,
the libraries it parses and renders with, and the Python running it.

Caches are keyed by it, so upgrading any of them makes the next build a cold one.
Files are known by size and modification time: reading package metadata costs
as much as a small rebuild.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).parent.parent  # the whole sitegen package
LIBRARIES = ("jinja2", "markdown", "yaml", "pypinyin", "weasyprint", "pypdf", "segno")


@cache
def code_stamps() -> tuple[tuple[str, int, int], ...]:
    stamps = [(f"python {sys.version}", 0, 0)]
    for root, dirs, names in os.walk(PACKAGE):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            info = os.stat(os.path.join(root, name))
            stamps.append((os.path.join(root, name), info.st_size, info.st_mtime_ns))
    for library in LIBRARIES:
        spec = importlib.util.find_spec(library)
        if spec is not None and spec.origin:
            info = os.stat(spec.origin)
            stamps.append((library, info.st_size, info.st_mtime_ns))
    return tuple(sorted(stamps))
