"""A target someone else can write to: its manifest, its folders and its part files are
hostile input. Through the real command line and real servers (a folder, pyftpdlib
with its own path check switched off, Debian's sshd), nothing outside the target, and
nothing on it that sitegen did not put there, is ever written or deleted; sentinel
files beside the target and outside the site are compared byte for byte."""

from __future__ import annotations

import json
import os
import pty
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from conftest import NOW, REPO, run_sitegen
from publishing import FTP_ENV, PASSWORD, Site, SshServer, start_server, tree

MANIFEST = ".sitegen-manifest.json"
SECRET = b"the office's own file: never to be touched\n"


@dataclass
class Sentinels:
    """Files a hostile target must not reach: one beside the target folder, one outside
    the site folder, and the host's own .htaccess in the target."""

    files: dict[Path, bytes]

    def intact(self) -> list[str]:
        return [
            str(path)
            for path, data in self.files.items()
            if not path.is_file() or path.is_symlink() or path.read_bytes() != data
        ]


def lay_sentinels(tmp_path: Path, target: Path) -> Sentinels:
    files = {
        target.parent / "victim.txt": SECRET,
        tmp_path / "outside" / "secret.txt": SECRET,
        target / ".htaccess": b"Options -Indexes\n",
    }
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return Sentinels(files)


def hostile_entries(target: Path, tmp_path: Path) -> list[str]:
    """The review's cases: `..`, an absolute path, a host's dot file, control characters."""
    return [
        "../victim.txt",
        "../../outside/secret.txt",
        str(tmp_path / "outside" / "secret.txt"),
        ".htaccess",
        "notices/x\r\nDELE ../victim.txt",
        "assets/\x1b[2Jcleared.png",
    ]


def add_to_manifest(target: Path, paths: list[str], sending: list[str] = ()) -> None:
    body = json.loads((target / MANIFEST).read_text("utf-8"))
    body["files"].update({path: "0" * 64 for path in paths})
    if sending:
        body["sending"] = list(sending)
    (target / MANIFEST).write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")


