"""Parsed content files kept between builds, so an unchanged file is not parsed again.

An entry is used when the file's size and modification time, the parse context
(site settings, the community and campaign slugs, sitegen's own code) and the
existence of every file it links to are all as they were. Files that had errors
are never kept; their warnings are kept and shown again.

Entries live in the cache database, one row per file, so a rebuild after one
edit writes one row. A document's body is stored apart from the rest of it and
read only when a page that shows it is rendered.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sitegen.content.parse import ParseContext, parse_campaign, parse_notice, parse_page
from sitegen.content.slugs import Pinyin
from sitegen.errors import Diagnostic, UserError
from sitegen.incremental import cache_codec, cache_db
from sitegen.incremental.code_version import PARSE, fingerprint, installed
from sitegen.model import Body, Campaign, Notice, Page
from sitegen.sitefolder.parse_pool import Parse, ParseMany
from sitegen.sitefolder.sitefiles import Stamp

Parsed = tuple[Any, list]
CACHED_TYPES: dict[Parse, type] = {parse_notice: Notice, parse_campaign: Campaign, parse_page: Page}


def context_key(ctx: ParseContext, kind: str) -> str:
    """What, besides the file itself, a parse result depends on."""
    parts = (
        repr(ctx.config),
        sorted(ctx.community_slugs),
        sorted(ctx.campaign_slugs),
        sorted(ctx.theme_names),
        kind,
        fingerprint(PARSE),
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


_NO_BODY = Body("")


def _without_body(item: Any) -> Any:
    """The item as stored: its body has a column of its own."""
    return dataclasses.replace(item, body=_NO_BODY)


def _with_body(item: Any, body: Body) -> Any:
    # The item was decoded a moment ago and nothing else holds it yet.
    object.__setattr__(item, "body", body)
    return item


def _decoded(data: bytes, content_path: str, item_type: type, tz: ZoneInfo) -> Parsed | None:
    """A stored entry, or None when it is damaged or not the file's own."""
    try:
        item, warnings = cache_codec.decode(data, tuple[item_type, list[Diagnostic]])
    except cache_codec.CacheEntryError:
        return None
    if item.content_path != content_path:
        return None
    return cache_codec.in_zone(item, tz), warnings


# Connections by cache file, one per process: render workers are forked, and an
# SQLite connection must not cross a fork.
_connections: dict[tuple[Path, int], sqlite3.Connection | None] = {}

# Items already decoded in this process, by cache file. `sitegen serve` rebuilds
# many times in one process, and decoding every item again was a third of a
# rebuild at ten thousand notices.
_decoded_items: dict[Path, dict[str, tuple[Stamp, str, Parsed]]] = {}


def _connection(path: Path) -> sqlite3.Connection | None:
    key = (path, os.getpid())
    if key not in _connections:
        _connections[key] = cache_db.connect(path)
    return _connections[key]


def _fetch_body(path: Path, content_path: str, stamp: Stamp) -> str:
    db = _connection(path)
    found = None
    if db is not None:
        found = db.execute(
            "SELECT body FROM parsed WHERE path = ? AND size = ? AND mtime = ?",
            (content_path, *stamp),
        ).fetchone()
    if found is None or not isinstance(found[0], str):
        raise UserError(
            f"content/{content_path} changed in the cache while this build ran "
            "(another sitegen at work on this site?)",
            "run the build again",
        )
    return found[0]


