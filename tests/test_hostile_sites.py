"""Sites as an attacker, a careless colleague or a power cut would leave them.

Each case is a scratch site built through the real CLI. What is checked: the
message (file, what happened, the fix), the exit status, no traceback, and that
nothing from outside the site folder reaches output/.
"""

from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
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
        notice = site / "content/notices/2026-11-18-停水通知.md"
        notice.write_text(
            notice.read_text(encoding="utf-8").replace(
                "关于临时停水的通知", "关于临时停水的通知（更新）"
            ),
            encoding="utf-8",
        )
        page = address + "notices/2026-11-18-ting-shui-tong-zhi/"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with urllib.request.urlopen(page, timeout=10) as reply:
                if "（更新）" in reply.read().decode("utf-8"):
                    break
            time.sleep(0.3)
        else:
            pytest.fail("the save after the loop was removed did not show")
        request = urllib.request.Request(address, method="HEAD")
        with urllib.request.urlopen(request, timeout=10) as reply:
            assert reply.status == 200
            assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
            assert int(reply.headers["Content-Length"]) > 0
            assert reply.read() == b""
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


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
            ("builds", "state"),
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
        db.execute("UPDATE builds SET state = substr(state, 1, 20)")
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
