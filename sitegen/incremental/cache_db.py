"""The build cache's database: one SQLite file under `.sitegen-cache/`.

SQLite, because a rebuild after one edit must update one file's entry, not
rewrite the whole cache, and read back only what it needs. The cache is never
essential: when the file is unreadable (damaged, locked, an old format) it is
set aside and the build goes on as a cold one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

CACHE_DIR = ".sitegen-cache"  # in the site folder: every cache, and each run's temporary files


def cache_file(site_dir: Path) -> Path:
    return site_dir / CACHE_DIR / "cache.sqlite"


SCHEMA_VERSION = 5  # 3: MessagePack, no longer pickles; 4: snapshots apart; 5: identities
# (tests/test_units.py ties it to the tables and to the types entries are decoded as)
SCHEMA = """
CREATE TABLE IF NOT EXISTS parsed (
    path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, key TEXT, item BLOB, body TEXT
);
CREATE TABLE IF NOT EXISTS snapshots (out TEXT PRIMARY KEY, snapshot BLOB);
CREATE TABLE IF NOT EXISTS builds (out TEXT PRIMARY KEY, made BLOB);
CREATE TABLE IF NOT EXISTS memo (name TEXT PRIMARY KEY, value BLOB);
"""


def connect(path: Path, create: bool = True) -> sqlite3.Connection | None:
    """The cache database at `path`, made if missing (and `create`); None if it
    cannot be used."""
    if not create and not path.is_file():
        return None
    for attempt in range(2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=30, isolation_level=None)
            if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                connection.executescript(
                    "DROP TABLE IF EXISTS parsed; DROP TABLE IF EXISTS builds;"
                    "DROP TABLE IF EXISTS snapshots; DROP TABLE IF EXISTS memo;"
                    + SCHEMA
                    + f"PRAGMA user_version = {SCHEMA_VERSION};"
                )
            connection.execute("PRAGMA synchronous = OFF")  # a cache: losing it costs time only
            return connection
        except (sqlite3.Error, OSError):
            if attempt == 0:
                _set_aside(path)
    return None


def _set_aside(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.replace(path, path.with_name(path.name + ".broken"))
