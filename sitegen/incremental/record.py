"""What the last build into an output folder was made from and what it left there,
kept in the cache database in two parts: the snapshot (the stamps of what it read
and of what it left, its settings and warnings), and how each output was made.

The record serves a rebuild three ways:

- Nothing changed: when every file a build reads (content, themes, sitegen's
  own code) has the size and modification time it had, the settings are the
  same, `now` falls in the stretch of time in which no notice or campaign
  changes state, and every output file is as the build left it, the output is
  already exact, and the build stops there, without loading the site.
- Something changed: an output is kept unrendered when its key (incremental/keys.py),
  taken over what its last render read, is the recorded one and its file is as
  the build left it (a file edited or deleted by hand is made again).
- The files the last build made are known, so those that no longer belong are
  removed without walking the whole output folder.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sitegen.incremental import cache_codec, cache_db
from sitegen.incremental.code_version import code_stamps
from sitegen.sitefolder.sitefiles import Listing, Stamp

if TYPE_CHECKING:  # what a build hands in; a build with nothing to do loads neither
    from sitegen.incremental.keys import OutputKeys
    from sitegen.outputs.plan import Output

T = TypeVar("T")

Made = tuple[str | None, tuple[str, ...]]  # an output's key (None: never kept) and its reads


@dataclass
class Snapshot:
    """The output folder as the last build left it, and the stamps of what that build
    read: all a build with nothing to do reads back. Kept apart from how each output
    was made (its keys and reads), which only a build that runs needs."""

    outputs: dict[str, Stamp]  # every file the build left, with its stamp
    inputs: dict[str, Stamp]
    settings: str
    moment: datetime  # the build's `now`
    steady: tuple[datetime, datetime]  # no state changes strictly between these
    pages: int
    warnings: list[str]  # as shown (text is a tenth of the decoding of messages)

    def still_exact(
        self, inputs: dict[str, Stamp], now: datetime, settings: str, out_dir: Path
    ) -> bool:
        """Whether a build now would make exactly the files the last one left."""
        return self.out_of_date(inputs, now, settings, out_dir) is None

    def out_of_date(
        self, inputs: dict[str, Stamp], now: datetime, settings: str, out_dir: Path
    ) -> str | None:
        """Why a build now would not make exactly the files the last one left: "time"
        (a notice or campaign has changed state since), "settings", "inputs" (a file
        the build reads has changed) or "outputs" (a file in the output folder was
        changed or removed); None when it would."""
        start, end = self.steady
        if not (now == self.moment or (start < self.moment and start < now < end)):
            return "time"
        if settings != self.settings:
            return "settings"
        if inputs != self.inputs:
            return "inputs"
        out = f"{out_dir}{os.sep}"
        if not all(_as_left(out, path, stamp) for path, stamp in self.outputs.items()):
            return "outputs"
        return None


@dataclass
class BuildRecord:
    snapshot: Snapshot
    made: dict[str, Made]  # the outputs of `snapshot`, each with its key and reads

    def unchanged(self, outputs: list[Output], keys: OutputKeys, out_dir: Path) -> dict[str, Made]:
        """The outputs whose file was made from exactly what would make it now."""
        kept = {}
        out = f"{out_dir}{os.sep}"
        for output in outputs:
            made = self.made.get(output.path)
            stamp = self.snapshot.outputs.get(output.path)
            if made is None or made[0] is None or stamp is None:
                continue
            if keys.key(output, made[1]) == made[0] and _as_left(out, output.path, stamp):
                kept[output.path] = made
        return kept


def _as_left(out: str, path: str, stamp: Stamp) -> bool:
    """Whether the file at `path` in the output folder `out` (with a trailing separator:
    joined by hand, a tenth of a no-change build's time) has the `stamp` it was left with."""
    try:
        info = os.stat(out + path)
    except OSError:
        return False
    return (info.st_size, info.st_mtime_ns) == stamp


def input_stamps(site_dir: Path, content_files: Listing) -> dict[str, Stamp]:
    """Every file a build may read, with its size and modification time: the
    content (as listed in `content_files`, the links it left out too, which a build
    warns about), the site's themes, sitegen itself and the libraries it renders with."""
    stamps = {f"content/{path}": stamp for path, stamp in content_files.files.items()}
    stamps.update({f"refused:{r.link}:{r.target}": (0, 0) for r in content_files.refused})
    for root, _dirs, names in os.walk(site_dir / "themes"):
        for name in names:
            info = os.stat(os.path.join(root, name))
            stamps[f"themes:{root}/{name}"] = (info.st_size, info.st_mtime_ns)
    for path, size, mtime in code_stamps():
        stamps[f"code:{path}"] = (size, mtime)
    return stamps


def stamps_as_left(
    out_dir: Path, paths: Iterable[str], kept: dict[str, Made], previous: Snapshot | None
) -> dict[str, Stamp]:
    """The stamp of each of `paths` now in `out_dir` (those `kept` untouched since the
    `previous` build are as recorded then)."""
    found = {}
    for path in paths:
        if path in kept and previous is not None:
            found[path] = previous.outputs[path]
            continue
        try:
            info = os.stat(os.path.join(out_dir, path))
        except OSError:
            continue
        found[path] = (info.st_size, info.st_mtime_ns)
    return found


class BuildRecords:
    """The records of the cache database at `db_path`, one per output folder."""

    def __init__(self, db_path: Path, out_dir: Path) -> None:
        self.db_path = db_path
        self.key = str(out_dir.resolve())

    def load_snapshot(self) -> Snapshot | None:
        return self._read("SELECT snapshot FROM snapshots WHERE out = ?", Snapshot)

    def load(self, snapshot: Snapshot | None = None) -> BuildRecord | None:
        """The whole record (reading its `snapshot` again unless given)."""
        if snapshot is None:
            snapshot = self.load_snapshot()
        made = self._read("SELECT made FROM builds WHERE out = ?", dict[str, Made])
        if snapshot is None or made is None:
            return None
        return BuildRecord(snapshot, made)

    def _read(self, query: str, wanted: type[T]) -> T | None:
        db = cache_db.connect(self.db_path, create=False)
        if db is None:
            return None
        try:
            row = db.execute(query, (self.key,)).fetchone()
            return cache_codec.decode(row[0], wanted) if row else None
        except (sqlite3.Error, TypeError, *cache_codec.CacheEntryError):
            return None  # a damaged record: this build is a full one and records anew
        finally:
            db.close()

    def add_files(self, out_dir: Path, paths: list[str]) -> None:
        """Note files another command (`sitegen print`) put into the output folder, so
        the record still lists everything there: the next build removes what it does
        not make, and the swap's spare folder is known exactly. When some are files the
        build did not make (a poster made on demand), the next build at another moment
        runs, to remove them."""
        record = self.load()
        if record is None:
            return
        stamps = stamps_as_left(out_dir, paths, {}, None)
        if stamps.keys() - record.snapshot.outputs.keys():
            record.snapshot.steady = (record.snapshot.moment, record.snapshot.moment)
        record.snapshot.outputs.update(stamps)
        record.made.update(dict.fromkeys(stamps, (None, ())))
        self.save(record)

    def save(self, record: BuildRecord) -> None:
        """Both parts of `record` at once: a snapshot never goes with another build's reads."""
        db = cache_db.connect(self.db_path)
        if db is None:
            return
        try:
            with db:  # one transaction: committed at the end, rolled back on an error
                db.execute("BEGIN")
                db.execute(
                    "INSERT OR REPLACE INTO snapshots VALUES (?, ?)",
                    (self.key, cache_codec.encode(record.snapshot)),
                )
                db.execute(
                    "INSERT OR REPLACE INTO builds VALUES (?, ?)",
                    (self.key, cache_codec.encode(record.made)),
                )
        except sqlite3.Error:
            pass  # a cache: the next build is slower, not wrong
        finally:
            db.close()
