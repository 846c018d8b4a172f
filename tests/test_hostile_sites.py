"""Sites as an attacker, a careless colleague or a power cut would leave them.

Each case is a scratch site built through the real CLI. What is checked: the
message (file, what happened, the fix), the exit status, no traceback, and that
nothing from outside the site folder reaches output/.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import NOW, REPO, run_sitegen, serving_address, tree_digest

pytestmark = pytest.mark.skipif(os.name == "nt", reason="makes POSIX symlinks")


def private_folder(tmp_path: Path) -> Path:
    """A folder outside the site with something nobody may publish."""
    private = tmp_path / "private"
    (private / ".ssh").mkdir(parents=True)
    (private / "shadow").write_text("root:$6$secret:19000:0:99999:7:::\n", encoding="utf-8")
    (private / ".ssh" / "id_ed25519").write_text("PRIVATE KEY\n", encoding="utf-8")
    return private


def published(out: Path) -> str:
    """Every byte of the output, to look for what must not be in it."""
    return "\n".join(
        p.read_bytes().decode("latin-1") for p in sorted(out.rglob("*")) if p.is_file()
    )


def test_links_that_lead_out_of_the_site_are_left_out_with_a_warning(
    make_site, tmp_path: Path
) -> None:
    private = private_folder(tmp_path)
    site = make_site({"content/assets/map.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    (site / "content/assets/etc").symlink_to(private, target_is_directory=True)
    (site / "content/assets/shadow.txt").symlink_to(private / "shadow")
    (site / "content/notices/keys").symlink_to(private / ".ssh", target_is_directory=True)
    (site / "themes/mine/static").mkdir(parents=True)
    (site / "themes/mine/theme.yaml").write_text("name: 我的\nextends: default\n", encoding="utf-8")
    (site / "themes/mine/static/leak").symlink_to(private, target_is_directory=True)
    settings = site / "content/site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "theme: mine\n", encoding="utf-8")

    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for link in (
        "content/assets/etc",
        "content/assets/shadow.txt",
        "content/notices/keys",
        "themes/mine/static/leak",
    ):
        assert (f"{link}: warning: is a link to {private}") in result.stderr, result.stderr
    assert "outside the site folder: left out, so nothing from there is published" in result.stderr
    out = published(site / "output")
    assert "secret" not in out and "PRIVATE KEY" not in out
    assert (site / "output/assets/map.svg").is_file()


def test_a_link_inside_the_site_is_followed(make_site) -> None:
    site = make_site({"content/pages/water-map.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    (site / "content/assets").mkdir(exist_ok=True)
    (site / "content/assets/map.svg").symlink_to(site / "content/pages/water-map.svg")
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 0, result.stderr
    assert (site / "output/assets/map.svg").read_text(encoding="utf-8").startswith("<svg")
    assert "is a link to" not in result.stderr


def test_a_link_loop_and_a_dangling_link_are_messages_not_tracebacks(make_site) -> None:
    site = make_site()
    (site / "content/notices/again").symlink_to(site / "content", target_is_directory=True)
    (site / "content/assets").mkdir(exist_ok=True)
    (site / "content/assets/gone.pdf").symlink_to(site / "nowhere.pdf")
    for command in (["check"], ["build", "--no-print"]):
        result = run_sitegen(*command, str(site), "--now", NOW)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert (
            f"content/notices/again: warning: is a link to {site / 'content'}, a folder it is "
            "itself in (a loop): left out"
        ) in result.stderr, result.stderr
        assert (
            f"content/assets/gone.pdf: warning: is a link to {site / 'nowhere.pdf'}, which does "
            "not exist: left out"
        ) in result.stderr


def test_a_failed_build_caused_by_a_link_leaves_output_as_it_was(make_site) -> None:
    """A notice that links to an asset whose link was refused is an error (a link to
    nothing), and output/ stays byte for byte as the last good build left it."""
    site = make_site()
    assert run_sitegen("build", str(site), "--now", NOW, "--no-print").returncode == 0
    before = tree_digest(site / "output")
    notice = site / "content/notices/2026-11-18-停水通知.md"
    notice.write_text(
        notice.read_text(encoding="utf-8") + "\n[名单](../assets/list.pdf)\n", encoding="utf-8"
    )
    (site / "content/assets").mkdir(exist_ok=True)
    (site / "content/assets/list.pdf").symlink_to("/etc/hostname")
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 1
    assert "content/assets/list.pdf: warning: is a link to /etc/hostname" in result.stderr
    assert "error: the link `../assets/list.pdf` points at nothing" in result.stderr
    assert tree_digest(site / "output") == before


def test_serve_survives_a_link_loop_and_answers_head(make_site) -> None:
    """A loop appears in content/ while serving: a warning, and the preview goes on;
    removed, the next save rebuilds and shows. `curl -I` gets 200."""
    site = make_site()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", str(site), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        address = serving_address(process)
        loop = site / "content/notices/loop"
        loop.symlink_to(site / "content", target_is_directory=True)
        _wait_for(process, "content/notices/loop: warning: is a link to")
        _wait_for(process, "rebuilt")
        loop.unlink()
        _save_and_see(site, address, "关于临时停水的通知（更新）", "after the loop was removed")
        request = urllib.request.Request(address, method="HEAD")
        with urllib.request.urlopen(request, timeout=10) as reply:
            assert reply.status == 200
            assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
            assert int(reply.headers["Content-Length"]) > 0
            assert reply.read() == b""
        for bad in ("/%00", "/" + "长" * 300, "/%ff%fe", "/" + "a/" * 5000):
            assert _status(address, bad) == 400, bad
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def _status(address: str, path: str) -> int:
    """The status the server answers a raw request for `path` with (no client quoting)."""
    parts = urllib.parse.urlsplit(address)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest("GET", urllib.parse.quote(path, safe="/%"), skip_accept_encoding=True)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def test_only_loopback_addresses_count_as_this_computer() -> None:
    from sitegen.hostcheck import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")


def _save_and_see(site: Path, address: str, title: str, when: str) -> None:
    """Retitle the notice, and wait until the served page shows the new title."""
    notice = site / "content/notices/2026-11-18-停水通知.md"
    text = notice.read_text(encoding="utf-8")
    notice.write_text(text.replace("关于临时停水的通知", title), encoding="utf-8")
    page = address + "notices/2026-11-18-ting-shui-tong-zhi/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with urllib.request.urlopen(page, timeout=10) as reply:
            if title in reply.read().decode("utf-8"):
                return
        time.sleep(0.3)
    pytest.fail(f"the save {when} did not show")


def _wait_for(process: subprocess.Popen, text: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        assert line, "sitegen serve stopped"
        assert "Traceback" not in line, line
        if text in line:
            return
    pytest.fail(f"sitegen serve never said {text!r}")


class _Planted:
    """What a crafted cache would hold: unpickling it runs a command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def contents(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_crafted_or_damaged_cache_runs_nothing_and_is_made_again(
    make_site, tmp_path: Path
) -> None:
    site = make_site()
    assert run_sitegen("build", str(site), "--now", NOW).returncode == 0
    clean = contents(site / "output")
    cache = site / ".sitegen-cache"
    marker = tmp_path / "code-ran"
    planted = pickle.dumps(_Planted(marker))
    with sqlite3.connect(cache / "cache.sqlite") as db:
        for table, column in (
            ("parsed", "item"),
            ("parsed", "body"),
            ("snapshots", "snapshot"),
            ("builds", "made"),
            ("memo", "value"),
        ):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
            db.execute(f"UPDATE {table} SET {column} = ?", (planted,))
    layouts = sorted((cache / "print").glob("*.json"))
    assert layouts
    for number, layout in enumerate(layouts):
        layout.write_bytes(planted if number % 2 else b'{"pages": "many", "reads": []}')

    result = run_sitegen("build", str(site), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not marker.exists(), "a crafted cache ran code"
    assert contents(site / "output") == clean

    # Entries cut short, then a cache file that is not a database at all.
    with sqlite3.connect(cache / "cache.sqlite") as db:
        db.execute("UPDATE parsed SET item = substr(item, 1, 20)")
        db.execute("UPDATE snapshots SET snapshot = substr(snapshot, 1, 20)")
        db.execute("UPDATE builds SET made = substr(made, 1, 20)")
    (site / "content/notices/2026-11-18-停水通知.md").touch()
    result = run_sitegen("build", str(site), "--now", NOW)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert contents(site / "output") == clean
    (cache / "cache.sqlite").write_bytes(os.urandom(5000))
    result = run_sitegen("build", str(site), "--now", NOW)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert contents(site / "output") == clean


def test_an_image_from_another_website_is_kept_on_the_page_and_left_out_of_print(
    make_site,
) -> None:
    notice = "content/notices/2026-11-18-停水通知.md"
    site = make_site()
    text = (site / notice).read_text(encoding="utf-8")
    (site / notice).write_text(
        text + "\n停水范围见图：\n\n![停水范围示意图](https://example.com/maps/pipe.png)\n\n"
        "![](http://example.com/x.png)\n",
        encoding="utf-8",
    )
    line = text.count("\n") + 4  # a blank line, the sentence, a blank line, the image
    warning = (
        f"{notice}:{line}: warning: the image `https://example.com/maps/pipe.png` is on another "
        "website: the web page shows it from there while that site keeps it, and posters and "
        "leaflets leave it out"
    )
    hint = "hint: save the image into content/assets/ and write ![…](../assets/pipe.png) instead"
    checked = run_sitegen("check", str(site), "--now", NOW)
    assert checked.returncode == 0, checked.stderr
    assert warning in checked.stderr and hint in checked.stderr, checked.stderr
    assert f"{notice}:{line + 2}: warning: the image `http://example.com/x.png`" in checked.stderr

    built = run_sitegen("build", str(site), "--now", NOW)
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    assert warning in built.stderr
    page = (site / "output/notices/2026-11-18-ting-shui-tong-zhi/index.html").read_text("utf-8")
    assert 'src="https://example.com/maps/pipe.png"' in page
    poster = site / "output/print/posters/2026-11-18-ting-shui-tong-zhi.pdf"
    shown = subprocess.run(
        ["pdftotext", str(poster), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "停水范围示意图" in shown  # the alt text stands in for the image


def test_control_characters_are_removed_with_a_warning_and_every_feed_stays_xml(
    make_site,
) -> None:
    from lxml import etree

    site = make_site(
        {
            "content/notices/pasted.md": (
                "---\ntitle: 关于\x00粘贴的通知\ndate: 2026-11-19\n---\n"
                "第一行。\n\n从表格粘贴\x0b的内容\x00，\x1b[0m还有别的。\n"
            )
        }
    )
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 0, result.stderr
    assert (
        "content/notices/pasted.md:2: warning: an invisible control character "
        "(U+0000, U+000B, U+001B) was removed (4 in all)"
    ) in result.stderr, result.stderr
    out = site / "output"
    for feed in [out / "feed.xml", *out.glob("communities/*/feed.xml")]:
        etree.fromstring(feed.read_bytes())  # raises if it is not XML
    page = (out / "notices/pasted/index.html").read_text(encoding="utf-8")
    assert "关于粘贴的通知" in page and "从表格粘贴的内容" in page
    text = [p.read_text("utf-8") for p in out.rglob("*") if p.suffix in (".html", ".xml", ".txt")]
    assert not any(ch in page for page in text for ch in "\x00\x0b\x1b")


def test_aliases_and_deep_nesting_are_messages_and_serve_survives_them(make_site) -> None:
    bomb = "".join(
        f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" if n else "l0: &l0 [哈哈]\n"
        for n in range(10)
    )
    deep_list = "".join("    " * level + "- 层\n" for level in range(3000))
    site = make_site(
        {
            "content/notices/bomb.md": f"---\ntitle: 炸弹\ndate: 2026-11-19\nextra:\n  {bomb.replace(chr(10), chr(10) + '  ')}\n---\n正文\n",
            "content/notices/deep.md": f"---\ntitle: 很深\ndate: 2026-11-19\n---\n{deep_list}",
            "content/communities/flow.yaml": "name: 流\nservices: "
            + "[" * 3000
            + "]" * 3000
            + "\n",
        }
    )
    started = time.monotonic()
    result = run_sitegen("check", str(site), "--now", NOW)
    assert time.monotonic() - started < 60
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert (
        "content/notices/bomb.md:5: error: a YAML alias (`*name`) repeats the value on line 5: "
        "aliases are not allowed in content files"
    ) in result.stderr, result.stderr
    assert (
        "content/notices/deep.md:22: error: the text is nested too deeply to show" in result.stderr
    )
    assert "content/communities/flow.yaml:2: error:" in result.stderr
    assert "nesting depth" in result.stderr or "nested more than" in result.stderr

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", str(site), "--port", "0"],
        stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        address = serving_address(process)
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(address, timeout=10)
        assert "构建失败" in failed.value.read().decode("utf-8")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_dates_at_the_edges_of_the_calendar(make_site) -> None:
    notice = "content/notices/2026-11-18-停水通知.md"
    site = make_site()
    text = (site / notice).read_text(encoding="utf-8")
    (site / notice).write_text(text.replace("expires: 2026-11-25", "expires: 9999-12-31"), "utf-8")
    (site / "content/notices/far.md").write_text(
        "---\ntitle: 远古\ndate: 0001-01-01\n---\n正文\n", encoding="utf-8"
    )
    (site / "content/notices/offset.md").write_text(
        "---\ntitle: 夏威夷写的\ndate: 2026-11-19T10:00-11:00\n---\n正文\n", encoding="utf-8"
    )
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert (
        "content/notices/far.md:3: error: `date`: `0001-01-01`: the year 1 is not a year a "
        "notice belongs to (sitegen takes 1900 to 9998)"
    ) in result.stderr
    assert result.stderr.count("error:") == 1, result.stderr  # 9999-12-31 means never
    (site / "content/notices/far.md").unlink()
    result = run_sitegen("build", str(site), "--now", "9998-06-01", "--no-print")
    assert result.returncode == 0, result.stderr
    page = (site / "output/notices/2026-11-18-ting-shui-tong-zhi/index.html").read_text("utf-8")
    assert "已过期" not in page  # still current in the year 9998
    offset = (site / "output/notices/offset/index.html").read_text("utf-8")
    assert "2026年11月20日" in offset  # 10:00 at UTC-11 is 05:00 the next day in Beijing
    for now in ("0001-01-01", "9999-12-31"):
        result = run_sitegen("build", str(site), "--now", now, "--no-print")
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert f"sitegen: --now: `{now}`: the year" in result.stderr


def test_names_windows_refuses_are_changed_or_refused(make_site) -> None:
    site = make_site(
        {
            "content/notices/aux.md": "---\ntitle: 辅助\ndate: 2026-11-19\n---\n正文\n",
            "content/assets/报名表?.pdf": "%PDF-1.4\n",
        }
    )
    (site / "content/assets/通知\n附件.pdf").write_bytes(b"%PDF-1.4\n")
    (site / "content/assets/con.pdf").write_bytes(b"%PDF-1.4\n")
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 1
    for name, why in (
        ("报名表?.pdf", 'it holds one of : * ? " < > | \\, which Windows and IIS hosts refuse'),
        ("通知\\n附件.pdf", "it holds a control character"),
        ("con.pdf", "a part of it is a name Windows keeps for devices"),
    ):
        assert (
            f"content/assets/{name}: error: this file cannot be published under its name: {why}"
        ) in result.stderr, result.stderr
    assert "hint: rename the file" in result.stderr
    (site / "content/assets/报名表?.pdf").unlink()
    (site / "content/assets/cafe\u0301.pdf").write_bytes(b"%PDF-1.4\n")  # from a Mac
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert "it is not in Unicode's composed form (NFC)" in result.stderr
    assert "hint: rename it to `caf\u00e9.pdf` (type the name again" in result.stderr
    (site / "content/assets/cafe\u0301.pdf").unlink()
    assert not (site / "output").exists()
    for name in ("通知\n附件.pdf", "con.pdf"):
        (site / "content/assets" / name).unlink()
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 0, result.stderr
    assert (
        "content/notices/aux.md:1: warning: the address `aux` (from the file name) is a name "
        "Windows keeps for itself, so `aux-1` is used instead"
    ) in result.stderr
    assert (site / "output/notices/aux-1/index.html").is_file()
    assert not (site / "output/notices/aux").exists()

    (site / "content/notices/aux.md").write_text(
        "---\ntitle: 辅助\ndate: 2026-11-19\nslug: CON\n---\n正文\n", encoding="utf-8"
    )
    result = run_sitegen("check", str(site), "--now", NOW)
    assert result.returncode == 1
    assert (
        "content/notices/aux.md:4: error: `slug: CON` is a name Windows keeps for itself"
        in result.stderr
    )
    assert "hint: write `slug: con-1`" in result.stderr


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 32 MB tmpfs of its own (needs root, as in CI)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


def test_a_full_or_read_only_disk_is_a_message_and_output_stays_as_it_was(
    make_site, small_disk: Path
) -> None:
    site = make_site()
    out = small_disk / "site"
    build = ("build", str(site), "--now", NOW, "--no-print", "--out", str(out))
    assert run_sitegen(*build).returncode == 0
    before = tree_digest(out)
    notice = site / "content/notices/2026-11-18-停水通知.md"
    notice.write_text(
        notice.read_text(encoding="utf-8").replace("停水。", "停水，请储水。"), "utf-8"
    )

    filler = small_disk / "filler"
    # Unbuffered: nothing is left to flush when the file is closed on a full disk.
    with filler.open("wb", buffering=0) as stream, contextlib.suppress(OSError):
        while True:
            stream.write(b"\0" * 65536)
    result = run_sitegen(*build)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "sitegen: the disk is full" in result.stderr
    assert "hint: free some space" in result.stderr
    assert tree_digest(out) == before
    filler.unlink()

    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        result = run_sitegen(*build)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "sitegen: the folder is on a read-only disk" in result.stderr
        assert tree_digest(out) == before
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert run_sitegen(*build).returncode == 0
    assert "请储水" in (out / "notices/2026-11-18-ting-shui-tong-zhi/index.html").read_text("utf-8")


def test_a_theme_logo_outside_its_static_folder_is_an_error(make_site) -> None:
    site = make_site()
    (site / "themes/mine/static").mkdir(parents=True)
    (site / "themes/mine/theme.yaml").write_text(
        "name: 我的\nextends: default\nlogo: /etc/passwd\n", encoding="utf-8"
    )
    settings = site / "content/site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "theme: mine\n", encoding="utf-8")
    result = run_sitegen("check", str(site), "--now", NOW)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "themes/mine/theme.yaml:3: error: `logo`: no file `/etc/passwd`" in result.stderr


def test_serve_starts_its_watcher_again_when_the_watched_folder_goes(make_site, tmp_path) -> None:
    """content/ removed and put back (a sync tool, a restore from backup): the
    watcher of the old folder ends; a new one is started and later saves show."""
    site = make_site()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", str(site), "--port", "0"],
        stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        address = serving_address(process)
        shutil.copytree(site / "content", tmp_path / "backup")
        shutil.rmtree(site / "content")
        shutil.copytree(tmp_path / "backup", site / "content")
        _wait_for(process, "it was started again")
        _save_and_see(site, address, "恢复以后的通知", "after content/ came back")

        # gone long enough for the watcher to start again on nothing, then put back
        shutil.rmtree(site / "content")
        _wait_for(process, "it was started again")
        _wait_for(process, "the last good build is still served")
        shutil.copytree(tmp_path / "backup", site / "content")
        _wait_for(process, "it was started again")
        _save_and_see(site, address, "再次恢复以后的通知", "after content/ came back again")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def outside_theme(tmp_path: Path) -> Path:
    """A theme folder outside the site: someone's download, a shared drive."""
    theme = tmp_path / "outside-theme"
    (theme / "static").mkdir(parents=True)
    (theme / "templates").mkdir()
    (theme / "theme.yaml").write_text("name: 外面的\n", encoding="utf-8")
    (theme / "static/secret.txt").write_text("OUTSIDE SECRET\n", encoding="utf-8")
    (theme / "templates/base.html").write_text("OUTSIDE TEMPLATE {{ 1 }}\n", encoding="utf-8")
    return theme


def use_theme(site: Path, name: str) -> None:
    settings = site / "content/site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"theme: {name}\n", encoding="utf-8")


@pytest.mark.parametrize("case", ["static", "folder", "extends", "templates"])
def test_a_theme_never_brings_in_files_from_outside_the_site(
    make_site, tmp_path: Path, case: str
) -> None:
    """A theme's static/ or templates/ folder, or the theme folder itself, as a link out
    of the site is an error naming link and target; so is `extends` naming a path. A
    template file linked out is left out with a warning, the parent's used instead."""
    private, outside = private_folder(tmp_path), outside_theme(tmp_path)
    site = make_site()
    mine = site / "themes/mine"
    mine.mkdir(parents=True)
    (mine / "theme.yaml").write_text("name: 我的\n", encoding="utf-8")
    expected = {
        "static": (f"themes/mine/static: error: is a link to {private}, outside the site folder"),
        "folder": f"themes/mine: error: is a link to {outside}, outside the site folder",
        "extends": "themes/mine/theme.yaml:2: error: `extends: ../../../outside-theme` is not "
        "the name of a theme",
        "templates": f"themes/mine/templates/base.html: warning: is a link to {outside}",
    }[case]
    if case == "static":
        (mine / "static").symlink_to(private, target_is_directory=True)
    elif case == "folder":
        shutil.rmtree(mine)
        mine.symlink_to(outside, target_is_directory=True)
    elif case == "extends":
        (mine / "theme.yaml").write_text(
            "name: 我的\nextends: ../../../outside-theme\n", encoding="utf-8"
        )
    else:
        (mine / "templates").mkdir()
        (mine / "templates/base.html").symlink_to(outside / "templates/base.html")
    use_theme(site, "mine")
    for command in (["check"], ["build", "--no-print"]):
        result = run_sitegen(*command, str(site), "--now", NOW)
        assert expected in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert result.returncode == (0 if case == "templates" else 1)
    if case == "templates":
        out = published(site / "output")
        assert "OUTSIDE" not in out and "<!DOCTYPE html>" in out
    else:
        assert not (site / "output").exists()


def test_a_theme_may_link_within_the_site(make_site) -> None:
    site = make_site()
    shared = site / "shared-look"
    (shared / "static").mkdir(parents=True)
    (shared / "static/theme.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    (site / "themes/mine").mkdir(parents=True)
    (site / "themes/mine/theme.yaml").write_text("name: 我的\n", encoding="utf-8")
    (site / "themes/mine/static").symlink_to(shared / "static", target_is_directory=True)
    use_theme(site, "mine")
    result = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert result.returncode == 0, result.stderr
    assert "is a link to" not in result.stderr
    assert "#123456" in (site / "output/static/mine/theme.css").read_text("utf-8")


BOARDS_SITE = {
    "content/communities/longchi.yaml": """\
        name: 龙池社区
        households: 1850
        boards:
          - {id: b1, location: 服务中心门口, paper: A4, slots: 4}
          - {id: b2, location: 东门, paper: A4, slots: 4}
          - {id: b3, location: 西门, paper: A4, slots: 4}
          - {id: b4, location: 菜场, paper: A4, slots: 4}
        """,
}


def _posted(site: Path, board: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sitegen", "boards", "posted", str(site), "--now", NOW,
         "--board", f"longchi/{board}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip


def test_posting_rounds_recorded_at_once_all_end_up_in_the_file(make_site) -> None:
    import fcntl

    site = make_site(BOARDS_SITE)
    postings = site / "content/postings.yaml"
    # another run holds the file: this one waits for it, then adds its round
    handle = os.open(site / "content", os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        waiting = [_posted(site, "b1"), _posted(site, "b2")]
        time.sleep(4)
        assert [p.poll() for p in waiting] == [None, None], "did not wait for the lock"
        assert not postings.exists()
    finally:
        os.close(handle)
    for process in waiting:
        assert process.wait(timeout=120) == 0, process.stderr.read()
    text = postings.read_text("utf-8")
    assert "board: longchi/b1" in text and "board: longchi/b2" in text

    # four at once, several times: no round is ever lost
    for attempt in range(3):
        postings.unlink()
        runs = [_posted(site, board) for board in ("b1", "b2", "b3", "b4")]
        assert [p.wait(timeout=120) for p in runs] == [0, 0, 0, 0]
        text = postings.read_text("utf-8")
        assert all(f"board: longchi/{b}" in text for b in ("b1", "b2", "b3", "b4")), (attempt, text)


def test_a_linked_postings_file_is_written_where_it_leads_inside_the_site_only(
    make_site, tmp_path: Path
) -> None:
    site = make_site(BOARDS_SITE)
    shared = site / "records/postings.yaml"
    shared.parent.mkdir()
    shared.write_text("# 宣传栏张贴记录\nrounds:\n", encoding="utf-8")
    (site / "content/postings.yaml").symlink_to(shared)
    done = run_sitegen("boards", "posted", str(site), "--now", NOW, "--board", "longchi/b1")
    assert done.returncode == 0, done.stderr
    assert (site / "content/postings.yaml").is_symlink(), "the link was replaced by a file"
    assert "board: longchi/b1" in shared.read_text("utf-8")

    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("# 宣传栏张贴记录\nrounds:\n", encoding="utf-8")
    before = outside.read_bytes()
    (site / "content/postings.yaml").unlink()
    (site / "content/postings.yaml").symlink_to(outside)
    refused = run_sitegen("boards", "posted", str(site), "--now", NOW, "--board", "longchi/b1")
    assert refused.returncode == 1
    assert (
        f"content/postings.yaml is a link to {outside}, outside the site folder" in refused.stderr
    )
    assert "Traceback" not in refused.stderr
    assert outside.read_bytes() == before
    assert (site / "content/postings.yaml").is_symlink()
