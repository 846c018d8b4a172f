"""The publish tests' real targets, shared by test_publish.py and test_hostile_targets.py:
a small built site, FTP and FTPS servers (pyftpdlib), Debian's OpenSSH server and
moto's S3-compatible server, each started on 127.0.0.1 by the test that uses it.
Loaded as a pytest plugin by conftest.py, so its fixtures are everyone's."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import MINIMAL_SITE, NOW, REPO, run_sitegen, write_site

PASSWORD = "Qx7-ftp-密码-9"  # the test servers' only
MAP_NAME = "停水范围图.svg"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>\n'


def notice(title: str, day: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: {day}\ncommunities: [huashan]\n---\n{body}\n"


SITE = {
    **MINIMAL_SITE,
    f"content/assets/{MAP_NAME}": SVG,
    "content/notices/2026-11-17-垃圾分类.md": notice(
        "关于垃圾分类定时投放的通知", "2026-11-17", "请在每天 7:00-9:00 投放。"
    ),
    "content/notices/2026-11-16-义诊.md": notice(
        "社区义诊活动", "2026-11-16", f"义诊地点见![停水范围图](../assets/{MAP_NAME})。"
    ),
}


@dataclass
class Site:
    root: Path

    @property
    def out(self) -> Path:
        return self.root / "output"

    def build(self, *extra: str) -> None:
        result = run_sitegen("build", str(self.root), "--now", NOW, "--no-print", *extra)
        assert result.returncode == 0, result.stderr

    def publish(self, target: str, *extra: str, env: dict | None = None):
        return publish(self.root, target, *extra, env=env)

    def files(self) -> dict[str, bytes]:
        return tree(self.out)


def publish(site: Path, target: str, *extra: str, env: dict | None = None):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sitegen",
            "publish",
            str(site),
            "--to",
            target,
            "--now",
            NOW,
            *extra,
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    return done


def tree(folder: Path, skip_dot: bool = True) -> dict[str, bytes]:
    """Every file under `folder` (dot files at the top left out) and its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not (skip_dot and p.relative_to(folder).as_posix().startswith("."))
    }


@pytest.fixture
def site(tmp_path: Path) -> Site:
    built = Site(write_site(tmp_path / "site", SITE))
    built.build()
    return built


# --- an FTP server of our own ----------------------------------------------------------------


@dataclass
class Server:
    root: Path
    port: int
    handler: type

    def url(self, scheme: str = "ftp", path: str = "/www", query: str = "") -> str:
        return f"{scheme}://staff@127.0.0.1:{self.port}{path}{query}"

    def files(self, path: str = "www") -> dict[str, bytes]:
        return tree(self.root / path)


def start_server(root: Path, handler_base=None, throttle: int | None = None, **settings):
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler, ThrottledDTPHandler
    from pyftpdlib.servers import ThreadedFTPServer

    authorizer = DummyAuthorizer()
    authorizer.add_user("staff", PASSWORD, str(root), perm="elradfmwMT")
    handler = type("Handler", (handler_base or FTPHandler,), {"authorizer": authorizer, **settings})
    if throttle:
        handler.dtp_handler = type("Slow", (ThrottledDTPHandler,), {"read_limit": throttle})
    handler.passive_ports = None
    server = ThreadedFTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.2}, daemon=True)
    thread.start()
    info = Server(root, server.address[1], handler)
    for scheme in ("ftp", "ftps"):  # as `sitegen publish --to URL --trust-host` records it
        trust_host(info.url(scheme))
    return server, thread, info


def trust_host(url: str) -> None:
    """Record, in this test's settings folder, that the password may go to `url`'s host."""
    from sitegen.publish.targets import parse_target
    from sitegen.publish.trust import trust

    trust(parse_target(url))


@pytest.fixture
def ftp_server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "ftp-root"
    (root / "www/uploads").mkdir(parents=True)
    (root / "www/.htaccess").write_text("Options -Indexes\n", encoding="utf-8")
    (root / "www/uploads/合影.jpg").write_bytes(b"\xff\xd8 a photo staff put there")
    server, thread, info = start_server(root)
    yield info
    server.close_all()
    thread.join(timeout=10)


FTP_ENV = {"SITEGEN_PUBLISH_PASSWORD": PASSWORD}


def sent_count(stdout: str) -> int:
    summary = [line for line in stdout.splitlines() if line.startswith("published to ")]
    assert summary, stdout
    return int(summary[-1].split(": ", 1)[1].split(" files sent", 1)[0])


def grep_password(*folders: Path) -> list[str]:
    needle = PASSWORD.encode("utf-8")
    return [
        str(p)
        for folder in folders
        for p in folder.rglob("*")
        if p.is_file() and needle in p.read_bytes()
    ]


@dataclass
class SshServer:
    port: int
    known_hosts: Path
    user_key: Path
    root: Path

    def url(self) -> str:
        return f"sftp://{os.environ.get('USER') or 'root'}@127.0.0.1:{self.port}{self.root}/www"

    def env(self) -> dict[str, str]:
        return {
            "SITEGEN_PUBLISH_KEY": str(self.user_key),
            "SITEGEN_PUBLISH_KNOWN_HOSTS": str(self.known_hosts),
            "SSH_AUTH_SOCK": "",
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def ssh_server(tmp_path: Path) -> Iterator[SshServer]:
    sshd = Path("/usr/sbin/sshd")
    if not sshd.is_file():
        pytest.fail("openssh-server missing: scripts/test installs it")
    keys = tmp_path / "ssh"
    keys.mkdir()
    for name in ("host", "user"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True
        )
    (keys / "authorized_keys").write_text((keys / "user.pub").read_text(), encoding="utf-8")
    port = free_port()
    config = keys / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\n"
        f"AuthorizedKeysFile {keys / 'authorized_keys'}\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nStrictModes no\n"
        f"PidFile {keys / 'sshd.pid'}\nSubsystem sftp internal-sftp\nUsePAM no\n",
        encoding="utf-8",
    )
    Path("/run/sshd").mkdir(exist_ok=True)  # the privilege separation folder sshd wants
    process = subprocess.Popen([str(sshd), "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE)
    host_key = (keys / "host.pub").read_text().split()
    known = keys / "known_hosts"
    known.write_text(f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}\n", encoding="utf-8")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    root = tmp_path / "sftp-root"
    (root / "www/uploads").mkdir(parents=True)
    (root / "www/uploads/合影.jpg").write_bytes(b"staff's photo")
    yield SshServer(port, known, keys / "user", root)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def bucket_files(endpoint: str, bucket: str, prefix: str) -> dict[str, tuple[bytes, str]]:
    import boto3

    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key=PASSWORD,
    )  # fmt: skip
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            got = client.get_object(Bucket=bucket, Key=item["Key"])
            found[item["Key"].removeprefix(prefix)] = (got["Body"].read(), got["ContentType"])
    return found