def test_a_folder_target_with_a_hostile_manifest_is_refused_whole(
    site: Site, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    sentinels = lay_sentinels(tmp_path, target)
    assert site.publish(str(target), "--yes").returncode == 0
    add_to_manifest(target, hostile_entries(target, tmp_path))
    before = tree(target, skip_dot=False)

    refused = site.publish(str(target), "--yes")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "lists 6 entries sitegen never writes" in refused.stderr, refused.stderr
    assert "`../victim.txt`: it has an empty, `.` or `..` part" in refused.stderr
    assert "`.htaccess`: a part of it starts with a dot" in refused.stderr
    assert "`notices/x\\r\\nDELE ../victim.txt`: it holds a control character" in refused.stderr
    assert "\x1b" not in refused.stderr, "a control character reached the terminal"
    assert "nothing was sent or deleted" in refused.stderr
    assert "--forget-manifest" in refused.stderr
    assert tree(target, skip_dot=False) == before
    assert not sentinels.intact()

    # the way out: every file sent, nothing deleted, a clean manifest
    recovered = site.publish(str(target), "--yes", "--forget-manifest")
    assert recovered.returncode == 0, recovered.stderr
    assert "0 deleted" in recovered.stdout
    clean = json.loads((target / MANIFEST).read_text("utf-8"))
    assert sorted(clean["files"]) == sorted(site.files())
    assert "sending" not in clean
    again = site.publish(str(target), "--yes")
    assert again.returncode == 0 and "is up to date" in again.stdout, again.stderr
    assert not sentinels.intact()


def test_a_folder_target_never_writes_or_deletes_through_a_link(site: Site, tmp_path: Path) -> None:
    target = tmp_path / "www"
    sentinels = lay_sentinels(tmp_path, target)
    assert site.publish(str(target), "--yes").returncode == 0
    outside = tmp_path / "outside"
    # assets/ on the host replaced by a link to a folder of the office PC's
    (target / "assets").rename(tmp_path / "assets-was")
    (target / "assets").symlink_to(outside, target_is_directory=True)
    map_file = next((site.root / "content/assets").iterdir())
    map_file.write_text(map_file.read_text("utf-8") + "<!-- v2 -->\n", encoding="utf-8")
    site.build()
    refused = site.publish(str(target), "--yes")
    assert refused.returncode == 1
    assert "assets on the target is a link" in refused.stderr, refused.stderr
    assert "nothing was sent or deleted" in refused.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert not sentinels.intact()

    # a part file left as a link to the office's file is removed, never written through
    (target / "assets").unlink()
    (tmp_path / "assets-was").rename(target / "assets")
    (target / ".index.html.sitegen-part").symlink_to(outside / "secret.txt")
    page = site.root / "content/notices/2026-11-17-垃圾分类.md"
    page.write_text(page.read_text("utf-8") + "\n补充。\n", encoding="utf-8")
    site.build()
    sent = site.publish(str(target), "--yes")
    assert sent.returncode == 0, sent.stderr
    assert (target / "index.html").read_bytes() == (site.out / "index.html").read_bytes()
    assert not (target / ".index.html.sitegen-part").exists()
    assert not sentinels.intact()


def test_part_files_a_stopped_publish_left_are_removed_by_the_next(
    site: Site, tmp_path: Path
) -> None:
    """A publish stopped while sending `old/page.html` (since removed from the site) left
    its part file; the manifest named it as on its way, so the next publish removes it.
    A dot name that is not one of its own part files stays."""
    target = tmp_path / "www"
    sentinels = lay_sentinels(tmp_path, target)
    assert site.publish(str(target), "--yes").returncode == 0
    (target / "old").mkdir()
    (target / "old/.page.html.sitegen-part").write_bytes(b"half a page")
    (target / "old/.user.ini").write_bytes(b"the host's own")
    add_to_manifest(target, [], sending=["old/page.html"])
    result = site.publish(str(target), "--yes")
    assert result.returncode == 0, result.stderr
    assert "1 part file(s) a stopped publish left" in result.stdout
    assert not (target / "old/.page.html.sitegen-part").exists()
    assert (target / "old/.user.ini").read_bytes() == b"the host's own"
    assert "sending" not in json.loads((target / MANIFEST).read_text("utf-8"))
    assert not sentinels.intact()


# --- FTP: pyftpdlib with its own check that paths stay under its root switched off ---------------


def any_path_fs():
    from pyftpdlib.filesystems import AbstractedFS

    class AnyPath(AbstractedFS):
        """A server that follows any path: sitegen must refuse, not the server."""

        def validpath(self, path: str) -> bool:
            return True

    return AnyPath


@pytest.fixture
def open_ftp(tmp_path: Path):
    root = tmp_path / "ftp-root"
    (root / "www").mkdir(parents=True)
    server, thread, info = start_server(root, abstracted_fs=any_path_fs())
    yield info
    server.close_all()
    thread.join(timeout=10)


def test_ftp_with_a_hostile_manifest_deletes_nothing_beside_the_target(
    site: Site, open_ftp, tmp_path: Path
) -> None:
    target = open_ftp.root / "www"
    sentinels = lay_sentinels(tmp_path, target)
    first = site.publish(open_ftp.url(), "--yes", env=FTP_ENV)
    assert first.returncode == 0, first.stderr
    assert "plain FTP: the password and the files travel unencrypted" in first.stderr
    assert "ftps://" in first.stderr
    add_to_manifest(target, hostile_entries(target, tmp_path))
    before = tree(open_ftp.root, skip_dot=False)
    refused = site.publish(open_ftp.url(), "--yes", env=FTP_ENV)
    assert refused.returncode == 1
    assert "entries sitegen never writes" in refused.stderr and "Traceback" not in refused.stderr
    assert tree(open_ftp.root, skip_dot=False) == before
    assert not sentinels.intact()
    recovered = site.publish(open_ftp.url(), "--yes", "--forget-manifest", env=FTP_ENV)
    assert recovered.returncode == 0, recovered.stderr
    assert not sentinels.intact()


def test_names_a_gbk_ftp_server_cannot_hold_are_refused_before_anything_is_sent(
    site: Site, tmp_path: Path
) -> None:
    root = tmp_path / "gbk-root"
    (root / "www").mkdir(parents=True)
    server, thread, gbk = start_server(root, encoding="gbk")
    try:
        (site.root / "content/assets/活动照片😀.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        config = site.root / "content/site.yaml"
        config.write_text(
            config.read_text("utf-8") + f"publish:\n  host:\n    url: {gbk.url()}\n"
            "    encoding: gbk\n",
            encoding="utf-8",
        )
        built = run_sitegen("build", str(site.root), "--now", NOW, "--no-print")
        assert built.returncode == 0, built.stderr
        assert "content/assets/活动照片😀.png: warning:" in built.stderr
        assert "the publish target `host` (gbk) cannot hold this name" in built.stderr
        refused = site.publish("host", "--yes", env=FTP_ENV)
        assert refused.returncode == 1, refused.stdout
        assert "assets/活动照片😀.png: a gbk server cannot hold its name" in refused.stderr
        assert "nothing was sent" in refused.stderr and "Traceback" not in refused.stderr
        assert tree(root / "www", skip_dot=False) == {}
    finally:
        server.close_all()
        thread.join(timeout=10)


# --- SFTP: Debian's OpenSSH server --------------------------------------------------------------


def test_sftp_with_a_hostile_manifest_or_a_linked_folder_changes_nothing_outside(
    site: Site, ssh_server: SshServer, tmp_path: Path
) -> None:
    target = ssh_server.root / "www"
    sentinels = lay_sentinels(tmp_path, target)
    first = site.publish(ssh_server.url(), "--yes", env=ssh_server.env())
    assert first.returncode == 0, first.stderr
    add_to_manifest(target, hostile_entries(target, tmp_path))
    refused = site.publish(ssh_server.url(), "--yes", env=ssh_server.env())
    assert refused.returncode == 1
    assert "entries sitegen never writes" in refused.stderr and "Traceback" not in refused.stderr
    assert not sentinels.intact()

    assert (
        site.publish(
            ssh_server.url(), "--yes", "--forget-manifest", env=ssh_server.env()
        ).returncode
        == 0
    )
    (target / "assets").rename(tmp_path / "assets-was")
    (target / "assets").symlink_to(tmp_path / "outside", target_is_directory=True)
    (site.root / "content/assets/新表格.pdf").write_bytes(b"%PDF-1.4 a form\n")
    site.build()
    linked = site.publish(ssh_server.url(), "--yes", env=ssh_server.env())
    assert linked.returncode == 1
    assert "on the server is a link" in linked.stderr, linked.stderr
    assert sorted(p.name for p in (tmp_path / "outside").iterdir()) == ["secret.txt"]
    assert not sentinels.intact()


# --- a seeded fuzz of hostile manifests, publish called in this process ---------------------------

HOSTILE_PARTS = [
    "..", ".", "", ".htaccess", ".git", ".sitegen-manifest.json", "con", "aux.html", "nul",
    "a:b", "a*b", "a?b", 'a"b', "a<b", "a>b", "a|b", "a\\..\\b", "x.", "x ", "e\u0301.html",
    "a" * 300, "\u202egpj.exe", "\x00", "a\nb", "a\rb", "\t", "\x7f", "\x85",
]  # fmt: skip


def hostile_manifest(rng: random.Random, real: dict[str, str], tmp_path: Path) -> bytes:
    """The real manifest, with some entries changed, some valid names added, and
    (nearly always) some hostile ones; now and then not a manifest at all."""
    roll = rng.random()
    if roll < 0.04:
        return rng.randbytes(rng.randint(0, 200))
    if roll < 0.08:
        return json.dumps({"sitegen_manifest": rng.choice([0, 2, "1", None]), "files": {}}).encode()
    files: dict[str, object] = dict(real)
    for path in rng.sample(sorted(real), k=min(3, len(real))):
        files[path] = rng.choice(["0" * 64, real[path]])
    for _ in range(rng.randint(0, 3)):
        files[f"old/{rng.randint(0, 999)}.html"] = "1" * 64
    sending: list[object] = []
    if rng.random() < 0.9:
        for _ in range(rng.randint(1, 4)):
            parts = [
                rng.choice([*HOSTILE_PARTS, "notices", "assets", "x.html"])
                for _ in range(rng.randint(1, 4))
            ]
            path = "/".join(parts)
            if rng.random() < 0.2:
                path = "/" + path
            if rng.random() < 0.15:
                path = str(tmp_path / "outside" / "secret.txt")
            if rng.random() < 0.2:
                sending.append(path)
            else:
                files[path] = rng.choice(["0" * 64, "zz", 7, None, ["x"]])
    if rng.random() < 0.1:
        sending.append(rng.choice(["../victim.txt", "old/1.html", 3]))
    body: dict[str, object] = {"sitegen_manifest": 1, "files": files}
    if sending:
        body["sending"] = sending
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


@pytest.fixture
def fuzz_site(site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setenv("SITEGEN_PUBLISH_PASSWORD", PASSWORD)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    yield site


def fuzz(site: Site, target_url: str, target: Path, tmp_path: Path, rounds: int, seed: int) -> int:
    """`rounds` hostile manifests put on the target (written to its disk, as someone
    with access to the host would), each followed by a publish; the sentinels are
    checked after every one. Returns how many publishes were refused."""
    from sitegen.errors import UserError
    from sitegen.publish.run import publish as publish_site
    from sitegen.publish.targets import parse_target

    sentinels = lay_sentinels(tmp_path, target)
    parsed = parse_target(target_url)
    now = datetime.fromisoformat(NOW)
    quiet = lambda _text: None  # noqa: E731
    publish_site(site.root, site.out, parsed, now, assume_yes=True, say=quiet, warn=quiet)
    clean = (target / MANIFEST).read_bytes()
    real = json.loads(clean)["files"]
    rng = random.Random(seed)
    refused = 0
    for round_ in range(rounds):
        (target / MANIFEST).write_bytes(hostile_manifest(rng, real, tmp_path))
        try:
            publish_site(site.root, site.out, parsed, now, assume_yes=True, say=quiet, warn=quiet)
        except UserError:
            refused += 1
            if refused % 20 == 1:  # the way out, now and then (it sends every file)
                publish_site(
                    site.root, site.out, parsed, now, assume_yes=True, forget_manifest=True,
                    say=quiet, warn=quiet,
                )  # fmt: skip
                assert (target / MANIFEST).read_bytes() == clean
            else:
                (target / MANIFEST).write_bytes(clean)
        broken = sentinels.intact()
        assert not broken, f"seed {seed}, round {round_}: {broken}"
        assert not [p for p in target.parent.iterdir() if p.name not in ("www", "victim.txt")]
    return refused


@pytest.mark.slow
def test_fuzzed_hostile_manifests_never_reach_outside_the_target(
    fuzz_site: Site, open_ftp, ssh_server: SshServer, tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "folder-root" / "www"
    folder.mkdir(parents=True)
    refused = fuzz(fuzz_site, str(folder), folder, tmp_path, rounds=300, seed=23)
    assert 200 < refused < 300, refused  # most are hostile; the valid ones publish
    refused = fuzz(fuzz_site, open_ftp.url(), open_ftp.root / "www", tmp_path, 30, seed=24)
    assert 15 < refused <= 30, refused
    for name, value in ssh_server.env().items():
        monkeypatch.setenv(name, value)
    refused = fuzz(fuzz_site, ssh_server.url(), ssh_server.root / "www", tmp_path, 30, seed=25)
    assert 15 < refused <= 30, refused


# --- the password goes only to a host confirmed on this PC -------------------------------------


def recording_server(root: Path):
    """An FTP server that writes down every password it is sent."""
    from pyftpdlib.authorizers import DummyAuthorizer

    seen: list[str] = []

    class Recording(DummyAuthorizer):
        def validate_authentication(self, username, password, handler):
            seen.append(password)
            return super().validate_authentication(username, password, handler)

    authorizer = Recording()
    authorizer.add_user("staff", PASSWORD, str(root), perm="elradfmwMT")
    return authorizer, seen


def test_the_password_goes_only_to_a_host_confirmed_on_this_pc(
    site: Site, tmp_path: Path, user_settings: Path
) -> None:
    root = tmp_path / "stranger-root"
    (root / "www").mkdir(parents=True)
    authorizer, seen = recording_server(root)
    server, thread, stranger = start_server(root, authorizer=authorizer)
    try:
        fresh = tmp_path / "fresh-settings"
        fresh.mkdir()
        env = {**FTP_ENV, "XDG_CONFIG_HOME": str(fresh)}
        # a site folder handed on names a host this PC never published to
        config = site.root / "content/site.yaml"
        config.write_text(
            config.read_text("utf-8") + f"publish:\n  host: {stranger.url()}\n", encoding="utf-8"
        )
        site.build()
        refused = site.publish("host", "--yes", env=env)
        assert refused.returncode == 1
        assert "is not a host this PC has published to: the password was not sent" in refused.stderr
        assert "--trust-host" in refused.stderr and "Traceback" not in refused.stderr
        assert seen == [], "the password reached a host nobody confirmed"
        assert tree(root / "www", skip_dot=False) == {}

        # on a terminal it asks; no keeps the password back
        answered = on_a_terminal(site, "host", b"n\n", env)
        assert answered.returncode == 1 and seen == []
        assert b"Is that your web host?" in answered.stdout

        recorded = site.publish("host", "--trust-host", env=env)
        assert recorded.returncode == 0, recorded.stderr
        assert str(fresh) in recorded.stdout and seen == []
        assert not list(site.root.rglob("trusted-hosts.json")), "kept in the site"
        published = site.publish("host", "--yes", env=env)
        assert published.returncode == 0, published.stderr
        assert seen == [PASSWORD]
        assert PASSWORD.encode() not in (fresh / "sitegen/trusted-hosts.json").read_bytes()
    finally:
        server.close_all()
        thread.join(timeout=10)


@dataclass
class TerminalRun:
    returncode: int
    stdout: bytes


def on_a_terminal(site: Site, target: str, answer: bytes, env: dict) -> TerminalRun:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "publish", str(site.root), "--to", target, "--now", NOW, "--yes"],
        stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
    )  # fmt: skip
    os.close(follower)
    os.write(leader, answer)
    out, _ = process.communicate(timeout=120)
    os.close(leader)
    return TerminalRun(process.returncode, out)


# --- what a user types, refused with a message ---------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("ftp://staff:pw@host:abc/www", "holds a password"),
        ("ftp://staff@host:abc/www", "the port is not a number from 1 to 65535"),
        ("ftp://staff@[bad/www", "is not an address sitegen can read (Invalid IPv6 URL)"),
        ("s3://key@bucket/www?endpoint=notaurl", "`endpoint: notaurl` is not the address"),
        ("ftp://staff@host/www\r\nDELE x", "holds a space or a control character"),
        ("ftp://staff:p@ss@host/www", "holds a password"),
    ],
)
def test_targets_that_cannot_be_read_are_messages(site: Site, target: str, expected: str) -> None:
    result = site.publish(target, "--yes")
    assert result.returncode == 1
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "pw@" not in result.stderr and "ss@" not in result.stderr, "the password was shown"


