"""Publishing to a folder: a mounted share, a USB stick, the web server's own folder.

Nothing under the target folder is followed if it is a link (or a Windows
junction): someone who can write there could otherwise turn `static/` into a
link to the staff PC's own documents and have publish write or delete there.
Each folder a publish touches is looked at once, before anything is sent; part
files are made new (never opened through a link left in their place); a
deleted name is unlinked, which removes a link, never what it leads to.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from sitegen.errors import UserError
from sitegen.publish.manifest import MAX_BYTES
from sitegen.publish.targets import Target
from sitegen.publish.transport import deepest_first, folders_of, part_name

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # Windows has none: links are refused by lstat
_BINARY = getattr(os, "O_BINARY", 0)
_NO_WAIT = getattr(os, "O_NONBLOCK", 0)


def is_link(info: os.stat_result) -> bool:
    """A symbolic link, or on Windows any reparse point (a junction, a mount point)."""
    reparse = getattr(info, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_REPARSE_POINT
    return stat.S_ISLNK(info.st_mode) or bool(reparse)


class FolderTransport:
    def __init__(self, target: Target) -> None:
        self.root = Path(target.path)
        self.root.mkdir(parents=True, exist_ok=True)
        self.checked: set[str] = set()

    def check_folders(self, paths: Iterable[str]) -> None:
        """Refuse, before anything is written, if a folder any of `paths` is in is a
        link on the target."""
        folders = {folder for path in paths for folder in folders_of(os.path.dirname(path))}
        for folder in sorted(folders - self.checked):
            try:
                info = os.lstat(self.root / folder)
            except FileNotFoundError:
                continue  # made by this publish, as a real folder
            if is_link(info):
                leads = os.path.realpath(self.root / folder)
                raise UserError(
                    f"{self.root / folder} on the target is a link (to {leads}): sitegen "
                    "never writes or deletes through a link; nothing was sent or deleted",
                    f"remove the link from the target folder (a real folder {folder}/ is "
                    "made in its place), then publish again",
                )
        self.checked |= folders

    def read(self, path: str) -> bytes | None:
        try:
            info = os.lstat(self.root / path)
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(info.st_mode) or is_link(info):  # a link, a folder, a pipe
            raise UserError(
                f"{self.root / path} on the target is not a file sitegen wrote",
                "remove it from the target folder, then publish with --forget-manifest",
            )
        # Not waiting, should a pipe be put in its place since: a regular file reads as ever.
        handle = os.open(self.root / path, os.O_RDONLY | _NO_WAIT | _NO_FOLLOW | _BINARY)
        with os.fdopen(handle, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise UserError(f"{self.root / path} on the target is not a file")
            return stream.read(MAX_BYTES + 1)

    def write(self, path: str, data: bytes) -> None:
        self.check_folders([path])
        final = self.root / path
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(part_name(final.name))
        try:
            part.unlink(missing_ok=True)  # a link left in its place is removed, not followed
        except OSError as err:
            if not (part.is_dir() and not part.is_symlink()):
                raise
            raise UserError(
                f"{part} on the target is a folder, where sitegen puts {path} on its way up",
                "remove that folder from the target, then publish again",
            ) from err
        handle = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW | _BINARY, 0o666)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(part, final)

    def delete(self, path: str) -> None:
        self.check_folders([path])
        (self.root / path).unlink(missing_ok=True)

    def remove_empty_folders(self, folders: Iterable[str]) -> None:
        for folder in deepest_first(folders):  # each checked before anything was sent
            with contextlib.suppress(OSError):  # not empty, a link, or gone: left as it is
                if not is_link(os.lstat(self.root / folder)):
                    (self.root / folder).rmdir()

    def close(self) -> None:
        pass
