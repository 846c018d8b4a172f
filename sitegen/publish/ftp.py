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
import ssl
from collections.abc import Callable

from sitegen.publish.manifest import MAX_BYTES, ManifestError
from sitegen.publish.targets import Target
from sitegen.publish.transport import RemoteTree

TIMEOUT_S = 60


def _missing(err: ftplib.error_perm) -> bool:
    return str(err).startswith("550")


class FtpTransport(RemoteTree):
    refused = ftplib.error_perm

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
        super().__init__(target.path)

    def _mkdir(self, folder: str) -> None:
        self.ftp.mkd(folder)

    def _upload(self, remote: str, data: bytes) -> None:
        self.ftp.storbinary(f"STOR {remote}", io.BytesIO(data))

    def _rename(self, source: str, destination: str) -> None:
        self.ftp.rename(source, destination)

    def _remove(self, remote: str) -> None:
        self.ftp.delete(remote)

    def _rmdir(self, remote: str) -> None:
        self.ftp.rmd(remote)

    def read(self, path: str) -> bytes | None:
        received = io.BytesIO()

        def keep(block: bytes) -> None:
            received.write(block)
            if received.tell() > MAX_BYTES:
                raise ManifestError(f"{path} on the server is too large to be sitegen's")

        try:
            self.ftp.retrbinary(f"RETR {self._remote(path)}", keep)
        except ftplib.error_perm as err:
            if _missing(err):
                return None
            raise
        return received.getvalue()

    def delete(self, path: str) -> None:
        try:
            self.ftp.delete(self._remote(path))
        except ftplib.error_perm as err:
            if not _missing(err):
                raise

    def close(self) -> None:
        try:
            self.ftp.quit()
        except (*ftplib.all_errors, EOFError):
            self.ftp.close()
