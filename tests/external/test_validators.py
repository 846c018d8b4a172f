"""External validators run against the built example site.

Each test checks the real output of `sitegen build` with a tool or a rule that
is independent of sitegen's own code: the Nu Html Checker, link checks from
disk and over HTTP under a sub-path, the sitemaps.org schema, Atom structure and
visibility, and axe-core in headless Chromium.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree

from .conftest import NOW, REPO_ROOT, NoticeSource, SiteServer

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel", "sms", "data", "javascript", "geo"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]+)"|'([^']+)')""")
MAX_SHOWN = 150


def report(title: str, problems: list[str]) -> str:
    shown = problems[:MAX_SHOWN]
    more = len(problems) - len(shown)
    tail = f"\n  ... and {more} more" if more > 0 else ""
    return f"{title}: {len(problems)} problem(s)\n  " + "\n  ".join(shown) + tail


def fail_on(problems: list[str], title: str, summary: list[str] | None = None) -> None:
    """Fail the test with one line per problem (no repr of the list), if there are any."""
    if problems:
        head = ("\n".join(summary) + "\n") if summary else ""
        pytest.fail(head + report(title, problems), pytrace=False)


# --------------------------------------------------------------------------- HTML parsing


@dataclass(frozen=True)
class Ref:
    """One URL reference in a page: `<a href>` on line 12, say."""

    line: int
    where: str  # e.g. '<a href>' or '<img srcset>' or 'url() in <style>'
    url: str


@dataclass
class ParsedPage:
    refs: list[Ref] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    h1: list[str] = field(default_factory=list)
    title: str = ""
    base: str | None = None  # the first <base href>, if any


URL_ATTRS = {
    "href": {"a", "area", "link"},
    "src": {"img", "script", "iframe", "source", "audio", "video", "embed", "track", "input"},
    "poster": {"video"},
    "data": {"object"},
    "action": {"form"},
    "formaction": {"button", "input"},
    "cite": {"blockquote", "q", "ins", "del"},
}


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._capture: str | None = None  # "h1" or "title" or "style"
        self._depth = 0
        self._buf: list[str] = []
        self._style_line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {k: (v or "") for k, v in attrs}
        if values.get("id"):
            self.page.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.page.ids.add(values["name"])
        if tag == "base" and "href" in values and self.page.base is None:
            self.page.base = values["href"].strip()
        for attr, tags in URL_ATTRS.items():
            if tag in tags and attr in values:
                if attr in ("action", "formaction") and not values[attr].strip():
                    continue
                self.page.refs.append(Ref(line, f"<{tag} {attr}>", values[attr]))
        if "srcset" in values and tag in ("img", "source"):
            for candidate in split_srcset(values["srcset"]):
                self.page.refs.append(Ref(line, f"<{tag} srcset>", candidate))
        if "imagesrcset" in values and tag == "link":
            for candidate in split_srcset(values["imagesrcset"]):
                self.page.refs.append(Ref(line, "<link imagesrcset>", candidate))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            match = re.search(r"url\s*=\s*['\"]?([^'\"]+)", values.get("content", ""), re.I)
            if match:
                self.page.refs.append(Ref(line, "<meta refresh>", match.group(1).strip()))
        if "style" in values:
            for url in css_urls(values["style"]):
                self.page.refs.append(Ref(line, f"url() in <{tag} style>", url))
        if self._capture is None and tag in ("h1", "title", "style"):
            self._capture, self._depth, self._buf, self._style_line = tag, 0, [], line
        elif self._capture == tag:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._capture != tag:
            return
        if self._depth:
            self._depth -= 1
            return
        text = "".join(self._buf)
        if tag == "h1":
            self.page.h1.append(" ".join(text.split()))
        elif tag == "title":
            self.page.title = " ".join(text.split())
        else:
            for url in css_urls(text):
                self.page.refs.append(Ref(self._style_line, "url() in <style>", url))
        self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            self._buf.append(data)


