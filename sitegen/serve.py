"""`sitegen serve`: a preview that rebuilds on every save and reloads open pages.

The preview is built into `.sitegen-cache/serve/`, never into `output/`, since it
shows drafts and notices not yet due. The reload script is added to pages as
they are sent, never written to disk. When a build fails, the last good site
stays up with the errors shown on top of every page, until a save fixes them.
"""

from __future__ import annotations

import contextlib
import errno
import html
import mimetypes
import socket
import sys
import threading
import time
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.build import build
from sitegen.errors import ContentError, UserError, fault_message
from sitegen.hostcheck import HostCheck, is_loopback
from sitegen.incremental.cache_db import CACHE_DIR
from sitegen.pipeline import print_only
from sitegen.site.visibility import Flags
from sitegen.sitefolder.settings import site_timezone

EVENTS = "__sitegen/events"
PORT_TRIES = 20


class Preview:
    """The preview build: rebuilt on demand, with a version number pages wait on."""

    def __init__(self, site_dir: Path, flags: Flags, now: datetime | None = None) -> None:
        self.site_dir = site_dir
        self.out_dir = site_dir / CACHE_DIR / "serve"
        self.flags = flags
        self.fixed_now = now
        self.version = 0
        self.errors: str | None = None
        self.good = False  # a build has succeeded: there is a site to show
        self.changed = threading.Condition()
        self.building = threading.Lock()
        self.printed_version = -1

    def now(self) -> datetime:
        if self.fixed_now is not None:
            return self.fixed_now
        return datetime.now(site_timezone(self.site_dir))

    def rebuild(self, changed: list[str] | None = None) -> None:
        started = time.perf_counter()
        with self.building:
            try:
                report = build(
                    self.site_dir, self.out_dir, self.now(), self.flags, with_print=False
                )
            except ContentError as err:
                self.errors = "\n".join(str(d) for d in err.diagnostics) + f"\nsitegen: {err}"
            except UserError as err:
                self.errors = f"sitegen: {err}"
            except OSError as err:
                self.errors = f"sitegen: {fault_message(err)}"
            except Exception as err:  # a bug: still shown in the page, and the preview goes on
                self.errors = (
                    f"sitegen: the rebuild failed unexpectedly ({type(err).__name__}: {err})"
                )
            else:
                self.errors, self.good = None, True
                what = f"{len(changed)} changed file(s)" if changed else "start"
                for warning in report.warnings:
                    _say(str(warning))
                _say(f"rebuilt ({what}): {report.summary()}")
        if self.errors:
            _say(self.errors + "\n(the last good build is still served; fix the file and save)")
        _say(f"ready in {time.perf_counter() - started:.2f} s", quiet=True)
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def ensure_print(self) -> None:
        """Print outputs are made when first asked for after a change (they take longer)."""
        with self.building:
            if self.printed_version == self.version or not self.good:
                return
            try:
                print_only(self.site_dir, self.out_dir, self.now())
            except (ContentError, UserError) as err:
                _say(f"print: {err}")
            self.printed_version = self.version

    def wait(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version


def _say(text: str, quiet: bool = False) -> None:
    if not quiet:
        print(text, file=sys.stderr, flush=True)


def reload_script(base: str) -> str:
    return (
        "<script>(function(){var seen=null;"
        f'var events=new EventSource("{base}{EVENTS}");'
        "events.onmessage=function(e){if(seen!==null&&e.data!==seen){location.reload();}seen=e.data;};"
        "})();</script>"
    )


def error_banner(errors: str) -> str:
    return (
        '<div id="sitegen-errors" role="alert" style="position:sticky;top:0;z-index:9999;'
        "margin:0;padding:12px 16px;background:#b3261e;color:#fff;font:16px/1.5 monospace;"
        'white-space:pre-wrap">'
        f"<strong>构建失败 (build failed)</strong>\n{html.escape(errors)}</div>"
    )


def make_handler(preview: Preview, base: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "sitegen-serve"
        _head_only = False  # answering HEAD: headers as for GET, no body

        def log_message(self, format: str, *args) -> None:
            pass

        def do_HEAD(self) -> None:
            """What GET would send, without the body (`curl -I`, link checkers)."""
            self._head_only = True
            try:
                self.do_GET()
            finally:
                self._head_only = False

        def do_GET(self) -> None:
            check: HostCheck = self.server.host_check  # type: ignore[attr-defined]
            if not check.allows(self.headers.get("Host")):
                # A page of another site reaching this preview through the browser.
                address = f"http://127.0.0.1:{check.port}{base}"
                return self._send(
                    HTTPStatus.MISDIRECTED_REQUEST,
                    f"this preview answers only at {address}\n".encode(),
                    "text/plain; charset=utf-8",
                )
            try:
                self._get()
            except (OSError, ValueError) as err:  # a name the file system cannot hold
                if isinstance(err, ConnectionError):
                    return
                self._send(HTTPStatus.BAD_REQUEST, b"bad request", "text/plain")

        def _get(self) -> None:
            path = unquote(urlsplit(self.path).path, errors="strict")
            if "\x00" in path or ".." in path.split("/"):
                return self._send(HTTPStatus.BAD_REQUEST, b"bad request", "text/plain")
            if path in ("/", "") and base != "/":
                return self._redirect(base)
            if not path.startswith(base):
                return self._send(HTTPStatus.NOT_FOUND, b"not under " + base.encode(), "text/plain")
            inner = path[len(base) :]
            if inner == EVENTS:
                return self._events()
            if inner.startswith("print/"):
                preview.ensure_print()
            target = (preview.out_dir / inner).resolve()
            if not target.is_relative_to(preview.out_dir.resolve()):
                return self._send(HTTPStatus.FORBIDDEN, b"", "text/plain")
            if target.is_dir():
                if not path.endswith("/"):
                    return self._redirect(path + "/")
                target = target / "index.html"
            if not preview.good:
                page = "<!DOCTYPE html><html><head><meta charset=utf-8><title>sitegen</title></head><body></body></html>"
                return self._html(page.encode(), HTTPStatus.INTERNAL_SERVER_ERROR)
            if not target.is_file():
                missing = preview.out_dir / "404.html"
                body = (
                    missing.read_bytes()
                    if missing.is_file()
                    else b"<!DOCTYPE html><title>404</title>"
                )
                return self._html(body, HTTPStatus.NOT_FOUND)
            data = target.read_bytes()
            if target.suffix == ".html":
                return self._html(data, HTTPStatus.OK)
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return self._send(HTTPStatus.OK, data, kind)

        def _html(self, page: bytes, status: HTTPStatus) -> None:
            """The page with the reload script before </body>, and the errors, if any,
            first in the body where they are seen."""
            text = page.decode("utf-8", errors="replace")
            end = text.rfind("</body>")
            end = end if end >= 0 else len(text)
            text = text[:end] + reload_script(base) + text[end:]
            if preview.errors:
                body = text.find("<body")
                start = text.find(">", body) + 1 if body >= 0 else 0
                text = text[:start] + error_banner(preview.errors) + text[start:]
            self._send(status, text.encode("utf-8"), "text/html; charset=utf-8")

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self._head_only:
                return
            seen = preview.version
            try:
                self.wfile.write(f"retry: 500\ndata: {seen}\n\n".encode())
                self.wfile.flush()
                while True:
                    now = preview.wait(seen, timeout=15)
                    message = f"data: {now}\n\n" if now != seen else ": still here\n\n"
                    seen = now
                    self.wfile.write(message.encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

        def _redirect(self, location: str) -> None:
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", location)
            self.end_headers()

        def _send(self, status: HTTPStatus, data: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not self._head_only:
                self.wfile.write(data)

    return Handler


def bind(host: str, port: int, handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """The server on `port`, or on the next free one (said out loud)."""
    for candidate in range(port, port + PORT_TRIES):
        try:
            server = ThreadingHTTPServer((host, candidate), handler)
        except OSError as err:
            if err.errno != errno.EADDRINUSE:
                raise UserError(f"cannot serve on {host}:{candidate}: {err.strerror}") from err
            continue
        if candidate != port:
            _say(f"port {port} is busy, so the preview uses port {candidate}")
        server.daemon_threads = True
        server.host_check = HostCheck(host, server.server_address[1])  # type: ignore[attr-defined]
        return server
    raise UserError(
        f"ports {port}-{port + PORT_TRIES - 1} on {host} are all busy",
        "choose another with --port, or stop the other server",
    )


def normalise_base(base: str) -> str:
    base = "/" + base.strip("/") + "/"
    return "/" if base == "//" else base


def serve(site_dir: Path, host: str, port: int, base: str, flags: Flags, poll: bool) -> int:
    """Build, serve and rebuild on every change until interrupted."""
    base = normalise_base(base)
    preview = Preview(site_dir, flags)
    preview.rebuild()
    server = bind(host, port, make_handler(preview, base))
    watcher = Watcher(site_dir, preview, poll)
    port = server.server_address[1]
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    address = f"http://{shown_host}:{port}{base}"
    if shown_host != host:
        address += f" (and on the network at http://{socket.gethostname()}:{port}{base})"
    _say(
        f"serving {site_dir.resolve()} at {address} (drafts {'shown' if flags.drafts else 'hidden'}); Ctrl-C stops"
    )
    if not is_loopback(host) and (flags.drafts or flags.future):
        _say(
            f"warning: --host {host} lets every computer on the network see this preview, "
            "drafts and notices not yet due among them\n"
            "    hint: add --no-drafts to hide them, or serve on 127.0.0.1"
        )
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        server.server_close()
    return 0


class Watcher:
    """The file watcher, started again whenever it stops, or whenever content/ or
    themes/ is no longer the folder it watches (removed, put back, made): a watcher
    thread that died (a link loop appearing under content/, a folder removed while
    it was being watched), or one watching a folder that is gone, would otherwise
    leave the preview silently stale."""

    CHECK_SECONDS = 1.0

    def __init__(self, site_dir: Path, preview: Preview, poll: bool) -> None:
        from sitegen.watch import watch, watched_folders

        self._start = lambda: watch(site_dir, preview.rebuild, poll=poll)
        self._folders = lambda: watched_folders(site_dir)
        self.preview = preview
        self.watching = self._folders()
        self.observer = self._start()
        self._stopping = threading.Event()
        threading.Thread(target=self._keep_alive, daemon=True).start()

    def _keep_alive(self) -> None:
        while not self._stopping.wait(self.CHECK_SECONDS):
            folders = self._folders()
            alive = self.observer.is_alive() and all(e.is_alive() for e in self.observer.emitters)
            if alive and folders == self.watching:
                continue
            _say(
                "the file watcher stopped or its folders changed; it was started again, and the site is rebuilt"
            )
            with contextlib.suppress(Exception):
                self.observer.stop()
            try:
                self.watching = folders
                self.observer = self._start()
            except OSError as err:
                _say(f"the file watcher cannot start ({err.strerror}); trying again")
                self.watching = None
                continue
            self.preview.rebuild(["(watcher restarted)"])

    def stop(self) -> None:
        self._stopping.set()
        self.observer.stop()
