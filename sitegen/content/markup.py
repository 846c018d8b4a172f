"""The one configured Markdown converter.

Choices, and why:
- Raw HTML (staff paste from Word and web pages) keeps its formatting and loses
  all else: pasted_html.py cleans it with an allow-list and says, at its line,
  what it removed. A body without pasted HTML is not cleaned: Markdown's own
  output is safe, and cleaning every body would cost a tenth of a build.
- Headings are shifted so that a body's highest level is h2, under the page's
  h1, and no level is skipped (staff often start at ###).
- Word's indentation (full-width spaces at the start of a line) is dropped: the
  site lays out its own paragraphs.
- A time range (8:00-20:00) is kept on one line: a narrow table cell would break
  it after the dash, and 8:00- / 20:00 reads as two times.
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
import secrets
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import render_inner_html, slugify, strip_tags, unique
from markdown.inlinepatterns import HTML_RE, HtmlInlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from sitegen.content import pasted_html
from sitegen.content.inline_gate import use_gated_inline
from sitegen.model import REF_SCHEME, SAFE_SCHEMES


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
    pasted: bool = False  # whether the body holds pasted HTML (and is to be cleaned)


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
        self.removed: list[etree.Element] = []
        for element in root.iter():
            for name in [n for n in element.attrib if n.lower().startswith("on")]:
                del element.attrib[name]
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute and attribute in element.attrib:
                self._check(element, attribute, result)
            if element.tag == "img":
                element.set("loading", "lazy")
        _take_out(root, self.removed)
        _link_pictures(root)

    def _check(self, element: etree.Element, attribute: str, result: Rendered) -> None:
        raw = element.get(attribute, "").strip()
        if AMP_SUBSTITUTE in raw:  # an autolink <name@host>, its address written as entities
            raw = html.unescape(raw.replace(AMP_SUBSTITUTE, "&"))
            element.set(attribute, raw)
        parts = urlsplit(raw)
        scheme = parts.scheme.lower()
        if scheme in SAFE_SCHEMES or (not scheme and not parts.path and parts.fragment):
            if element.tag == "img":
                result.broken.append(_remote_image(raw))
            return
        if scheme or raw.startswith("//"):
            self.removed.append(element)
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


def _take_out(root: etree.Element, elements: list[etree.Element]) -> None:
    """Links whose address was removed lose it and keep their text; images are
    replaced by their description (an <img> without a picture is no HTML)."""
    doomed = {id(element) for element in elements}
    for element in elements:
        if element.tag == "a":
            element.attrib.pop("href", None)
    for parent in list(root.iter()):
        for index, element in reversed(list(enumerate(parent))):
            if element.tag != "img" or id(element) not in doomed:
                continue
            text = (element.get("alt") or "") + (element.tail or "")
            parent.remove(element)
            if index > 0:
                previous = parent[index - 1]
                previous.tail = (previous.tail or "") + text
            else:
                parent.text = (parent.text or "") + text


def _link_pictures(root: etree.Element) -> None:
    """A picture with a description opens full size when tapped (a map of an outage is
    read by zooming in); one in a link already, or without a description, is left."""
    in_links = {id(e) for link in root.iter("a") for e in link.iter()}
    for parent in list(root.iter()):
        if id(parent) in in_links:
            continue
        for index, element in enumerate(list(parent)):
            if element.tag == "img" and element.get("src") and element.get("alt"):
                link = etree.Element("a", {"class": "image-link", "href": element.get("src")})
                link.tail, element.tail = element.tail, None
                parent.remove(element)
                link.append(element)
                parent.insert(index, link)


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
# A line too deep starts with more than MAX_QUOTES `>`, or more than MAX_INDENT columns,
# each mark at most 4 (a tab): either way, at least this many marks.
_LONG_INDENT = re.compile(f"^[ \t>]{{{min(MAX_QUOTES, MAX_INDENT // 4) + 1}}}", re.MULTILINE)


def _too_deep(text: str) -> BrokenLink | None:
    """The problem with a body nested deeper than anyone writes (which would make
    Python-Markdown recurse past its limit, or run for minutes), if it is."""
    if not _LONG_INDENT.search(text):
        return None  # no line starts with enough marks to be too deep: nearly every body
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


class _CodeBlocksStashed(Preprocessor):
    """Runs between fenced_code (which stashes each code block as HTML) and html_block:
    notes how many stashed pieces are code, so the rest are known to be pasted."""

    def __init__(self, md: markdown.Markdown, converter: MarkdownConverter) -> None:
        super().__init__(md)
        self.converter = converter

    def run(self, lines: list[str]) -> list[str]:
        self.converter.code_blocks = self.md.htmlStash.html_counter
        return lines


class _PastedHtml(Postprocessor):
    """Before the stashed HTML goes back into the page: names what cleaning will take
    out of each pasted piece, and gives a pasted table the wrapper Markdown's get."""

    def __init__(self, md: markdown.Markdown, converter: MarkdownConverter) -> None:
        super().__init__(md)
        self.converter = converter

    def run(self, text: str) -> str:
        result = self.converter.current
        stash = self.md.htmlStash.rawHtmlBlocks
        pasted = [
            index
            for index in range(self.converter.code_blocks, len(stash))
            if isinstance(stash[index], str) and "<" in stash[index]
        ]  # not entities (&nbsp;): Markdown stashes those too
        if pasted:
            # Only Markdown's own links may be references (a pasted one is not checked):
            # they are written, until cleaning is done, with a scheme no pasted text
            # can know, and cleaning keeps no other but web addresses.
            self.converter.own_refs = f"sitegen-own-{secrets.token_hex(8)}:"
            text = text.replace(f'="{REF_SCHEME}', f'="{self.converter.own_refs}')
        _drop_unclosed(stash, pasted, result)
        finder = pasted_html.RemovalFinder()
        for index in pasted:
            raw = stash[index]
            result.pasted = True
            removals = finder.removals(raw)
            for removal in removals:
                result.broken.append(
                    BrokenLink(
                        removal.tag_text,
                        "pasted HTML: removed " + "; ".join(removal.what),
                        "what it held is not on the page: write any text of it in Markdown"
                        if removal.loses_content
                        else "nothing is lost that residents should see; to keep this "
                        "warning away, delete the HTML and write the text in Markdown",
                        severity="warning",
                    )
                )
            raw = pasted_html.without_formula_tags(raw)  # a formula keeps its text
            # Inline HTML is stashed a tag at a time: the end may be in another piece.
            raw = _TABLE_OPEN.sub(_TABLE_WRAP + r"\g<0>", raw)
            stash[index] = _TABLE_CLOSE.sub(r"\g<0></div>", raw)
        return text