def test_a_broken_target_in_site_yaml_is_a_message_for_every_command(site: Site) -> None:
    config = site.root / "content/site.yaml"
    config.write_text(
        config.read_text("utf-8") + 'publish:\n  host: "ftp://staff@[bad/www"\n', encoding="utf-8"
    )
    for command in (["check"], ["build", "--no-print"]):
        result = run_sitegen(*command, str(site.root), "--now", NOW)
        assert result.returncode == 1
        assert "content/site.yaml:5: error: `publish`: target `host`:" in result.stderr, (
            result.stderr
        )
        assert "Traceback" not in result.stderr


def test_force_never_publishes_a_build_with_drafts(site: Site, tmp_path: Path) -> None:
    site.build("--drafts")
    refused = site.publish(str(tmp_path / "www"), "--yes", "--force")
    assert refused.returncode == 1
    assert "was built with --drafts" in refused.stderr
    assert not (tmp_path / "www").exists()


def test_serve_refuses_a_port_that_cannot_be(tmp_path: Path) -> None:
    result = run_sitegen("serve", str(tmp_path), "--port", "99999")
    assert result.returncode == 2
    assert "`99999` is not a port: give a number from 1 to 65535 (0: any free one)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_publish_that_fails_mid_way_saves_what_landed_and_the_next_resumes(
    site: Site, tmp_path: Path
) -> None:
    """The server refuses the home page (a folder stands where it goes, as a botched
    upload by hand leaves): everything before it has landed and is in the manifest,
    so once that is mended the next publish sends only what is missing."""
    root = tmp_path / "stubborn-root"
    (root / "www/index.html").mkdir(parents=True)
    server, thread, stubborn = start_server(root)
    try:
        failed = site.publish(stubborn.url(), "--yes", env=FTP_ENV)
        assert failed.returncode == 1
        assert "stopped at index.html" in failed.stderr, failed.stderr
        assert "nothing was deleted after the error" in failed.stderr
        assert "Traceback" not in failed.stderr
        saved = json.loads((root / "www" / MANIFEST).read_text("utf-8"))
        assert "index.html" not in saved["files"]
        assert len(saved["files"]) == len(site.files()) - 1
        assert saved["sending"] == ["index.html"]

        (root / "www/index.html").rmdir()
        resumed = site.publish(stubborn.url(), "--yes", env=FTP_ENV)
        assert resumed.returncode == 0, resumed.stderr
        assert "published to" in resumed.stdout and ": 1 files sent" in resumed.stdout
        assert tree(root / "www") == site.files()
        assert not [p for p in tree(root / "www", skip_dot=False) if p.endswith(".sitegen-part")]
    finally:
        server.close_all()
        thread.join(timeout=10)


