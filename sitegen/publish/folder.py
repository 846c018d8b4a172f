"""Publishing to a folder: a mounted share, a USB stick, the web server's own folder."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from sitegen.publish.targets import Target
from sitegen.publish.transport import deepest_first, part_name


class FolderTransport:
    def __init__(self, target: Target) -> None:
        self.root = Path(target.path)
        self.root.mkdir(parents=True, exist_ok=True)

    def read(self, path: str) -> bytes | None:
        try:
            return (self.root / path).read_bytes()
        except FileNotFoundError:
            return None

    def write(self, path: str, data: bytes) -> None:
        final = self.root / path
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(part_name(final.name))
        with open(part, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(part, final)

    def delete(self, path: str) -> None:
        (self.root / path).unlink(missing_ok=True)

    def remove_empty_folders(self, folders: Iterable[str]) -> None:
        for folder in deepest_first(folders):
            with contextlib.suppress(OSError):  # not empty, or gone: left as it is
                (self.root / folder).rmdir()

    def close(self) -> None:
        pass
