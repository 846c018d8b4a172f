"""What publishing needs of a target, whatever its kind: read a file (the manifest),
write a file so that it is never seen half-written under its real name, delete a
file, and tidy folders left empty. One module per kind implements it."""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Callable, Iterable
from typing import ClassVar, Protocol

from sitegen.publish.targets import Target

PART_SUFFIX = ".sitegen-part"  # a file on its way up, renamed into place once whole


class Transport(Protocol):
    def check_folders(self, paths: Iterable[str]) -> None:
        """Refuse (UserError), before anything is sent, to write or delete any of
        `paths` where a folder they are in is a link on the target."""

    def read(self, path: str) -> bytes | None:
        """The file at `path` under the target's folder, or None if there is none."""

    def write(self, path: str, data: bytes) -> None:
        """Put `data` at `path`, through a temporary name in the same folder."""

    def delete(self, path: str) -> None:
        """Remove the file at `path`; one already gone is no error."""

    def remove_empty_folders(self, folders: Iterable[str]) -> None:
        """Remove those of `folders` (deepest first) that are now empty."""

    def close(self) -> None: ...


def part_name(name: str) -> str:
    """The temporary name a file goes up under: a dot name beside it."""
    return f".{name}{PART_SUFFIX}"


def deepest_first(folders: Iterable[str]) -> list[str]:
    return sorted(set(folders), key=lambda folder: folder.count("/"), reverse=True)


def folders_of(folder: str) -> list[str]:
    """`a/b/c` -> a/b/c, a/b, a (and `` -> none)."""
    parts = folder.split("/") if folder else []
    return ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]


class RemoteTree:
    """What FTP and SFTP targets share: a base folder on the server, folders made as
    they are needed, each file written under its part name and renamed into place.
    A subclass gives the server's own operations, and `refused`, the error a server
    answers a refused operation with."""

    refused: ClassVar[type[Exception] | tuple[type[Exception], ...]]

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.folders: set[str] = set()
        self._make_folders(self.base)

    def _mkdir(self, folder: str) -> None: ...
    def _upload(self, remote: str, data: bytes) -> None: ...
    def _rename(self, source: str, destination: str) -> None: ...
    def _remove(self, remote: str) -> None: ...
    def _rmdir(self, remote: str) -> None: ...

    def _remote(self, path: str) -> str:
        return f"{self.base}/{path}"

    def check_folders(self, paths: Iterable[str]) -> None:
        """FTP cannot tell a link from a folder, so an FTP target gets no check for
        links: there the guarantee is that every path sent or deleted is one sitegen
        would write (the output's names checked before connecting, the manifest's
        entries as it is read), which never leaves the target folder by itself."""

    def _make_folders(self, folder: str) -> None:
        """Make `folder` and those it is in, remembering which exist."""
        if not folder or folder == "/" or folder in self.folders:
            return
        self._make_folders(posixpath.dirname(folder))
        with contextlib.suppress(self.refused):  # there already (said in several ways)
            self._mkdir(folder)
        self.folders.add(folder)

    def write(self, path: str, data: bytes) -> None:
        final = self._remote(path)
        folder, name = posixpath.split(final)
        self._make_folders(folder)
        part = f"{folder}/{part_name(name)}"
        self._upload(part, data)
        try:
            self._rename(part, final)
        except self.refused:
            # Servers that will not rename over a file (IIS): the old one goes first, so
            # for a moment there is none, but never one half-written.
            with contextlib.suppress(self.refused):
                self._remove(final)
            self._rename(part, final)

    def remove_empty_folders(self, folders: Iterable[str]) -> None:
        for folder in deepest_first(folders):
            with contextlib.suppress(self.refused):  # not empty: left as it is
                self._rmdir(self._remote(folder))


def connect(target: Target, password: Callable[[], str], insecure: bool = False) -> Transport:
    """An open transport to `target`; `password` is asked only by targets that need one;
    `insecure`: a TLS certificate is not checked."""
    if target.scheme == "file":
        from sitegen.publish.folder import FolderTransport

        return FolderTransport(target)
    if target.scheme in ("ftp", "ftps"):
        from sitegen.publish.ftp import FtpTransport

        return FtpTransport(target, password, insecure)
    if target.scheme == "sftp":
        from sitegen.publish.sftp import SftpTransport

        return SftpTransport(target, password)
    from sitegen.publish.s3 import S3Transport

    return S3Transport(target, password)
