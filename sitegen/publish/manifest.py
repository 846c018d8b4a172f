"""The manifest sitegen keeps on a target: every file it has put there, with its SHA-256.

It is what makes a publish send only what changed and delete only what sitegen
itself put there. It is a dot file (not served as a page by common hosts, and
listing only paths and digests, nothing secret), and written like every other
file: under a temporary name, then renamed into place.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

MANIFEST = ".sitegen-manifest.json"
VERSION = 1


class ManifestError(ValueError):
    """A manifest on the target that is not one sitegen wrote."""


def encode(files: dict[str, str]) -> bytes:
    body = {"sitegen_manifest": VERSION, "files": dict(sorted(files.items()))}
    return json.dumps(body, ensure_ascii=False, indent=0).encode("utf-8")


def decode(data: bytes) -> dict[str, str]:
    """The files of a manifest (path -> SHA-256 hex)."""
    try:
        body = json.loads(data.decode("utf-8"))
        files = body["files"] if body.get("sitegen_manifest") == VERSION else None
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError, KeyError) as err:
        raise ManifestError(f"{MANIFEST} on the target is not a sitegen manifest ({err})") from err
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in files.items()
    ):
        raise ManifestError(f"{MANIFEST} on the target is not a sitegen manifest")
    return files


def digests(folder: Path, paths: Iterable[str]) -> dict[str, tuple[str, int]]:
    """SHA-256 and size of each file `paths` names in `folder`."""
    found = {}
    for path in paths:
        data = (folder / path).read_bytes()
        found[path] = (hashlib.sha256(data).hexdigest(), len(data))
    return found
