"""Publishing over FTP, or FTPS (explicit TLS, the server's certificate checked), with
the standard library's ftplib.

Names go over the wire in UTF-8 (`OPTS UTF8 ON`), or in the encoding a target
names (`encoding: gbk` for a Chinese Windows/IIS server). Passive mode unless
the target says `mode: active`; ftplib already ignores the private address a
server behind NAT advertises for passive connections and uses the server's own.
"""

from __future__ import annotations

import contextlib
import ftplib
import io
import posixpath
import ssl
from collections.abc import Callable, Iterable

from sitegen.publish.targets import Target
from sitegen.publish.transport import part_name

TIMEOUT_S = 60


def _missing(err: ftplib.error_perm) -> bool:
    return str(err).startswith("550")


class FtpTransport:
    def __init__(self, target: Target, password: Callable[[], str], insecure: bool = False) -> None:
        encoding = target.options.get("encoding", "utf-8")
        if target.scheme == "ftps":
            context = ssl.create_default_context()
            if insecure:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            self.ftp: ftplib.FTP = ftplib.FTP_TLS(
                context=context, encoding=encoding, timeout=TIMEOUT_S
            )
        else:
            self.ftp = ftplib.FTP(encoding=encoding, timeout=TIMEOUT_S)
        self.ftp.connect(target.host, target.port or 21)
        user = target.user or "anonymous"
        self.ftp.login(user, password() if target.user else "anonymous@")
        if isinstance(self.ftp, ftplib.FTP_TLS):
            self.ftp.prot_p()  # the files themselves encrypted too, not just the login
        if encoding.lower().replace("-", "") in ("utf8", "utf_8"):
            with contextlib.suppress(ftplib.error_perm):  # servers that are UTF-8 anyway
                self.ftp.sendcmd("OPTS UTF8 ON")
        self.ftp.set_pasv(target.options.get("mode", "passive") == "passive")
        self.base = target.path.rstrip("/") or ""
        self.folders: set[str] = set()
        self._make_folders(self.base)

    def _remote(self, path: str) -> str:
        return f"{self.base}/{path}"

    def _make_folders(self, folder: str) -> None:
        """Make `folder` and those it is in, remembering which exist."""
        if not folder or folder == "/" or folder in self.folders:
            return
        self._make_folders(posixpath.dirname(folder))
        with contextlib.suppress(ftplib.error_perm):  # there already (said in several ways)
            self.ftp.mkd(folder)
        self.folders.add(folder)

    def read(self, path: str) -> bytes | None:
        received = io.BytesIO()
        try:
            self.ftp.retrbinary(f"RETR {self._remote(path)}", received.write)
        except ftplib.error_perm as err:
            if _missing(err):
                return None
            raise
        return received.getvalue()

    def write(self, path: str, data: bytes) -> None:
        final = self._remote(path)
        folder, name = posixpath.split(final)
        self._make_folders(folder)
        part = f"{folder}/{part_name(name)}"
        self.ftp.storbinary(f"STOR {part}", io.BytesIO(data))
        try:
            self.ftp.rename(part, final)
        except ftplib.error_perm:
            # Servers that will not rename over a file (IIS): the old one goes first, so
            # for a moment there is none, but never one half-written.
            with contextlib.suppress(ftplib.error_perm):
                self.ftp.delete(final)
            self.ftp.rename(part, final)

    def delete(self, path: str) -> None:
        try:
            self.ftp.delete(self._remote(path))
        except ftplib.error_perm as err:
            if not _missing(err):
                raise

    def remove_empty_folders(self, folders: Iterable[str]) -> None:
        for folder in sorted(set(folders), key=lambda f: f.count("/"), reverse=True):
            with contextlib.suppress(ftplib.error_perm):  # not empty: left as it is
                self.ftp.rmd(self._remote(folder))

    def close(self) -> None:
        try:
            self.ftp.quit()
        except (*ftplib.all_errors, EOFError):
            self.ftp.close()
