"""The one configured Markdown converter.

Choices, and why:
- Raw HTML is escaped, never passed through (as Hugo does by default): staff
  paste from Word and web pages, and nothing they paste may run script.
- Every link and image is checked: `other.md` becomes a reference to that item's
  page, `../assets/x.png` to the published asset; a target that does not exist is
  an error; only http(s), mailto and tel schemes survive.
- An image from another website stays on the web page (staff paste image links,
  and the resident's phone can fetch it), with a warning: that site may change
  or remove it, and print leaves it out (a poster is made from the site's own
  files only, never from the Internet), showing its alt text instead.
- Internal targets are written as `sitegen-ref:<content path>` so the HTML does not
  depend on slugs or on where the page is published; `sitegen.site.urls.resolve_refs`
  turns them into relative URLs for each output.
- Line breaks inside a paragraph are kept (`nl2br`): staff write as in Word.
- Heading ids keep Chinese text (`#一基本情况`, not `#_1`).
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import render_inner_html, slugify, strip_tags, unique
from markdown.treeprocessors import Treeprocessor

from sitegen.model import REF_SCHEME

SAFE_SCHEMES = ("http", "https", "mailto", "tel")


@dataclass(frozen=True)
class BrokenLink:
    target: str
    message: str
    hint: str | None = None
    severity: str = "error"


@dataclass
class Rendered:
    html: str
    refs: set[str] = field(default_factory=set)  # content paths this body links to
    broken: list[BrokenLink] = field(default_factory=list)


class _LinkChecker(Treeprocessor):
    """Rewrites links and images to content references; removes anything unsafe."""

    def __init__(self, md: markdown.Markdown, converter: MarkdownConverter) -> None:
        super().__init__(md)
        self.converter = converter

    def run(self, root: etree.Element) -> None:
        result = self.converter.current
        for parent in list(root.iter()):
            for index, element in enumerate(list(parent)):
                if element.tag == "table":
                    # Focusable, so a wide table can be scrolled from the keyboard.
                    wrapper = etree.Element(
                        "div",
                        {
                            "class": "table-wrap",
                            "tabindex": "0",
                            "role": "region",
                            "aria-label": "表格",
                        },
                    )
                    parent.remove(element)
                    wrapper.append(element)
                    parent.insert(index, wrapper)
        for element in root.iter():
            for name in [n for n in element.attrib if n.lower().startswith("on")]:
                del element.attrib[name]
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute and attribute in element.attrib:
                self._check(element, attribute, result)
            if element.tag == "img":
                element.set("loading", "lazy")

    def _check(self, element: etree.Element, attribute: str, result: Rendered) -> None:
        raw = element.get(attribute, "").strip()
        parts = urlsplit(raw)
        scheme = parts.scheme.lower()
        if scheme in SAFE_SCHEMES or (not scheme and not parts.path and parts.fragment):
            if element.tag == "img":
                result.broken.append(_remote_image(raw))
            return
        if scheme or raw.startswith("//"):
            del element.attrib[attribute]
            result.broken.append(
                BrokenLink(
                    raw,
                    f"the link `{raw}` was removed: only http, https, mailto and tel "
                    "links are allowed",
                    severity="warning",
                )
            )
            return
        target = self.converter.resolve(unquote(parts.path))
        if target is None:
            result.broken.append(self.converter.describe_missing(unquote(parts.path), raw))
            return
        result.refs.add(target)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        element.set(attribute, f"{REF_SCHEME}{target}{fragment}")


def _remote_image(raw: str) -> BrokenLink:
    name = posixpath.basename(urlsplit(raw).path) or "image.png"
    return BrokenLink(
        raw,
        f"the image `{raw}` is on another website: the web page shows it from there while "
        "that site keeps it, and posters and leaflets leave it out (print uses only the "
        "site's own files)",
        f"save the image into content/assets/ and write ![…](../assets/{name}) instead",
        severity="warning",
    )


MAX_INDENT = 64  # columns: sixteen levels of list; Python-Markdown recurses once a level
MAX_QUOTES = 16


def _too_deep(text: str) -> BrokenLink | None:
    """The problem with a body nested deeper than anyone writes (which would make
    Python-Markdown recurse past its limit, or run for minutes), if it is."""
    for line in text.split("\n"):
        stripped = line.lstrip(" \t>")
        prefix = line[: len(line) - len(stripped)]
        if prefix.count(">") > MAX_QUOTES or len(prefix.expandtabs(4)) > MAX_INDENT:
            return _nested_too_deeply(line)
    return None


def _nested_too_deeply(line: str) -> BrokenLink:
    return BrokenLink(
        line,
        f"the text is nested too deeply to show (sitegen reads lists and quotes up to "
        f"{MAX_INDENT // 4} levels, {MAX_INDENT} spaces of indentation)",
        "remove the extra indentation or `>` marks at the start of this line",
    )


class _HeadingIds(Treeprocessor):
    """Gives each heading an id made from its text, Chinese kept (`#一基本情况`),
    unique within the body, exactly as the toc extension names them, without the
    table of contents it also builds and no page shows (a quarter of the time
    Markdown took for a notice)."""

    def run(self, root: etree.Element) -> None:
        used = {element.get("id") for element in root.iter() if "id" in element.attrib}
        for element in root.iter():
            if element.tag in _HEADINGS and "id" not in element.attrib:
                element.set("id", unique(slugify(self._name(element), "-", unicode=True), used))

    def _name(self, heading: etree.Element) -> str:
        text = heading.text or ""
        if len(heading) == 0 and not _MARKUP.search(text):
            return text.strip()  # plain text, as nearly every heading is: nothing to render
        return html.unescape(strip_tags(render_inner_html(heading, self.md)))


_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
_MARKUP = re.compile("[&<>\x02\x03]")  # entities, tags, Markdown's placeholders


class _SafeLinks(Extension):
    def __init__(self, converter: MarkdownConverter) -> None:
        super().__init__()
        self.converter = converter

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_HeadingIds(md), "sitegen_heading_ids", 5)
        md.treeprocessors.register(_LinkChecker(md, self.converter), "sitegen_links", 1)


class MarkdownConverter:
    """Converts Markdown bodies of content files, checking their links.

    `content_files` is every file under content/ as a posix path relative to it
    ("notices/a.md", "assets/map.svg"); links resolve against it.
    """

    def __init__(self, content_files: set[str]) -> None:
        self.content_files = content_files
        self.current = Rendered("")
        self.base_dir = ""
        self._md = markdown.Markdown(
            extensions=[
                "tables",
                "sane_lists",
                "fenced_code",
                "nl2br",
                _SafeLinks(self),
            ],
            output_format="html",
        )

    def convert(self, text: str, source: str) -> Rendered:
        """Convert the body of the content file `source` (posix path under content/)."""
        too_deep = _too_deep(text)
        if too_deep is not None:
            return Rendered("", broken=[too_deep])
        self.current = Rendered("")
        self.base_dir = posixpath.dirname(source)
        self._md.reset()
        try:
            self.current.html = self._md.convert(text)
        except RecursionError:  # nesting of some other kind, past Python's limit
            return Rendered("", broken=[_nested_too_deeply(text.lstrip().split("\n")[0])])
        return self.current

    def resolve(self, path: str) -> str | None:
        """The content file a link path names, relative to the current file or, with a
        leading `/`, to content/; None when there is no such file."""
        if not path:
            return None
        joined = path.lstrip("/") if path.startswith("/") else posixpath.join(self.base_dir, path)
        normal = posixpath.normpath(joined)
        if normal.startswith("../") or normal == "..":
            return None
        return normal if normal in self.content_files else None

    def describe_missing(self, path: str, raw: str) -> BrokenLink:
        name = posixpath.basename(path.rstrip("/"))
        candidates = [f for f in self.content_files if posixpath.basename(f) == name]
        if candidates:
            suggestion = posixpath.relpath(sorted(candidates)[0], self.base_dir or ".")
            return BrokenLink(
                raw, f"the link `{raw}` points at nothing", f"did you mean `{suggestion}`?"
            )
        if path.endswith("/") or "/index.html" in path:
            hint = "link to the Markdown file of the item instead, for example `2026-11-18-停水通知.md`"
        else:
            hint = "check the file name; images and attachments go in content/assets/"
        return BrokenLink(raw, f"the link `{raw}` points at nothing", hint)


_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_SENTENCE_END = "。！？!?；;"


def summarize(body_html: str, limit: int = 100) -> str:
    """A plain-text summary of the first paragraphs, cut at a sentence end if one is near.

    CJK text has no spaces, so we cut by characters, preferring the last 。！？
    in the second half of the limit."""
    text = ""
    for paragraph in _PARAGRAPH.findall(body_html):
        plain = html.unescape(_TAG.sub("", paragraph)).replace("\n", "").strip()
        if plain:
            text += plain
        if len(text) >= limit:
            break
    if len(text) <= limit:
        return text
    cut = text[:limit]
    ends = [cut.rfind(mark) for mark in _SENTENCE_END]
    best = max(ends)
    if best >= limit // 2:
        return cut[: best + 1]
    return cut.rstrip("，、,;；：:") + "…"
