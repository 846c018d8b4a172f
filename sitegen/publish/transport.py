"""What publishing needs of a target, whatever its kind: read a file (the manifest),
write a file so that it is never seen half-written under its real name, delete a
file, and tidy folders left empty. One module per kind implements it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from sitegen.publish.targets import Target

PART_SUFFIX = ".sitegen-part"  # a file on its way up, renamed into place once whole


class Transport(Protocol):
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