class ParseCache:
    """The `parsed` table of the cache database at `path` (None: no cache at all),
    and the pinyin of names already turned into addresses.

    With `read=False` nothing is taken from the cache, but it is filled anew."""

    def __init__(self, path: Path | None, read: bool = True) -> None:
        self.path = path
        self.read = read
        self.rows: dict[str, tuple[int, int, str, bytes]] = {}
        self.changed: dict[str, tuple[Stamp, str, Parsed] | None] = {}
        self.seen: set[str] = set()
        self._pinyin_memo = f"pinyin {_pypinyin_stamp()}"
        self.pinyin: Pinyin = {}  # hand it to the loader and the view: they add to it
        self._pinyin_before: Pinyin = {}
        if read and path is not None and path.is_file() and (db := self._db()) is not None:
            try:
                # A row whose body is not text is damaged: left out, so made again.
                self.rows = {
                    row[0]: row[1:]
                    for row in db.execute(
                        "SELECT path, size, mtime, key, item FROM parsed "
                        "WHERE typeof(body) = 'text'"
                    )
                }
                found = db.execute(
                    "SELECT value FROM memo WHERE name = ?", (self._pinyin_memo,)
                ).fetchone()
                if found:
                    self._pinyin_before = cache_codec.decode(found[0], dict[str, str])
                    self.pinyin.update(self._pinyin_before)
            except sqlite3.Error:
                self.rows = {}
            except cache_codec.CacheEntryError:
                self._pinyin_before = {}
                self.pinyin.clear()

    def _db(self) -> sqlite3.Connection | None:
        return None if self.path is None else _connection(self.path)

    def get(
        self, content_path: str, stamp: Stamp, key: str, ctx: ParseContext, item_type: type
    ) -> Parsed | None:
        """The stored parse of a file (an `item_type`), if still valid; a damaged
        entry counts as none and is made again."""
        self.seen.add(content_path)
        if not self.read or self.path is None:
            return None
        decoded = _decoded_items.setdefault(self.path, {})
        known = decoded.get(content_path)
        if known is not None and known[0] == stamp and known[1] == key:
            item, warnings = known[2]
        else:
            row = self.rows.get(content_path)
            if row is None or (row[0], row[1]) != stamp or row[2] != key:
                return None
            entry = _decoded(row[3], content_path, item_type, ctx.config.timezone)
            if entry is None:
                return None
            item, warnings = entry
            _with_body(
                item, Body(fetch=functools.partial(_fetch_body, self.path, content_path, stamp))
            )
            decoded[content_path] = (stamp, key, (item, warnings))
        if not item.links <= ctx.converter.content_files:
            return None
        return item, warnings

    def wrapping(self, parse_many: ParseMany, stamps: dict[str, Stamp]) -> ParseMany:
        """`parse_many`, answering from this cache for files unchanged since they were
        kept (`stamps`: each content file's size and modification time, as listed)."""

        def cached(
            site_dir: Path, paths: list[str], parse: Parse, ctx: ParseContext
        ) -> list[Parsed]:
            item_type = CACHED_TYPES.get(parse)
            if item_type is None:
                return parse_many(site_dir, paths, parse, ctx)
            key = context_key(ctx, parse.__name__)
            results: list[Parsed | None] = [
                self.get(path, stamps[path], key, ctx, item_type) for path in paths
            ]
            missing = [index for index, result in enumerate(results) if result is None]
            parsed = parse_many(site_dir, [paths[index] for index in missing], parse, ctx)
            for index, result in zip(missing, parsed, strict=True):
                results[index] = result
                self.put(paths[index], stamps[paths[index]], key, result)
            return results  # type: ignore[return-value]

        return cached

    def put(self, content_path: str, stamp: Stamp | None, key: str, parsed: Parsed) -> None:
        self.seen.add(content_path)
        item, diagnostics = parsed
        decoded = _decoded_items.setdefault(self.path, {}) if self.path is not None else {}
        if item is None or stamp is None or any(d.severity == "error" for d in diagnostics):
            self.changed[content_path] = None
            decoded.pop(content_path, None)
        else:
            self.changed[content_path] = (stamp, key, parsed)
            decoded[content_path] = (stamp, key, parsed)

    def save(self) -> None:
        """Write the changed entries and drop those of files no longer there."""
        gone = [path for path in self.rows if path not in self.seen] if self.seen else []
        pinyin = self.pinyin
        if not self.changed and not gone and self.read and pinyin == self._pinyin_before:
            return
        db = self._db()
        if db is None:
            return
        rows = []
        for content_path, entry in self.changed.items():
            if entry is None:
                gone.append(content_path)
                continue
            (size, mtime), key, (item, warnings) = entry
            data = cache_codec.encode((_without_body(item), warnings))
            rows.append((content_path, size, mtime, key, data, item.body_html))
        try:
            db.execute("BEGIN")
            if not self.read:
                db.execute("DELETE FROM parsed")
            db.executemany("DELETE FROM parsed WHERE path = ?", [(path,) for path in gone])
            db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?, ?, ?, ?)", rows)
            db.execute(
                "INSERT OR REPLACE INTO memo VALUES (?, ?)",
                (self._pinyin_memo, cache_codec.encode(dict(pinyin))),
            )
            db.execute("COMMIT")
        except sqlite3.Error:
            if db.in_transaction:
                db.execute("ROLLBACK")
        self.changed.clear()


def _pypinyin_stamp() -> str:
    """Which pypinyin made the memo's pinyin (its distribution, version and all)."""
    return next((name for name in installed() if name.lower().startswith("pypinyin-")), "none")
