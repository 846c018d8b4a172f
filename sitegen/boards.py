"""`sitegen boards posted`: record that what is due on some boards now was put up.

Each board gets a round in content/postings.yaml (content/postings.py), appended
so that whatever staff wrote or corrected there stays as it was. The next
posting list compares each board with its last round (site/posting.py).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.content.postings import HEADER, POSTINGS_FILE, parse_postings, round_text
from sitegen.content.sourcetext import read_source
from sitegen.errors import Diagnostics, UserError, suggest
from sitegen.inside import leads_outside
from sitegen.model import PostingRound
from sitegen.pipeline import load_view
from sitegen.site.posting import BoardDue
from sitegen.swap import folder_locked


def record_posted(
    site_dir: Path, now: datetime, names: list[str]
) -> tuple[Path, list[PostingRound]]:
    """Append a round at `now` for the boards `names` (all when empty); the file and
    the rounds written. One run at a time reads the file and writes it back (a lock
    on content/ around that), so two staff recording rounds at once both end up in
    it. (Not yet on Windows, where the lock is not to be had: see swap.lock_folder.)"""
    view, _warnings = load_view(site_dir, now, keep_cache=False)
    dues = _chosen(view.boards, names)
    rounds = [
        PostingRound(now, due.community.slug, due.board.id, tuple(n.slug for n in due.posted))
        for due in dues
    ]
    path = site_dir / "content" / POSTINGS_FILE
    with folder_locked(site_dir / "content"):
        _append(_writable(site_dir, path), rounds, view.config.timezone)
    return path, rounds


def _writable(site_dir: Path, path: Path) -> Path:
    """The file to write the rounds to: postings.yaml, or where a link of that name
    leads if it stays inside the site (the link is kept); a link out is refused."""
    if not path.is_symlink():
        return path
    real = leads_outside(path, site_dir)
    if real is not None:
        raise UserError(
            f"content/{POSTINGS_FILE} is a link to {real}, outside the site folder: sitegen "
            "does not write there",
            f"replace the link with the file itself (copy {real} into content/)",
        )
    return Path(os.path.realpath(path))


def _append(path: Path, rounds: list[PostingRound], tz: ZoneInfo) -> None:
    """The rounds added at the end of the file, which is otherwise left as staff wrote it."""
    before = _text(path)
    text = (before.rstrip("\n") + "\n" if before else HEADER) + "".join(
        round_text(r, tz) for r in rounds
    )
    shown = Path("content") / POSTINGS_FILE
    known = len(parse_postings(before, shown, Diagnostics(), tz)) if before else 0
    if len(parse_postings(text, shown, Diagnostics(), tz)) != known + len(rounds):
        raise UserError(
            f"{shown}: sitegen cannot add to this file as it is laid out",
            "keep `rounds:` as the last key, on a line of its own, with each round "
            "under it starting `  - date:`",
        )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _chosen(dues: list[BoardDue], names: list[str]) -> list[BoardDue]:
    """The boards called `names` (`community/board`, or the pack's `community-board`)."""
    if not dues:
        raise UserError(
            "no community has a board (`boards:` in content/communities/): nothing to record"
        )
    if not names:
        return dues
    by_name: dict[str, BoardDue] = {}
    for due in dues:
        by_name[f"{due.community.slug}/{due.board.id}"] = due
        by_name[f"{due.community.slug}-{due.board.id}"] = due
    chosen = []
    for name in names:
        given = name.strip().removesuffix(".pdf")
        if given not in by_name:
            raise UserError(
                f"--board {name}: no such board",
                suggest(given, by_name, "name a board as community/board id, e.g. longchi/dongmen"),
            )
        if by_name[given] not in chosen:
            chosen.append(by_name[given])
    return chosen


def _text(path: Path) -> str:
    """The file's text as sitegen reads it (any encoding staff saved it in), or ''."""
    if not path.exists():
        return ""
    text = read_source(path, path, Diagnostics())
    return text if text and text.strip() else ""