def _drop_unclosed(stash: list, pasted: list[int], result: Rendered) -> None:
    """Take out a pasted <style>, <textarea>, <svg>… that is never closed: cleaning
    would take everything after it with it (or show the rest of the page as code)."""
    open_tags: list[tuple[str, int, str]] = []
    for index in pasted:
        for match in _RAW_TEXT_TAG.finditer(stash[index]):
            name = match.group(2).lower()
            if not match.group(1):
                open_tags.append((name, index, match.group(0)))
            elif any(tag[0] == name for tag in open_tags):
                last = max(i for i, tag in enumerate(open_tags) if tag[0] == name)
                del open_tags[last]
    for _name, index, tag_text in open_tags:
        stash[index] = stash[index].replace(tag_text, "", 1)
        result.broken.append(
            BrokenLink(
                tag_text,
                f"pasted HTML: removed {tag_text}, which is never closed (the text after "
                "it is kept)",
                "delete it, or the HTML it came with",
                severity="warning",
            )
        )


_TAG_NAME = "[a-zA-Z][^\\s\"'<>@]*+"  # Python-Markdown's: any letters, 区 too
_ASCII_TAG_HTML_RE = HTML_RE.replace(_TAG_NAME, "[a-zA-Z][a-zA-Z0-9:-]*+(?=[\\s/>])", 1)
assert _ASCII_TAG_HTML_RE != HTML_RE, "Python-Markdown's HTML_RE changed: update _TAG_NAME"
_RAW_TEXT_TAG = re.compile(
    r"<(/?)(script|style|title|textarea|xmp|iframe|noembed|noframes|noscript|template|plaintext"
    r"|svg)\b[^>]*>",
    re.IGNORECASE,
)
_TABLE_WRAP = '<div class="table-wrap" tabindex="0" role="region" aria-label="表格">'
_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)
_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_WORD_INDENT = re.compile("^[\u3000\u00a0]+", re.MULTILINE)
# A time range in the text, not in a tag: no `>` comes before the next `<` (text
# holds none unescaped).
_TIME_RANGE_IN_TEXT = re.compile(r"\d{1,2}[:：]\d{2}\s*[-–—~～至到]\s*\d{1,2}[:：]\d{2}(?![^<>]*>)")