def test_a_pipe_or_a_folder_where_sitegen_reads_or_writes_is_refused_not_waited_on(
    site: Site, tmp_path: Path
) -> None:
    target = tmp_path / "www"
    sentinels = lay_sentinels(tmp_path, target)
    assert site.publish(str(target), "--yes").returncode == 0
    (target / MANIFEST).unlink()
    os.mkfifo(target / MANIFEST)  # reading it would wait for a writer forever
    refused = site.publish(str(target), "--yes")
    assert refused.returncode == 1
    assert "is not a file sitegen wrote" in refused.stderr, refused.stderr
    (target / MANIFEST).unlink()
    (target / ".index.html.sitegen-part").mkdir()
    page = site.root / "content/notices/2026-11-17-垃圾分类.md"
    page.write_text(page.read_text("utf-8") + "\n补充。\n", encoding="utf-8")
    site.build()
    stuck = site.publish(str(target), "--yes", "--forget-manifest")
    assert stuck.returncode == 1
    assert ".index.html.sitegen-part on the target is a folder" in stuck.stderr, stuck.stderr
    assert "Traceback" not in refused.stderr + stuck.stderr
    assert not sentinels.intact()


def test_a_themes_hidden_files_are_neither_published_nor_a_reason_to_refuse(
    site: Site, tmp_path: Path
) -> None:
    mine = site.root / "themes/mine"
    (mine / "static").mkdir(parents=True)
    (mine / "theme.yaml").write_text("name: 我的\n", encoding="utf-8")
    (mine / "static/.gitkeep").write_text("", encoding="utf-8")
    (mine / "static/theme.css").write_text("body { color: #222; }\n", encoding="utf-8")
    config = site.root / "content/site.yaml"
    config.write_text(config.read_text("utf-8") + "theme: mine\n", encoding="utf-8")
    site.build()
    assert (site.out / "static/mine/theme.css").is_file()
    assert not (site.out / "static/mine/.gitkeep").exists()
    published = site.publish(str(tmp_path / "www"), "--yes")
    assert published.returncode == 0, published.stderr
    assert (tmp_path / "www/static/mine/theme.css").is_file()