def split_srcset(srcset: str) -> Iterator[str]:
    """The URLs of a srcset, parsed as the HTML standard does (URLs may hold commas)."""
    pos, text = 0, srcset
    while pos < len(text):
        while pos < len(text) and (text[pos].isspace() or text[pos] == ","):
            pos += 1
        start = pos
        while pos < len(text) and not text[pos].isspace():
            pos += 1
        url = text[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            while pos < len(text) and text[pos] != ",":  # skip the descriptors
                if text[pos] == "(":
                    pos = text.find(")", pos) if ")" in text[pos:] else len(text)
                pos += 1
        if url:
            yield url


def css_urls(css: str) -> Iterator[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for match in CSS_URL.finditer(css):
        url = next((g for g in match.groups() if g is not None), "").strip()
        if url:
            yield url
    for match in CSS_IMPORT.finditer(css):
        yield (match.group(1) or match.group(2)).strip()


def parse_page(text: str) -> ParsedPage:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.page


@pytest.fixture(scope="session")
def parsed_pages(built_site: Path, html_files: list[Path]) -> dict[Path, ParsedPage]:
    return {p: parse_page(p.read_text(encoding="utf-8", errors="replace")) for p in html_files}


def classify(url: str) -> str:
    """'skip', 'fragment', 'internal', or an error message for a URL in the site."""
    url = url.strip()
    if not url:
        return "skip"
    if url.startswith("#"):
        return "fragment"
    parts = urllib.parse.urlsplit(url)
    if parts.scheme:
        if parts.scheme.lower() == "file":
            return "error: file: URL (points into the builder's disk)"
        if parts.scheme.lower() in EXTERNAL_SCHEMES:
            return "skip"
        return f"error: unknown URL scheme {parts.scheme!r}"
    if parts.netloc or url.startswith("//"):
        return "error: protocol-relative URL (breaks when the site is opened from disk)"
    if parts.path.startswith("/"):
        return "error: root-relative URL (breaks under a sub-path and from disk)"
    return "internal"


def rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def title_of_page(page: ParsedPage, titles: Iterable[str]) -> str | None:
    """The notice title a page is about: its h1 (else <title>) holds it; longest match wins."""
    heading = " ".join(page.h1) if page.h1 else page.title
    heading = " ".join(heading.split())
    candidates = [t for t in titles if " ".join(t.split()) in heading]
    return max(candidates, key=len) if candidates else None


# --------------------------------------------------------------------------- Nu Html Checker


def nu_check(site: Path, java_bin: str, vnu_jar: Path, what: str) -> None:
    """Every HTML page under `site` is valid HTML per the Nu Html Checker (vnu.jar),
    one JVM for all."""
    cmd = [
        java_bin,
        "-jar",
        str(vnu_jar),
        "--errors-only",
        "--format",
        "json",
        "--skip-non-html",
        str(site),
    ]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=900, check=False, stdin=subprocess.DEVNULL
    )
    raw = proc.stderr.strip() or proc.stdout.strip()
    try:
        messages = json.loads(raw)["messages"] if raw else []
    except (json.JSONDecodeError, KeyError) as err:
        pytest.fail(
            f"vnu.jar printed no JSON report ({err}); exit {proc.returncode}:\n{raw[:4000]}"
        )
    problems = []
    for m in messages:
        if m.get("type") not in ("error", "non-document-error") and m.get("subType") != "fatal":
            continue
        url = m.get("url", "")
        path = urllib.parse.unquote(urllib.parse.urlsplit(url).path) if url else "?"
        where = rel(Path(path), site) if path != "?" else "?"
        line = m.get("lastLine", m.get("firstLine", "?"))
        col = m.get("firstColumn", m.get("lastColumn", "?"))
        extract = (m.get("extract") or "").replace("\n", " ").strip()
        problems.append(
            f"{where}:{line}:{col}: {m.get('message', '').strip()}"
            + (f"  [{extract[:120]}]" if extract else "")
        )
    by_message: dict[str, list[str]] = {}
    for problem in problems:
        by_message.setdefault(problem.split(": ", 1)[1].split("  [")[0], []).append(problem)
    summary = [f"{len(by_message)} distinct messages (count, first place):"] + [
        f"  {len(v):5d}  {k}   (first: {v[0].split(': ', 1)[0]})"
        for k, v in sorted(by_message.items(), key=lambda kv: -len(kv[1]))[:60]
    ]
    fail_on(problems, f"Nu Html Checker errors in {what}", summary)
    assert proc.returncode == 0, f"vnu.jar exited {proc.returncode}:\n{raw[:4000]}"


def test_nu_html_checker_finds_no_errors(
    built_site: Path, html_files: list[Path], java_bin: str, vnu_jar: Path
) -> None:
    nu_check(built_site, java_bin, vnu_jar, f"{len(html_files)} pages")


def test_nu_html_checker_on_bodies_as_staff_write_them(
    make_site, java_bin: str, vnu_jar: Path
) -> None:
    """Headings that start at ### and pasted HTML (Word's tables, a web page's spans)
    still make valid pages: levels shifted under the page's h1, the HTML cleaned."""
    from test_public_sector import PASTED

    site = make_site({"content/notices/2026-11-18-gas.md": PASTED})
    out = site / "output"
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", str(site), "--now", NOW, "--no-print"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    nu_check(out, java_bin, vnu_jar, "a site with ### headings and pasted HTML")


# --------------------------------------------------------------------------- links from disk


def check_target(source: Path, ref: Ref, root: Path, pages: dict[Path, ParsedPage]) -> str | None:
    """None if a relative reference from `source` resolves on disk, else the problem."""
    parts = urllib.parse.urlsplit(ref.url.strip())
    rel_path = urllib.parse.unquote(parts.path)
    target = source if not rel_path else Path(os.path.normpath(source.parent / rel_path))
    if target != root and root not in target.parents:
        return f"leads outside the site folder (to {target})"
    if target.is_dir():
        return (
            f"names a directory ({rel(target, root)}/): link to the file, "
            f"e.g. {rel(target / 'index.html', root)}"
        )
    if not target.is_file():
        return f"target {rel(target, root)} does not exist"
    fragment = urllib.parse.unquote(parts.fragment)
    if fragment and target.suffix == ".html":
        page = pages.get(target)
        if page is None:
            page = parse_page(target.read_text(encoding="utf-8", errors="replace"))
        if fragment not in page.ids:
            return f"target {rel(target, root)} has no id={fragment!r}"
    return None


def site_url_of(path: Path, root: Path, base_url: str) -> str:
    """The public URL of an output file: base_url + its path."""
    return base_url.rstrip("/") + "/" + urllib.parse.quote(rel(path, root))


def effective_base(page_url: str, page: ParsedPage, base_url: str) -> tuple[str, str | None]:
    """The public URL that the page's relative links resolve against (its <base href>)."""
    if page.base is None:
        return page_url, None
    resolved = urllib.parse.urljoin(page_url, page.base)
    site = base_url.rstrip("/") + "/"
    if not resolved.startswith(site):
        return page_url, f"<base href={page.base!r}> leads outside base_url {site}"
    return resolved, None


def disk_source(
    page_path: Path, page: ParsedPage, root: Path, base_url: str
) -> tuple[Path, str | None]:
    """The file whose folder the page's relative links resolve from, honouring <base href>."""
    if page.base is None:
        return page_path, None
    base, why = effective_base(site_url_of(page_path, root, base_url), page, base_url)
    if why:
        return page_path, why
    rest = urllib.parse.unquote(urllib.parse.urlsplit(base).path)
    rest = rest[len(urllib.parse.urlsplit(base_url.rstrip("/") + "/").path) :]
    if rest == "" or rest.endswith("/"):
        rest += "index.html"
    return Path(os.path.normpath(root / rest)), None


def test_links_resolve_from_disk(
    built_site: Path, parsed_pages: dict[Path, ParsedPage], base_url: str
) -> None:
    """Every relative href/src/srcset/url() names an existing file; #fragments exist.

    A link to a folder fails (opened from disk, a folder is a file listing, not
    the page), and so does any root-relative or protocol-relative URL. A page with
    <base href> (under base_url) has its links resolved from that base.
    """
    problems: list[str] = []
    checked = 0
    for page_path, page in parsed_pages.items():
        where = rel(page_path, built_site)
        source, why = disk_source(page_path, page, built_site, base_url)
        if why:
            problems.append(f"{where}: {why}")
        for ref in page.refs:
            kind = classify(ref.url)
            if kind == "skip":
                continue
            checked += 1
            if kind.startswith("error"):
                problems.append(f"{where}:{ref.line}: {ref.where} {ref.url!r}: {kind[7:]}")
                continue
            if kind == "fragment" and source != page_path:
                kind = "internal"  # with <base href>, "#x" points into the base document
            if kind == "fragment":
                fragment = urllib.parse.unquote(ref.url[1:])
                if fragment and fragment != "top" and fragment not in page.ids:
                    problems.append(
                        f"{where}:{ref.line}: {ref.where} {ref.url!r}: "
                        f"no element with id={fragment!r} in this page"
                    )
                continue
            problem = check_target(source, ref, built_site, parsed_pages)
            if problem:
                problems.append(f"{where}:{ref.line}: {ref.where} {ref.url!r}: {problem}")
    # Stylesheets: url() and @import relative to the .css file.
    for css in sorted(built_site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        for url in css_urls(text):
            kind = classify(url)
            if kind in ("skip", "fragment"):
                continue
            checked += 1
            line = text[: text.find(url)].count("\n") + 1 if url in text else 0
            where = rel(css, built_site)
            if kind.startswith("error"):
                problems.append(f"{where}:{line}: url({url!r}): {kind[7:]}")
                continue
            problem = check_target(css, Ref(line, "url()", url), built_site, parsed_pages)
            if problem:
                problems.append(f"{where}:{line}: url({url!r}): {problem}")
    assert checked, "no internal link at all in the built site"
    fail_on(problems, f"broken links from disk ({checked} references checked)")


# --------------------------------------------------------------------------- links over HTTP


def http_get(server: SiteServer, url: str) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + parts.query
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_links_resolve_over_http_under_sub_path(
    site_server: SiteServer, html_files: list[Path], base_url: str
) -> None:
    """Served under /community/ by a real HTTP server, every internal link returns 200."""
    problems: list[str] = []
    referrers: dict[str, str] = {}
    page_urls = [site_server.url_for(p) for p in html_files]
    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(pool.map(lambda u: (u, *http_get(site_server, u)), page_urls))
        for url, status, body in pages:
            short = url[len(site_server.root) - len("/community/") :]
            if status != 200:
                problems.append(f"page {short}: HTTP {status}")
                continue
            page = parse_page(body.decode("utf-8", errors="replace"))
            resolve_from = url
            if page.base is not None:
                # <base href> names a public URL: map it onto this server's /community/.
                public = base_url.rstrip("/") + "/" + url[len(site_server.root) :]
                base, why = effective_base(public, page, base_url)
                if why:
                    problems.append(f"page {short}: {why}")
                resolve_from = site_server.root + base[len(base_url.rstrip("/") + "/") :]
            for ref in page.refs:
                kind = classify(ref.url)
                if kind == "skip" or (kind == "fragment" and page.base is None):
                    continue
                if kind.startswith("error"):
                    problems.append(f"{short}:{ref.line}: {ref.where} {ref.url!r}: {kind[7:]}")
                    continue
                joined = urllib.parse.urljoin(resolve_from, ref.url.strip())
                target = urllib.parse.urldefrag(joined)[0]
                referrers.setdefault(target, f"{short}:{ref.line} {ref.where} {ref.url!r}")
        targets = sorted(referrers)
        results = list(pool.map(lambda u: (u, http_get(site_server, u)[0]), targets))
    origin = site_server.root[: -len("/community/")]
    for target, status in results:
        if status != 200:
            note = "" if target.startswith(site_server.root) else " (outside /community/)"
            problems.append(f"{referrers[target]} -> {target[len(origin) :]}: HTTP {status}{note}")
    home_status = http_get(site_server, site_server.root)[0]
    if home_status != 200:
        problems.append(f"/community/ itself: HTTP {home_status}")
    assert targets, "no internal link found over HTTP"
    fail_on(problems, f"links failing over HTTP under /community/ ({len(targets)} unique URLs)")


# --------------------------------------------------------------------------- sitemap


def url_to_file(url: str, base_url: str, root: Path) -> tuple[Path | None, str | None]:
    """Map an absolute site URL to its output file, or say why it cannot be mapped."""
    base = base_url.rstrip("/") + "/"
    if not url.startswith(base):
        return None, f"does not start with base_url {base}"
    path = urllib.parse.unquote(urllib.parse.urlsplit(url[len(base) :]).path)
    if path == "" or path.endswith("/"):
        path += "index.html"
    target = Path(os.path.normpath(root / path))
    if root not in target.parents:
        return None, "leads outside the site"
    if target.is_dir():
        return None, f"names the folder {rel(target, root)} without a trailing slash"
    if not target.is_file():
        return None, f"no output file {rel(target, root)}"
    return target, None


def test_sitemap_is_valid_and_points_at_real_pages(
    built_site: Path,
    sitemap_xsd: Path,
    base_url: str,
    parsed_pages: dict[Path, ParsedPage],
    hidden_notices: dict[str, str],
    notice_sources: list[NoticeSource],
) -> None:
    """sitemap.xml validates against the sitemaps.org 0.9 XSD; every <loc> is a real file
    under base_url; no draft, scheduled or expired notice is listed (the contract: such
    notices have no entry in any feed or the sitemap, even where an archive page exists)."""
    sitemap = built_site / "sitemap.xml"
    assert sitemap.is_file(), f"{sitemap} missing"
    schema = etree.XMLSchema(etree.parse(str(sitemap_xsd)))
    try:
        doc = etree.parse(str(sitemap))
    except etree.XMLSyntaxError as err:
        pytest.fail(f"sitemap.xml is not well-formed XML: {err}")
    if not schema.validate(doc):
        errors = [f"sitemap.xml:{e.line}: {e.message}" for e in schema.error_log]
        pytest.fail(report(f"sitemap.xml is not valid against {sitemap_xsd.name}", errors))
    locs = [(loc.sourceline, (loc.text or "").strip()) for loc in doc.iter(f"{SITEMAP}loc")]
    assert locs, "sitemap.xml lists no <loc>"
    problems = []
    seen: dict[str, int] = {}
    all_titles = [n.title for n in notice_sources]
    for line, loc in locs:
        if loc in seen:
            problems.append(f"sitemap.xml:{line}: {loc} listed twice (first on line {seen[loc]})")
        seen.setdefault(loc, line)
        target, why = url_to_file(loc, base_url, built_site)
        if why:
            problems.append(f"sitemap.xml:{line}: <loc>{loc}</loc> {why}")
            continue
        if target is not None and target.suffix == ".html":
            page = parsed_pages.get(target) or parse_page(target.read_text(encoding="utf-8"))
            title = title_of_page(page, all_titles)
            if title in hidden_notices:
                problems.append(
                    f"sitemap.xml:{line}: <loc>{loc}</loc> is the page of the "
                    f"{hidden_notices[title]} notice {title!r}"
                )
    assert (base_url.rstrip("/") + "/") in seen or (base_url.rstrip("/") + "/index.html") in seen, (
        f"sitemap.xml does not list the home page {base_url}"
    )
    fail_on(problems, "sitemap.xml problems")


# --------------------------------------------------------------------------- Atom feeds


def atom_feeds(root: Path) -> tuple[list[tuple[Path, etree._ElementTree]], list[str]]:
    feeds, problems = [], []
    for path in sorted(root.rglob("*.xml")):
        try:
            doc = etree.parse(str(path))
        except etree.XMLSyntaxError as err:
            problems.append(f"{rel(path, root)}: not well-formed XML: {err}")
            continue
        if doc.getroot().tag == f"{ATOM}feed":
            feeds.append((path, doc))
    return feeds, problems


def _text(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def check_feed_links(where: str, owner: etree._Element, base_url: str, root: Path) -> list[str]:
    problems = []
    links = owner.findall(f"{ATOM}link")
    if not links:
        problems.append(f"{where}: no <link>")
    for link in links:
        href = (link.get("href") or "").strip()
        if not href:
            problems.append(f"{where}:{link.sourceline}: <link> without href")
            continue
        _, why = url_to_file(href, base_url, root)
        if why:
            problems.append(f"{where}:{link.sourceline}: <link href={href!r}> {why}")
    return problems


def check_content_links(where: str, entry: etree._Element, base_url: str, root: Path) -> list[str]:
    """Links inside an entry's HTML content/summary: a feed reader resolves them against the
    feed's URL, so they must be absolute (under base_url: to an existing output file)."""
    problems = []
    for name in ("content", "summary"):
        el = entry.find(f"{ATOM}{name}")
        if el is None or el.get("type") != "html" or not el.text:
            continue
        for ref in parse_page(el.text).refs:
            url = ref.url.strip()
            kind = classify(url)
            if kind in ("internal", "fragment"):
                problems.append(
                    f"{where}: <{name}> {ref.where} {url!r} is relative; feed readers resolve "
                    "it against the feed URL, so write it absolute (base_url + path)"
                )
            elif kind.startswith("error"):
                problems.append(f"{where}: <{name}> {ref.where} {url!r}: {kind[7:]}")
            elif url.startswith(base_url.rstrip("/") + "/"):
                _, why = url_to_file(url, base_url, root)
                if why:
                    problems.append(f"{where}: <{name}> {ref.where} {url!r} {why}")
    return problems


def check_date(where: str, owner: etree._Element, name: str) -> list[str]:
    el = owner.find(f"{ATOM}{name}")
    if el is None or not _text(el):
        return [f"{where}: no <{name}>"]
    text = _text(el)
    if not RFC3339.match(text):
        return [f"{where}:{el.sourceline}: <{name}>{text}</{name}> is not an RFC 3339 date-time"]
    dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return []


def test_atom_feeds_are_well_formed(built_site: Path, base_url: str) -> None:
    """Each Atom feed (every *.xml whose root is atom:feed) has what RFC 4287 requires:
    feed id, title, updated, link, author (on the feed or every entry); each entry id,
    title, updated, link; ids unique; links, also those inside entry content, absolute
    under base_url and pointing at existing output files."""
    feeds, problems = atom_feeds(built_site)
    names = [rel(p, built_site) for p, _ in feeds]
    assert "feed.xml" in names, f"feed.xml is missing or not an Atom feed; feeds found: {names}"
    assert len(feeds) >= 2, f"expected per-community and per-campaign feeds too; found {names}"
    for path, doc in feeds:
        name = rel(path, built_site)
        feed = doc.getroot()
        for child in ("id", "title"):
            if not _text(feed.find(f"{ATOM}{child}")):
                problems.append(f"{name}: feed has no <{child}>")
        problems += check_date(f"{name} (feed)", feed, "updated")
        problems += check_feed_links(f"{name} (feed)", feed, base_url, built_site)
        feed_author = feed.find(f"{ATOM}author") is not None
        entries = feed.findall(f"{ATOM}entry")
        ids: dict[str, int] = {}
        for entry in entries:
            where = f"{name}:{entry.sourceline} entry {_text(entry.find(f'{ATOM}title'))!r}"
            for child in ("id", "title"):
                if not _text(entry.find(f"{ATOM}{child}")):
                    problems.append(f"{where}: no <{child}>")
            entry_id = _text(entry.find(f"{ATOM}id"))
            if entry_id in ids:
                problems.append(f"{where}: id {entry_id} repeats the entry on line {ids[entry_id]}")
            ids.setdefault(entry_id, entry.sourceline)
            problems += check_date(where, entry, "updated")
            problems += check_feed_links(where, entry, base_url, built_site)
            problems += check_content_links(where, entry, base_url, built_site)
            if not feed_author and entry.find(f"{ATOM}author") is None:
                problems.append(f"{where}: no <author> here nor on the feed (RFC 4287 4.1.1)")
    main = next(doc for p, doc in feeds if rel(p, built_site) == "feed.xml")
    if not main.getroot().findall(f"{ATOM}entry"):
        problems.append("feed.xml has no entry at all")
    fail_on(problems, f"Atom problems in {len(feeds)} feeds")


def test_feeds_leave_out_draft_scheduled_and_expired_notices(
    built_site: Path, hidden_notices: dict[str, str], notice_sources: list[NoticeSource]
) -> None:
    """No Atom entry is titled like a draft, scheduled or expired notice (from the sources
    at --now 2026-11-20T10:00+08:00)."""
    reasons = {n.hidden_reason for n in notice_sources}
    assert {"draft", "scheduled", "expired"} <= reasons, (
        "the example content should have a draft, a scheduled and an expired notice at "
        f"the test's now; found states {sorted(r or 'current' for r in reasons)}"
    )
    feeds, problems = atom_feeds(built_site)
    assert feeds, "no Atom feed in the output"
    hidden = {" ".join(t.split()): r for t, r in hidden_notices.items()}
    for path, doc in feeds:
        for entry in doc.getroot().iter(f"{ATOM}entry"):
            title = _text(entry.find(f"{ATOM}title"))
            if title in hidden:
                problems.append(
                    f"{rel(path, built_site)}:{entry.sourceline}: entry {title!r} "
                    f"is a {hidden[title]} notice"
                )
    fail_on(problems, "hidden notices in feeds")


def test_draft_and_scheduled_notices_have_no_page(
    built_site: Path, parsed_pages: dict[Path, ParsedPage], notice_sources: list[NoticeSource]
) -> None:
    """A draft or scheduled notice is not published: no page is headed with its title."""
    all_titles = [n.title for n in notice_sources]
    unpublished = {
        n.title: n.hidden_reason
        for n in notice_sources
        if n.hidden_reason in ("draft", "scheduled")
    }
    problems = []
    for path, page in parsed_pages.items():
        if not page.h1:
            continue
        title = title_of_page(page, all_titles)
        if title in unpublished:
            problems.append(
                f"{rel(path, built_site)}: headed {page.h1!r}, the "
                f"{unpublished[title]} notice {title!r}"
            )
    fail_on(problems, "unpublished notices have pages")


# --------------------------------------------------------------------------- axe-core


def pick_pages(
    built_site: Path, parsed_pages: dict[Path, ParsedPage], notice_sources: list[NoticeSource]
) -> dict[str, Path]:
    """The home page, a current notice's page, a community page and a campaign page."""
    chosen: dict[str, Path] = {"home": built_site / "index.html"}
    current = [n.title for n in notice_sources if n.hidden_reason is None]
    all_titles = [n.title for n in notice_sources]
    for path in sorted(built_site.glob("notices/*/index.html")):
        page = parsed_pages.get(path)
        if page and title_of_page(page, all_titles) in current:
            chosen["notice"] = path
            break
    for source in sorted((REPO_ROOT / "content" / "communities").glob("*.yaml")):
        path = built_site / "communities" / source.stem / "index.html"
        if path.is_file():
            chosen["community"] = path
            break
    campaigns = sorted(built_site.glob("campaigns/*/index.html"))
    if campaigns:
        chosen["campaign"] = campaigns[0]
    return chosen


@pytest.fixture(scope="session")
def sample_pages(
    built_site: Path, parsed_pages: dict[Path, ParsedPage], notice_sources: list[NoticeSource]
) -> dict[str, Path]:
    chosen = pick_pages(built_site, parsed_pages, notice_sources)
    missing = {"home", "notice", "community", "campaign"} - chosen.keys()
    assert not missing, (
        f"could not find a built page for: {sorted(missing)} "
        f"(looked for notices/<slug>/index.html of a current notice, "
        f"communities/<slug>/index.html, campaigns/<slug>/index.html)"
    )
    return chosen


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))
  }));
}"""


def run_axe(context, axe_js: Path, url: str, where: str) -> tuple[list[str], list[str]]:
    """Open `url` in Chromium, run axe-core; return (serious/critical violations, load errors)."""
    page = context.new_page()
    failed: list[str] = []
    page.on(
        "response",
        lambda r: failed.append(f"{where}: HTTP {r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on("requestfailed", lambda r: failed.append(f"{where}: failed {r.url}: {r.failure}"))
    page.on("pageerror", lambda e: failed.append(f"{where}: script error: {e}"))
    try:
        # A search shows its results once the index scripts are in.
        page.goto(url, wait_until="networkidle" if "?q=" in url else "load")
        page.add_script_tag(path=str(axe_js))
        violations = page.evaluate(AXE_RUN)
    finally:
        page.close()
    lines = []
    for v in violations:
        if v["impact"] not in ("serious", "critical"):
            continue
        lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    at {' '.join(map(str, node['target']))}: {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more elements")
    return lines, failed


@pytest.mark.parametrize("kind", ["home", "notice", "community", "campaign"])
def test_axe_finds_no_serious_violations(
    kind: str,
    sample_pages: dict[str, Path],
    site_server: SiteServer,
    browser_context,
    axe_js: Path,
    built_site: Path,
) -> None:
    """axe-core in headless Chromium: no serious or critical accessibility violation, and
    the page loads without failed requests or script errors."""
    path = sample_pages[kind]
    where = rel(path, built_site)
    lines, failed = run_axe(browser_context, axe_js, site_server.url_for(path), where)
    fail_on(lines, f"axe-core serious/critical violations on the {kind} page {where}")
    fail_on(failed, f"the {kind} page {where} loaded with errors")


def test_axe_on_every_page(
    site_server: SiteServer,
    browser_context,
    axe_js: Path,
    built_site: Path,
    html_files: list[Path],
) -> None:
    """axe-core on every page of the site (Markdown tables, images and lists vary from
    one notice to the next), and on the search page showing results. Not the pages at
    short addresses (n/<id>/): they forward at once to the notice's own page. The 404
    page links the published site by absolute address (it is served at any missing
    one), which this server is not: only its own loading errors are left out."""
    paths = [p for p in html_files if rel(p, built_site).split("/")[0] != "n"]
    assert len(paths) > 100, f"only {len(paths)} pages found"
    urls = [(site_server.url_for(p), rel(p, built_site)) for p in paths]
    search = site_server.url_for(built_site / "search" / "index.html") + "?q=%E9%80%9A%E7%9F%A5"
    urls.append((search, "search/index.html?q=通知"))
    lines: list[str] = []
    failed: list[str] = []
    for url, where in urls:
        page_lines, page_failed = run_axe(browser_context, axe_js, url, where)
        lines += page_lines
        failed += page_failed if where != "404.html" else []
    fail_on(lines, f"axe-core serious/critical violations in {len(urls)} pages")
    fail_on(failed, f"pages loaded with errors ({len(urls)} pages)")
