"""What the last build into an output folder was made from and what it left there,
kept in the cache database.

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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.errors import Diagnostic
from sitegen.incremental import cache_codec, cache_db
from sitegen.incremental.code_version import code_stamps
from sitegen.sitefolder.sitefiles import Listing, Stamp

if TYPE_CHECKING:  # what a build hands in; a build with nothing to do loads neither
    from sitegen.incremental.keys import OutputKeys
    from sitegen.outputs.plan import Output

# key, size, modification time in ns, what its render read
Record = tuple[str | None, int, int, tuple[str, ...]]
Made = tuple[str | None, tuple[str, ...]]  # an output's key and its reads, as just made


@dataclass
class BuildRecord:
    outputs: dict[str, Record]
    inputs: dict[str, Stamp]
    settings: str
    moment: datetime  # the build's `now`
    steady: tuple[datetime, datetime]  # no state changes strictly between these
    pages: int
    warnings: list[Diagnostic]

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
        if not all(_as_left(out, path, record) for path, record in self.outputs.items()):
            return "outputs"
        return None

    def unchanged(self, outputs: list[Output], keys: OutputKeys, out_dir: Path) -> dict[str, Made]:
        """The outputs whose file was made from exactly what would make it now."""
        kept = {}
        out = f"{out_dir}{os.sep}"
        for output in outputs:
            record = self.outputs.get(output.path)
            if record is None or record[0] is None:
                continue
            if keys.key(output, record[3]) == record[0] and _as_left(out, output.path, record):
                kept[output.path] = (record[0], record[3])
        return kept


def _as_left(out: str, path: str, record: Record) -> bool:
    """Whether the file at `path` in the output folder `out` (with a trailing separator:
    joined by hand, a tenth of a no-change build's time) is as the record says."""
    try:
        info = os.stat(out + path)
    except OSError:
        return False
    return (info.st_size, info.st_mtime_ns) == record[1:3]


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


def outputs_as_left(
    out_dir: Path,
    made: dict[str, Made],
    kept: dict[str, Made],
    previous: BuildRecord | None,
) -> dict[str, Record]:
    """The record of each output file now in `out_dir` (those `kept` untouched
    since the `previous` build are as recorded then)."""
    found = {}
    for path, (key, reads) in made.items():
        if path in kept and previous is not None:
            found[path] = previous.outputs[path]
            continue
        try:
            info = os.stat(os.path.join(out_dir, path))
        except OSError:
            continue
        found[path] = (key, info.st_size, info.st_mtime_ns, reads)
    return found


class BuildRecords:
    """The records of the cache database at `db_path`, one per output folder."""

    def __init__(self, db_path: Path, out_dir: Path) -> None:
        self.db_path = db_path
        self.key = str(out_dir.resolve())

    def load(self) -> BuildRecord | None:
        db = cache_db.connect(self.db_path, create=False)
        if db is None:
            return None
        try:
            row = db.execute("SELECT state FROM builds WHERE out = ?", (self.key,)).fetchone()
            return cache_codec.decode(row[0], BuildRecord) if row else None
        except (sqlite3.Error, TypeError, *cache_codec.CacheEntryError):
            return None  # a damaged record: this build is a full one and records anew
        finally:
            db.close()

    def add_files(self, out_dir: Path, paths: list[str]) -> None:
        """Note files another command (`sitegen print`) put into the output folder, so
        the record still lists everything there: the next build removes what it does
        not make, and the swap's spare folder is known exactly."""
        record = self.load()
        if record is None:
            return
        made: dict[str, Made] = dict.fromkeys(paths, (None, ()))
        record.outputs.update(outputs_as_left(out_dir, made, {}, None))
        self.save(record)

    def save(self, record: BuildRecord) -> None:
        db = cache_db.connect(self.db_path)
        if db is None:
            return
        try:
            db.execute(
                "INSERT OR REPLACE INTO builds VALUES (?, ?)",
                (self.key, cache_codec.encode(record)),
            )
        except sqlite3.Error:
            pass  # a cache: the next build is slower, not wrong
        finally:
            db.close()
