"""Publishing over SFTP (SSH), with paramiko.

The server must be known: its key is checked against ~/.ssh/known_hosts (or the
file SITEGEN_PUBLISH_KNOWN_HOSTS names); an unknown server is asked about on a
terminal, showing its key's fingerprint, and refused without one. Logging in
uses, in turn, the key SITEGEN_PUBLISH_KEY names, an ssh agent, the keys in
~/.ssh, and a password (SITEGEN_PUBLISH_PASSWORD, or asked) only if the server
takes none of those.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from sitegen.errors import UserError
from sitegen.publish.asking import agreed
from sitegen.publish.manifest import MAX_BYTES
from sitegen.publish.targets import Target
from sitegen.publish.transport import RemoteTree, folders_of

KEY_VARIABLE = "SITEGEN_PUBLISH_KEY"
KNOWN_HOSTS_VARIABLE = "SITEGEN_PUBLISH_KNOWN_HOSTS"
TIMEOUT_S = 30


def known_hosts_file() -> Path:
    named = os.environ.get(KNOWN_HOSTS_VARIABLE)
    return Path(named) if named else Path.home() / ".ssh" / "known_hosts"


class SftpTransport(RemoteTree):
    refused = OSError

    def __init__(self, target: Target, password: Callable[[], str]) -> None:
        import paramiko

        self.client = paramiko.SSHClient()
        hosts = known_hosts_file()
        if hosts.is_file():
            self.client.load_host_keys(str(hosts))
        self.client.set_missing_host_key_policy(_AskOnATerminal(hosts))
        key = os.environ.get(KEY_VARIABLE)
        user = target.user or os.environ.get("USER", "")
        try:
            self._connect(target, user, key, password)
        except paramiko.SSHException as err:  # told apart from faults of the network below
            raise ConnectionError(f"SSH: {err}") from err
        self.sftp = self.client.open_sftp()
        self.checked: set[str] = set()
        super().__init__(target.path)

    def check_folders(self, paths: Iterable[str]) -> None:
        """Each folder looked at once (lstat, which does not follow a link): a link
        on the server is refused before anything is sent."""
        folders = {folder for path in paths for folder in folders_of(posixpath.dirname(path))}
        for folder in sorted(folders - self.checked):
            try:
                info = self.sftp.lstat(self._remote(folder))
            except FileNotFoundError:
                continue
            if info.st_mode is not None and stat.S_ISLNK(info.st_mode):
                raise UserError(
                    f"{self._remote(folder)} on the server is a link: sitegen never writes "
                    "or deletes through a link; nothing was sent or deleted",
                    f"remove the link on the server (a real folder {folder}/ is made in its "
                    "place), then publish again",
                )
        self.checked |= folders

    def _connect(
        self, target: Target, user: str, key: str | None, password: Callable[[], str]
    ) -> None:
        import paramiko

        try:
            self.client.connect(
                target.host,
                target.port or 22,
                username=user,
                key_filename=key or None,
                timeout=TIMEOUT_S,
                banner_timeout=TIMEOUT_S,
                auth_timeout=TIMEOUT_S,
            )
        except paramiko.AuthenticationException:
            # No key the server takes: a password, if there is one to be had.
            self.client.connect(
                target.host,
                target.port or 22,
                username=user,
                password=password(),
                allow_agent=False,
                look_for_keys=False,
                timeout=TIMEOUT_S,
            )

    def _mkdir(self, folder: str) -> None:
        self.sftp.mkdir(folder)

    def _upload(self, remote: str, data: bytes) -> None:
        # Made new (O_EXCL), so a link left in the part file's place is never written through.
        with contextlib.suppress(FileNotFoundError):
            self.sftp.remove(remote)
        with self.sftp.open(remote, "wx") as stream:
            stream.set_pipelined(True)
            stream.write(data)
        size = self.sftp.stat(remote).st_size
        if size != len(data):
            raise OSError(f"{remote}: {size} bytes arrived of {len(data)}")

    def _rename(self, source: str, destination: str) -> None:
        try:
            self.sftp.posix_rename(source, destination)  # OpenSSH's: replaces in one step
        except OSError:
            self.sftp.rename(source, destination)

    def _remove(self, remote: str) -> None:
        self.sftp.remove(remote)

    def _rmdir(self, remote: str) -> None:
        self.sftp.rmdir(remote)

    def read(self, path: str) -> bytes | None:
        try:
            info = self.sftp.lstat(self._remote(path))
        except FileNotFoundError:  # paramiko's IOError(ENOENT) is one
            return None
        if info.st_mode is None or not stat.S_ISREG(info.st_mode):
            raise UserError(
                f"{self._remote(path)} on the server is not a file sitegen wrote (a link?)",
                "remove it on the server, then publish with --forget-manifest",
            )
        with self.sftp.open(self._remote(path), "rb") as stream:
            return stream.read(MAX_BYTES + 1)

    def delete(self, path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.sftp.remove(self._remote(path))

    def close(self) -> None:
        self.sftp.close()
        self.client.close()


class _AskOnATerminal:
    """An unknown server: ask on a terminal (and remember it in the known hosts file),
    refuse without one."""

    def __init__(self, hosts: Path) -> None:
        self.hosts = hosts

    def missing_host_key(self, client, hostname: str, key) -> None:
        fingerprint = key.fingerprint if hasattr(key, "fingerprint") else key.get_base64()
        question = (
            f"{hostname} is not a known server; its {key.get_name()} key is {fingerprint}.\n"
            "Is that the key your host gave you? [y/N] "
        )
        refusal = UserError(
            f"{hostname} is not a known server (its {key.get_name()} key is {fingerprint})",
            f"check the key with the host's staff, then add it to {self.hosts} "
            f"(ssh-keyscan), or publish once from a terminal to be asked",
        )
        if not agreed(question, refusal):
            raise UserError(f"{hostname}: the server's key was not accepted; nothing was sent")
        client.get_host_keys().add(hostname, key.get_name(), key)
        self.hosts.parent.mkdir(parents=True, exist_ok=True)
        client.save_host_keys(str(self.hosts))
