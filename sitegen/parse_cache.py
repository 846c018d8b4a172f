"""Parsed content files kept between builds, so an unchanged file is not parsed again.

An entry is used when the file's size and modification time, the parse context
(site settings, the community and campaign slugs, sitegen's own code) and the
existence of every file it links to are all as they were. Files that had errors
are never kept; their warnings are kept and shown again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from sitegen.parse import ParseContext

Parsed = tuple[Any, list]
_CODE = Path(__file__).parent


def context_key(ctx: ParseContext, kind: str) -> str:
    """What, besides the file itself, a parse result depends on."""
    code = sorted((p.name, p.stat().st_mtime_ns) for p in _CODE.glob("*.py"))
    parts = (
        repr(ctx.config),
        sorted(ctx.community_slugs),
        sorted(ctx.campaign_slugs),
        sorted(ctx.theme_names),
        kind,
        code,
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


class ParseCache:
    def __init__(self, path: Path | None, read: bool = True) -> None:
        self.path = path
        self.entries: dict[str, tuple] = {}
        self.dirty = False
        if path is not None and read:
            try:
                with path.open("rb") as stream:
                    self.entries = pickle.load(stream)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                self.entries = {}

    @staticmethod
    def stamp(file: Path) -> tuple[int, int] | None:
        try:
            info = file.stat()
        except OSError:
            return None
        return info.st_size, info.st_mtime_ns

    def get(self, content_path: str, stamp, key: str, content_files: set[str]) -> Parsed | None:
        entry = self.entries.get(content_path)
        if entry is None or entry[0] != stamp or entry[1] != key:
            return None
        item, warnings = entry[2], entry[3]
        if not getattr(item, "links", frozenset()) <= content_files:
            return None
        return item, warnings

    def put(self, content_path: str, stamp, key: str, parsed: Parsed) -> None:
        item, diagnostics = parsed
        if item is None or stamp is None or any(d.severity == "error" for d in diagnostics):
            self.entries.pop(content_path, None)
        else:
            self.entries[content_path] = (stamp, key, item, diagnostics)
        self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        with temporary.open("wb") as stream:
            pickle.dump(self.entries, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)
