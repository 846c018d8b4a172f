"""Whether a path stays inside a folder once every link on the way is followed: the
one test behind "nothing from outside the site is read or published"."""

from __future__ import annotations

import os
from pathlib import Path


def within(path: str, folder: str) -> bool:
    """Whether real path `path` is `folder` or under it (both already real paths)."""
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # another drive (Windows)
        return False


def leads_outside(path: Path, allowed: Path) -> str | None:
    """Where `path` really is, if a link takes it (or a folder it is in) out of
    `allowed`; None when it is inside, or is not there at all."""
    if not os.path.lexists(path):
        return None
    real = os.path.realpath(path)
    return None if within(real, os.path.realpath(allowed)) else real