def keep_time_ranges_whole(body_html: str) -> str:
    """Each time range in the text (never inside a tag) in a span that does not break."""
    return _TIME_RANGE_IN_TEXT.sub(r'<span class="nowrap">\g<0></span>', body_html)


def shift_headings(body_html: str) -> str:
    """Headings renumbered under the page's h1: the body's highest level becomes h2,
    and a heading is at most one level below the one before it."""
    levels = [int(level) for closing, level in _HEADING_TAG.findall(body_html) if not closing]
    if not levels:
        return body_html
    shift = 2 - min(levels)
    previous = 1
    opened: list[int] = []

    def renumber(match: re.Match[str]) -> str:
        nonlocal previous
        if match.group(1):
            return f"</h{opened.pop() if opened else match.group(2)}"
        level = min(int(match.group(2)) + shift, previous + 1, 6)
        previous = level
        opened.append(level)
        return f"<h{level}"

    return _HEADING_TAG.sub(renumber, body_html)


class _SafeLinks(Extension):
    def __init__(self, converter: MarkdownConverter) -> None:
        super().__init__()
        self.converter = converter

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        use_gated_inline(md)
        md.preprocessors.register(_CodeBlocksStashed(md, self.converter), "sitegen_code", 22)
        # A tag's name is ASCII: <A区> in a sentence is text, not a tag to clean away.
        md.inlinePatterns.register(HtmlInlineProcessor(_ASCII_TAG_HTML_RE, md), "html", 90)
        md.treeprocessors.register(_HeadingIds(md), "sitegen_heading_ids", 5)
        md.treeprocessors.register(_LinkChecker(md, self.converter), "sitegen_links", 1)
        md.postprocessors.register(_PastedHtml(md, self.converter), "sitegen_pasted", 35)


class MarkdownConverter:
    """Converts Markdown bodies of content files, checking their links.

    `content_files` is every file under content/ as a posix path relative to it
    ("notices/a.md", "assets/map.svg"); links resolve against it.
    """

    def __init__(self, content_files: set[str]) -> None:
        self.content_files = content_files
        self.current = Rendered("")
        self.base_dir = ""
        self.code_blocks = 0  # in the body being converted: stashed pieces that are code
        self.own_refs = REF_SCHEME  # what Markdown's own references are written with
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
        self.code_blocks = 0
        try:
            converted = self._md.convert(_WORD_INDENT.sub("", text))
        except RecursionError:  # nesting of some other kind, past Python's limit
            return Rendered("", broken=[_nested_too_deeply(text.lstrip().split("\n")[0])])
        if self.current.pasted:
            own = self.own_refs
            converted = pasted_html.clean(converted, own).replace(f'="{own}', f'="{REF_SCHEME}')
        self.current.html = keep_time_ranges_whole(shift_headings(converted))
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
