"""The manifest sitegen keeps on a target: every file it has put there, with its SHA-256.

It is what makes a publish send only what changed and delete only what sitegen
itself put there. It is a dot file (not served as a page by common hosts, and
listing only paths and digests, nothing secret), and written like every other
file: under a temporary name, then renamed into place.

It is read as untrusted input: anyone who can write to the host can change it,
and publish deletes what it lists. So an entry is taken only if it is a name
sitegen itself would write (content/names.py), and a manifest with any other
entry is refused whole, before anything is sent or deleted.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.content.names import path_problem
from sitegen.errors import printable

MANIFEST = ".sitegen-manifest.json"
VERSION = 1
MAX_BYTES = 64 * 1024 * 1024  # far more than a manifest of 100,000 files
_DIGEST = re.compile(r"[0-9a-f]{64}")
SHOWN_ENTRIES = 5


class ManifestError(ValueError):
    """A manifest on the target that is not one sitegen wrote."""


@dataclass(frozen=True)
class Manifest:
    """What a target holds of sitegen's: each file and its SHA-256, and the files a
    publish was sending when it last wrote the manifest (their part files may be
    left on the server, if it stopped)."""

    files: dict[str, str] = field(default_factory=dict)
    sending: frozenset[str] = frozenset()


def encode(files: dict[str, str], sending: Iterable[str] = ()) -> bytes:
    body: dict[str, object] = {"sitegen_manifest": VERSION, "files": dict(sorted(files.items()))}
    if sending:
        body["sending"] = sorted(sending)
    return json.dumps(body, ensure_ascii=False, indent=0).encode("utf-8")


def decode(data: bytes) -> Manifest:
    """The manifest in `data`, every entry checked; ManifestError for one that is not
    sitegen's, or holds any entry sitegen would not have written."""
    if len(data) > MAX_BYTES:
        raise ManifestError(f"{MANIFEST} on the target is too large to be a sitegen manifest")
    try:
        body = json.loads(data.decode("utf-8"))
        files = body["files"] if body.get("sitegen_manifest") == VERSION else None
        sending = body.get("sending", [])
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError, KeyError) as err:
        raise ManifestError(f"{MANIFEST} on the target is not a sitegen manifest ({err})") from err
    if not isinstance(files, dict) or not isinstance(sending, list):
        raise ManifestError(f"{MANIFEST} on the target is not a sitegen manifest")
    bad = [
        f"`{_shown(path)}`: {problem}"
        for path, problem in (
            *((path, _entry_problem(path, digest)) for path, digest in files.items()),
            *((path, _entry_problem(path, "0" * 64)) for path in sending),
        )
        if problem
    ]
    if bad:
        more = len(bad) - SHOWN_ENTRIES
        raise ManifestError(
            f"{MANIFEST} on the target lists {len(bad)} "
            f"entr{'ies' if len(bad) != 1 else 'y'} sitegen never writes, so someone else "
            "changed it; nothing was sent or deleted:\n"
            + "\n".join(f"    {line}" for line in bad[:SHOWN_ENTRIES])
            + (f"\n    … and {more} more" if more > 0 else "")
        )
    return Manifest(files, frozenset(sending))


def _entry_problem(path: object, digest: object) -> str | None:
    if not isinstance(path, str):
        return "not a file name"
    if not isinstance(digest, str) or not _DIGEST.fullmatch(digest):
        return "its digest is not a SHA-256"
    return path_problem(path)


def _shown(path: object) -> str:
    text = path if isinstance(path, str) else repr(path)
    return printable(text[:200] + ("…" if len(text) > 200 else ""))


def digests(folder: Path, paths: Iterable[str]) -> dict[str, tuple[str, int]]:
    """SHA-256 and size of each file `paths` names in `folder`."""
    found = {}
    for path in paths:
        data = (folder / path).read_bytes()
        found[path] = (hashlib.sha256(data).hexdigest(), len(data))
    return found
