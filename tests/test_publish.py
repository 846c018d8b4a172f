"""`sitegen publish` against real targets: a folder, and FTP and FTPS servers
(pyftpdlib) started on 127.0.0.1 by the test, one of them speaking GBK."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import NOW, REPO, run_sitegen
from publishing import (
    FTP_ENV,
    MAP_NAME,
    PASSWORD,
    SVG,
    Server,
    Site,
    SshServer,
    bucket_files,
    grep_password,
    publish,
    sent_count,
    start_server,
    tree,
    trust_host,
)

# --- the tests --------------------------------------------------------------------------------


def test_publish_to_a_folder_leaves_the_output_and_what_else_is_there(site: Site, tmp_path: Path):
    target = tmp_path / "www"
    (target / "uploads").mkdir(parents=True)
    (target / ".htaccess").write_text("Options -Indexes\n", encoding="utf-8")
    (target / "uploads/photo.jpg").write_bytes(b"staff's own")
    result = site.publish(str(target), "--yes")
    assert result.returncode == 0, result.stderr
    published = {k: v for k, v in tree(target).items() if not k.startswith("uploads/")}
    assert published == site.files()
    assert (target / ".htaccess").read_text("utf-8") == "Options -Indexes\n"
    assert (target / "uploads/photo.jpg").read_bytes() == b"staff's own"
    assert not list(target.rglob("*.sitegen-part"))
    # the manifest is a dot file: paths and digests only
    manifest = (target / ".sitegen-manifest.json").read_text("utf-8")
    assert f'"assets/{MAP_NAME}"' in manifest
    assert hashlib.sha256(SVG.encode()).hexdigest() in manifest


def test_ftp_first_publish_then_only_what_changed(site: Site, ftp_server: Server) -> None:
    first = site.publish(ftp_server.url(), "--yes", env=FTP_ENV)
    assert first.returncode == 0, first.stderr
    on_server = ftp_server.files()
    foreign = {".htaccess", "uploads/合影.jpg"}
    assert {k: v for k, v in on_server.items() if k not in foreign} == site.files()
    assert on_server["uploads/合影.jpg"] == b"\xff\xd8 a photo staff put there"
    assert (ftp_server.root / "www/.htaccess").read_text("utf-8") == "Options -Indexes\n"
    assert sent_count(first.stdout) == len(site.files())

    again = site.publish(ftp_server.url(), "--yes", env=FTP_ENV)
    assert again.returncode == 0, again.stderr
    assert "is up to date" in again.stdout and "published to" not in again.stdout

    # one notice edited and rebuilt: only the files that changed in output/ go up
    before = site.files()
    path = site.root / "content/notices/2026-11-17-垃圾分类.md"
    path.write_text(path.read_text("utf-8").replace("7:00-9:00", "6:30-9:00"), encoding="utf-8")
    site.build()
    after = site.files()
    changed = {k for k in after if before.get(k) != after[k]}
    assert 0 < len(changed) < len(after) / 2, changed
    edit = site.publish(ftp_server.url(), "--yes", env=FTP_ENV)
    assert edit.returncode == 0, edit.stderr
    assert sent_count(edit.stdout) == len(changed)
    assert {k: v for k, v in ftp_server.files().items() if k not in foreign} == after

    # a deleted notice's page is removed, and nothing sitegen did not put there
    (site.root / "content/notices/2026-11-16-义诊.md").unlink()
    site.build()
    gone = set(after) - set(site.files())
    assert any(k.startswith("notices/") for k in gone), gone
    removal = site.publish(ftp_server.url(), "--yes", env=FTP_ENV)
    assert removal.returncode == 0, removal.stderr
    on_server = ftp_server.files()
    assert {k: v for k, v in on_server.items() if k not in foreign} == site.files()
    assert "uploads/合影.jpg" in on_server
    assert (ftp_server.root / "www/.htaccess").is_file()
    assert not grep_password(ftp_server.root, site.root), "the password was written down"
    assert PASSWORD not in first.stdout + first.stderr + edit.stdout + removal.stdout


def test_dry_run_unconfirmed_and_too_many_deletions_change_nothing(
    site: Site, ftp_server: Server
) -> None:
    untouched = ftp_server.files()
    dry = site.publish(ftp_server.url(), "--dry-run", env=FTP_ENV)
    assert dry.returncode == 0, dry.stderr
    assert "plan for ftp://staff@127.0.0.1" in dry.stdout and "+ assets/" in dry.stdout
    unasked = site.publish(ftp_server.url(), env=FTP_ENV)  # no terminal, no --yes
    assert unasked.returncode == 1
    assert "nothing was changed" in unasked.stderr and "--yes" in unasked.stderr
    assert ftp_server.files() == untouched

    assert site.publish(ftp_server.url(), "--yes", env=FTP_ENV).returncode == 0
    published = ftp_server.files()
    for path in (site.root / "content/notices").glob("2026-11-1[67]-*.md"):
        path.unlink()
    site.build()
    deleting = len(set(published) - set(site.files()) - {".htaccess", "uploads/合影.jpg"})
    refused = site.publish(ftp_server.url(), "--yes", "--max-deletes", "1", env=FTP_ENV)
    assert refused.returncode == 1
    assert f"deletes {deleting} files" in refused.stderr and "nothing was changed" in refused.stderr
    assert ftp_server.files() == published


def test_an_output_built_with_drafts_or_out_of_date_is_refused(site: Site, tmp_path: Path) -> None:
    site.build("--drafts")
    refused = site.publish(str(tmp_path / "www"), "--yes")
    assert refused.returncode == 1
    assert "was built with --drafts" in refused.stderr, refused.stderr
    assert not (tmp_path / "www").exists()

    site.build()
    path = site.root / "content/notices/2026-11-17-垃圾分类.md"
    path.write_text(path.read_text("utf-8") + "\n补充说明。\n", encoding="utf-8")
    stale = site.publish(str(tmp_path / "www"), "--yes")
    assert stale.returncode == 1
    assert "out of date" in stale.stderr and "sitegen build" in stale.stderr
    assert not (tmp_path / "www").exists()


@pytest.mark.slow
def test_a_publish_killed_mid_upload_is_finished_by_the_next(site: Site, tmp_path: Path) -> None:
    """The server takes 64 KB/s, so the fonts alone take minutes; the publish is killed
    a few seconds in. No file ever stands half-written under its real name."""
    root = tmp_path / "slow-root"
    (root / "www").mkdir(parents=True)
    server, thread, slow = start_server(root, throttle=64 * 1024)
    try:
        wanted = site.files()
        command = [
            sys.executable, "-m", "sitegen", "publish", str(site.root), "--to", slow.url(),
            "--now", NOW, "--yes",
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(REPO), **FTP_ENV}
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        half_written = []
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            for path, data in slow.files().items():
                if not path.endswith(".sitegen-part") and path in wanted and data != wanted[path]:
                    half_written.append(path)
            time.sleep(0.05)
        process.kill()
        process.wait(timeout=30)
        landed = [p for p in slow.files() if not p.endswith(".sitegen-part")]
        assert landed and len(landed) < len(wanted), "killed neither too early nor too late"
        assert not half_written, half_written
    finally:
        server.close_all()
        thread.join(timeout=10)
    server, thread, fast = start_server(root)
    try:
        finished = publish(site.root, fast.url(), "--yes", env=FTP_ENV)
        assert finished.returncode == 0, finished.stderr
        assert fast.files() == wanted
        left = [k for k in tree(root / "www", skip_dot=False) if k.endswith(".sitegen-part")]
        assert not left, f"parts left on the server: {left}"
    finally:
        server.close_all()
        thread.join(timeout=10)


def test_a_gbk_ftp_server_gets_the_chinese_file_names_intact(site: Site, tmp_path: Path) -> None:
    root = tmp_path / "gbk-root"
    (root / "www").mkdir(parents=True)
    server, thread, gbk = start_server(root, encoding="gbk")
    try:
        result = site.publish(gbk.url(query="?encoding=gbk"), "--yes", env=FTP_ENV)
        assert result.returncode == 0, result.stderr
        assert (root / "www/assets" / MAP_NAME).read_bytes() == SVG.encode()
        assert gbk.files() == site.files()
    finally:
        server.close_all()
        thread.join(timeout=10)


def test_ftps_checks_the_certificate_and_encrypts(site: Site, tmp_path: Path) -> None:
    from pyftpdlib.handlers import TLS_FTPHandler

    cert = tmp_path / "server.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(cert), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    root = tmp_path / "tls-root"
    (root / "www").mkdir(parents=True)
    server, thread, tls = start_server(
        root, TLS_FTPHandler, certfile=str(cert), tls_control_required=True, tls_data_required=True
    )
    try:
        untrusted = site.publish(tls.url("ftps"), "--yes", env=FTP_ENV)
        assert untrusted.returncode == 1
        assert "cannot reach" in untrusted.stderr and "certificate" in untrusted.stderr
        assert tls.files() == {}
        trusted = site.publish(
            tls.url("ftps"), "--yes", env={**FTP_ENV, "SSL_CERT_FILE": str(cert)}
        )
        assert trusted.returncode == 0, trusted.stderr
        assert tls.files() == site.files()
    finally:
        server.close_all()
        thread.join(timeout=10)


def test_targets_in_site_yaml_and_passwords_refused(site: Site, tmp_path: Path) -> None:
    config = site.root / "content/site.yaml"
    original = config.read_text("utf-8")
    config.write_text(original + f"publish:\n  local: {tmp_path / 'www'}\n", encoding="utf-8")
    site.build()
    named = site.publish("local", "--yes")
    assert named.returncode == 0, named.stderr
    assert tree(tmp_path / "www") == site.files()

    config.write_text(
        original + "publish:\n  host: ftp://staff:secret@ftp.example.org/www\n", encoding="utf-8"
    )
    checked = run_sitegen("check", str(site.root), "--now", NOW)
    assert checked.returncode == 1
    assert "content/site.yaml:" in checked.stderr and "holds a password" in checked.stderr
    assert "SITEGEN_PUBLISH_PASSWORD" in checked.stderr and "secret" not in checked.stderr
    on_command_line = site.publish("ftp://staff:secret@127.0.0.1/www", "--yes")
    assert on_command_line.returncode == 1 and "secret" not in on_command_line.stderr


# --- SFTP: Debian's OpenSSH server, started with a config, host key and user key of its own -----


def test_sftp_publish_checks_the_host_and_sends_only_what_changed(
    site: Site, ssh_server: SshServer
) -> None:
    unknown = site.publish(
        ssh_server.url(),
        "--yes",
        env={**ssh_server.env(), "SITEGEN_PUBLISH_KNOWN_HOSTS": str(ssh_server.root / "none")},
    )
    assert unknown.returncode == 1
    assert "is not a known server" in unknown.stderr, unknown.stderr
    assert not (ssh_server.root / "www/index.html").exists()

    first = site.publish(ssh_server.url(), "--yes", env=ssh_server.env())
    assert first.returncode == 0, first.stderr
    on_server = tree(ssh_server.root / "www")
    assert on_server.pop("uploads/合影.jpg") == b"staff's photo"
    assert on_server == site.files()

    path = site.root / "content/notices/2026-11-17-垃圾分类.md"
    before = site.files()
    path.write_text(path.read_text("utf-8").replace("7:00-9:00", "6:30-9:00"), encoding="utf-8")
    site.build()
    changed = {k for k, v in site.files().items() if before.get(k) != v}
    again = site.publish(ssh_server.url(), "--yes", env=ssh_server.env())
    assert again.returncode == 0, again.stderr
    assert sent_count(again.stdout) == len(changed)
    on_server = tree(ssh_server.root / "www")
    on_server.pop("uploads/合影.jpg")
    assert on_server == site.files()


# --- S3: moto's S3-compatible server ----------------------------------------------------------


def test_s3_publish_sends_what_changed_with_content_types(site: Site, s3_server: str) -> None:
    import boto3

    client = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key=PASSWORD,
    )  # fmt: skip
    client.create_bucket(Bucket="qingxi-site")
    client.put_object(Bucket="qingxi-site", Key="www/uploads/photo.jpg", Body=b"staff's")
    target = f"s3://testing@qingxi-site/www?endpoint={s3_server}"
    trust_host(target)
    first = site.publish(target, "--yes", env=FTP_ENV)
    assert first.returncode == 0, first.stderr
    stored = bucket_files(s3_server, "qingxi-site", "www/")
    assert stored.pop("uploads/photo.jpg")[0] == b"staff's"
    stored.pop(".sitegen-manifest.json")
    assert not [key for key, (data, _) in stored.items() if PASSWORD.encode() in data]
    assert not grep_password(site.root), "the secret was written down"
    assert {k: v[0] for k, v in stored.items()} == site.files()
    assert stored["index.html"][1] == "text/html; charset=utf-8"
    assert stored[f"assets/{MAP_NAME}"][1] == "image/svg+xml"

    (site.root / "content/notices/2026-11-16-义诊.md").unlink()
    site.build()
    again = site.publish(target, "--yes", env=FTP_ENV)
    assert again.returncode == 0, again.stderr
    stored = bucket_files(s3_server, "qingxi-site", "www/")
    stored.pop(".sitegen-manifest.json")
    assert "uploads/photo.jpg" in stored
    stored.pop("uploads/photo.jpg")
    assert {k: v[0] for k, v in stored.items()} == site.files()


def test_on_a_terminal_it_asks_first(site: Site, tmp_path: Path) -> None:
    """With a terminal for its input, publish asks, and changes nothing unless told yes;
    it leaves nothing in the temporary folder."""
    import pty

    target, system_tmp = tmp_path / "www", tmp_path / "system-tmp"
    system_tmp.mkdir()
    for answer, published in ((b"n\n", False), (b"y\n", True)):
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "publish", str(site.root), "--to", str(target), "--now", NOW],
            stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(system_tmp)},
        )  # fmt: skip
        os.close(follower)
        os.write(leader, answer)
        out, err = process.communicate(timeout=120)
        os.close(leader)
        assert process.returncode == 0, err
        assert b"publish to " in out and b"? [y/N]" in out
        assert (target / "index.html").is_file() == published, out
    assert tree(target) == site.files()
    assert not list(system_tmp.iterdir())
