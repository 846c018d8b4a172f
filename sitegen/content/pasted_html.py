"""HTML that staff paste into a notice (from Word, from another web page): kept as
the formatting it carries, cleaned of everything that could run or restyle the page.

The cleaning is nh3's (ammonia's allow-list, maintained for exactly this); this
module says what is allowed, and finds what will be removed, so that each removal
can be named to the writer at its line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from sitegen.model import SAFE_SCHEMES

FORMATTING = frozenset(
    {
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "del",
        "ins",
        "sub",
        "sup",
        "mark",
        "small",
        "span",
        "abbr",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "code",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "colgroup",
        "col",
        "figure",
        "figcaption",
    }
)
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "noscript", "template", "title", "svg", "textarea"}
)
# MathML (a formula pasted from Word or a web page): nh3 drops it with its text, so
# its tags are taken out first and the text stays, unformatted.
FORMULA_TAGS = frozenset(
    {
        "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt",
        "mroot", "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose",
        "msub", "msup", "msubsup", "munder", "mover", "munderover", "mmultiscripts",
        "mprescripts", "none", "mtable", "mlabeledtr", "mtr", "mtd", "maligngroup",
        "malignmark", "mstack", "mlongdiv", "msgroup", "msrow", "mscarries", "mscarry",
        "msline", "maction", "semantics", "mglyph", "annotation", "annotation-xml",
    }
)  # fmt: skip
_FORMULA_TAG = re.compile(
    r"</?(?:" + "|".join(sorted(FORMULA_TAGS, key=len, reverse=True)) + r")\b[^>]*>",
    re.IGNORECASE,
)
# What a formula carries for machines (its TeX source), not for readers.
_ANNOTATION = re.compile(r"<annotation(?:-xml)?\b.*?</annotation(?:-xml)?\s*>", re.I | re.S)

# Tags with what they may carry. Pasted links and images keep only web addresses:
# a link to another file of the site is written in Markdown, where it is checked.
PASTED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "td": {"colspan", "rowspan", "style"},
    "ol": {"start"},
    "abbr": {"title"},
}
# And what Markdown itself makes, which a body with pasted HTML is cleaned with.
MARKDOWN_ATTRIBUTES: dict[str, set[str]] = {
    **{f"h{n}": {"id"} for n in range(1, 7)},
    "img": {"loading"},
    "div": {"tabindex", "role", "aria-label"},  # the wrapper of a wide table
}
ALLOWED_ATTRIBUTES = {
    tag: PASTED_ATTRIBUTES.get(tag, set()) | MARKDOWN_ATTRIBUTES.get(tag, set())
    for tag in {*PASTED_ATTRIBUTES, *MARKDOWN_ATTRIBUTES}
}
ALIGNMENT = {"text-align"}  # what Markdown tables' style holds, all a cell may keep


@dataclass(frozen=True)
class Removal:
    """What cleaning takes out of one tag as written (`tag_text`, to find its line)."""

    tag_text: str
    what: list[str]

    @property
    def loses_content(self) -> bool:
        """Whether text or pictures a reader would see go with it (an <svg>'s)."""
        return any(part.endswith("and what it holds") for part in self.what)


class _Finder(HTMLParser):
    """Walks pasted HTML and notes, per start tag, what the cleaning will remove."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removals: list[Removal] = []
        self.dropping: list[str] = []  # the dropped elements we are inside (svg holds tags)
        self.formulas = 0  # the <math> elements we are inside

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping:
            if tag == self.dropping[0]:
                self.dropping.append(tag)
            return
        what = []
        if tag in FORMULA_TAGS:
            self.formulas += tag == "math"
            if tag == "math" or self.formulas == 0:  # one message a formula
                what.append(f"the <{tag}> formula's layout (its text is kept)")
        elif tag in DROPPED_WITH_CONTENT:
            what.append(f"<{tag}> and what it holds")
            self.dropping.append(tag)
        elif tag not in FORMATTING and tag not in ("a", "img", "div"):
            what.append(f"the <{tag}> tag (its text is kept)")
        else:
            allowed = ALLOWED_ATTRIBUTES.get(tag, set())
            for name, value in attrs:
                if name not in allowed:
                    what.append(_attribute(tag, name))
                elif name == "style" and not _only_alignment(value or ""):
                    what.append(f"the style of <{tag}> (the site sets how it looks)")
                elif name in ("href", "src") and not _kept_address(value or ""):
                    what.append(_address(tag, name, value or ""))
        if what:
            self.removals.append(Removal(self.get_starttag_text() or f"<{tag}", what))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self.dropping and self.dropping[-1] == tag:
            self.dropping.pop()  # <svg/>: nothing inside

    def handle_endtag(self, tag: str) -> None:
        if self.dropping and tag == self.dropping[0]:
            self.dropping.pop()
        elif tag == "math" and self.formulas:
            self.formulas -= 1


def _attribute(tag: str, name: str) -> str:
    if name.startswith("on"):
        return f"the {name} script of <{tag}>"
    if name == "style":
        return f"the style of <{tag}> (the site sets how it looks)"
    return f"the {name} attribute of <{tag}>"


def _address(tag: str, name: str, value: str) -> str:
    scheme = urlsplit(value.strip()).scheme.lower()
    instead = " (its description stays in its place)" if tag == "img" else ""
    if scheme:
        return f"the {scheme}: address of <{tag}>{instead}"
    return f"the {name} of <{tag}> (`{value}`: write a link to a file of the site in Markdown)"


def _only_alignment(style: str) -> bool:
    """Whether a style holds only what cleaning keeps (ammonia matches names exactly)."""
    return all(
        part.split(":", 1)[0].strip() in ALIGNMENT for part in style.split(";") if part.strip()
    )


def without_formula_tags(fragment: str) -> str:
    """A pasted piece with MathML's tags taken out, so the formula's text is kept."""
    if (
        "<m" not in fragment.lower()
        and "<s" not in fragment.lower()
        and "<n" not in fragment.lower()
    ):
        return fragment
    return _FORMULA_TAG.sub("", _ANNOTATION.sub("", fragment))


def _kept_address(value: str) -> bool:
    """A pasted address that cleaning keeps: a web address, or a place on the page."""
    return value.startswith("#") or _web_address(value)


def _web_address(value: str) -> bool:
    parts = urlsplit(value.strip())
    return parts.scheme.lower() in SAFE_SCHEMES and bool(parts.netloc or parts.path)


class RemovalFinder:
    """What cleaning removes from the pasted HTML of one body, fed in the pieces
    Markdown stashes it in (inline HTML a tag at a time: an <svg> and what it holds
    may be pieces apart)."""

    def __init__(self) -> None:
        self._finder = _Finder()

    def removals(self, fragment: str) -> list[Removal]:
        """What cleaning removes from this piece, tag by tag in order."""
        self._finder.removals = []
        self._finder.feed(fragment)
        return self._finder.removals


def clean(body_html: str, own_refs: str) -> str:
    """The body with only formatting left: Markdown's own output kept as it is.

    `own_refs` is the scheme Markdown's own references are written with for this
    clean (markup.py makes one up for each body): the only one kept besides web
    addresses. A pasted `sitegen-ref:` address, however it is spelt (entities, a
    second attribute, tags inside tags), is then no address nh3 keeps."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        # Pasted links must be web addresses: a relative one would lead nowhere from
        # the published page.
        if attribute in ("href", "src") and not (
            value.startswith(own_refs) or _kept_address(value)
        ):
            return None
        return value

    cleaned = nh3.clean(
        body_html,
        tags=set(FORMATTING | {"a", "img", "div"}),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes={*SAFE_SCHEMES, own_refs.rstrip(":")},
        link_rel=None,
        filter_style_properties=ALIGNMENT,
        allowed_classes={"div": {"table-wrap"}, "a": {"image-link"}},
    )
    return _IMAGE_WITHOUT_PICTURE.sub(_description, cleaned)


# An image that lost its address: no HTML, and nothing to see but its description.
_IMAGE_WITHOUT_PICTURE = re.compile(r'<img\b(?![^>]*\ssrc=")[^>]*>')
_ALT = re.compile(r'\salt="([^"]*)"')


def _description(image: re.Match[str]) -> str:
    alt = _ALT.search(image.group(0))
    return alt.group(1) if alt else ""
