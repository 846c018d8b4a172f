"""Watching a site's sources and calling back, once per burst of changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from sitegen.sitefolder.sitefiles import is_ignored

DEBOUNCE_SECONDS = 0.15  # editors write a file in several steps; wait for the last


class _Debounced(FileSystemEventHandler):
    def __init__(self, site_dir: Path, on_change: Callable[[list[str]], None]) -> None:
        self.site_dir = site_dir
        self.on_change = on_change
        self.changed: set[str] = set()
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        relevant = [p for p in paths if p and self._relevant(Path(str(p)))]
        if not relevant:
            return
        with self.lock:
            self.changed.update(str(p) for p in relevant)
            if self.timer is not None:
                self.timer.cancel()
            self.timer = threading.Timer(DEBOUNCE_SECONDS, self._fire)
            self.timer.daemon = True
            self.timer.start()

    def _relevant(self, path: Path) -> bool:
        try:
            parts = path.resolve().relative_to(self.site_dir.resolve()).parts
        except ValueError:
            return False
        return bool(parts) and parts[0] in WATCHED and not any(is_ignored(p) for p in parts)

    def _fire(self) -> None:
        with self.lock:
            changed, self.changed = sorted(self.changed), set()
        self.on_change(changed)


WATCHED = ("content", "themes")


def watched_folders(site_dir: Path) -> dict[str, tuple[int, int]]:
    """The folders to watch that are there now, each with what tells it from one put
    in its place (device and inode)."""
    found = {}
    for name in WATCHED:
        try:
            info = (site_dir / name).stat()
        except OSError:
            continue
        found[name] = (info.st_dev, info.st_ino)
    return found


def watch(site_dir: Path, on_change: Callable[[list[str]], None], poll: bool = False):
    """Start watching content/ and themes/; returns the running observer (call .stop())."""
    observer = PollingObserver(timeout=0.5) if poll else Observer()
    handler = _Debounced(site_dir, on_change)
    for name in WATCHED:
        folder = site_dir / name
        if folder.is_dir():
            observer.schedule(handler, str(folder), recursive=True)
    observer.daemon = True
    observer.start()
    return observer
