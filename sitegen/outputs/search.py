"""The search index: Chinese found anywhere in a title or body, from disk or any host.

Why it is shaped so:
- Every file is a script (`search/3/t5.js` calls `sitegenSearch.terms(…)`),
  loaded with a `<script>` element: a page opened from disk (`file://`) may load
  scripts beside it but may not fetch data files, so JSON would not do.
- Chinese has no spaces, so the index is of bigrams (every two neighbouring
  letters of a run of letters and digits, folded as below): a query's
  bigrams, looked up and intersected, give candidates, which search.js confirms
  as exact substrings of the stored text before it shows them.
- The notices, oldest first, are cut into segments of SEGMENT_SIZE (the pages are
  one more), and each segment's bigrams into term shards by a hash both sides
  compute, so a query loads only the few shards its bigrams are in; the stored
  texts are in blocks, loaded only for the results shown. A new notice joins the
  last segment and an edit changes only its own: a build indexes again just the
  segments whose notices changed (a few hundred notices, at any archive size),
  and of those rewrites the shards of the bigrams that came or went. (A notice
  dated back, deleted or made a draft again moves every later one: the
  segments after it are indexed again.)
- Drafts and scheduled notices are never in it, whatever the build shows.
- Expiry is stored as a moment: the page marks 已过期 by the reader's clock.
- Letters are compared after folding full-width forms to ASCII and lower case
  (search.js folds the same way): NFKC would do more, at many times the cost.
"""

from __future__ import annotations

import hashlib
import html
import json
import operator
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sitegen.model import Notice, Page
from sitegen.outputs.plan import Output
from sitegen.site import urls
from sitegen.site.view import SiteView
from sitegen.site.visibility import State

FOLDER = "search"
MANIFEST = f"{FOLDER}/index.js"
PAGE = f"{FOLDER}/index.html"
SEGMENT_SIZE = 256
DOCS_PER_BLOCK = 8
DOCS_PER_TERM_SHARD = 2
PAGES_SEGMENT = "pages"
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH_LETTERS = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")

_BLOCK_TAG = re.compile(
    r"</?(?:p|div|li|ul|ol|tr|td|th|table|thead|tbody|caption|h[1-6]|br|blockquote|pre|hr|dd|dt)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Entry:
    """One searchable page as the index stores it."""

    path: str  # output path of the page
    title: str
    day: str  # "2026-11-20", "" for a page
    communities: tuple[str, ...]  # slugs; empty: for every community
    expires: int | None  # the moment it expires, in milliseconds since 1970
    text: str  # the body as plain text


def plain_text(body_html: str) -> str:
    """The text a reader sees in a body: tags gone (a block's end is a space, an
    inline element's is nothing, so 请<strong>务必</strong> stays one word), entities
    read, white space collapsed."""
    spaced = _BLOCK_TAG.sub(" ", body_html)
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", spaced))).strip()


def fold(text: str) -> str:
    """Full-width letters and digits as ASCII, in lower case (search.js folds the
    signs too, which no bigram holds)."""
    if _FULL_WIDTH_LETTERS.search(text):
        text = text.translate(_FOLD)
    return text.lower()


def bigrams(text: str) -> set[str]:
    r"""Every two neighbouring letters or digits of `text` (str.isalnum, as search.js's
    [\p{L}\p{N}]), folded: all neighbouring pairs, then those that are two letters or
    digits (a fifth faster than cutting the text into runs first)."""
    folded = fold(text)
    return {pair for pair in set(map(operator.add, folded, folded[1:])) if pair.isalnum()}


def shard_of(bigram: str, shards: int) -> int:
    """The term shard a bigram is in (search.js computes the same)."""
    first, second = (ord(char) for char in bigram)
    return (((first * 2654435761) & 0xFFFFFFFF) ^ second) % shards


def term_shard_count(documents: int) -> int:
    """A power of two near documents / DOCS_PER_TERM_SHARD: shards of about the same
    size at any archive size, and a count that changes rarely."""
    count = 1
    while count * DOCS_PER_TERM_SHARD < documents:
        count *= 2
    return count


def _millis(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def notice_entry(notice: Notice) -> Entry:
    return Entry(
        urls.notice_path(notice.slug),
        notice.title,
        notice.date.date().isoformat(),
        notice.communities,
        _millis(notice.expires),
        plain_text(notice.body_html),
    )


def page_entry(page: Page) -> Entry:
    return Entry(urls.page_path(page.slug), page.title, "", (), None, plain_text(page.body_html))


@dataclass(frozen=True)
class Segment:
    """Some notices (or the pages), oldest first: a document's number is its place here."""

    name: str
    documents: tuple[Notice | Page, ...]

    @property
    def term_shards(self) -> int:
        return term_shard_count(len(self.documents))

    @property
    def blocks(self) -> int:
        return -(-len(self.documents) // DOCS_PER_BLOCK)

    def digest(self, documents: tuple[Notice | Page, ...] | None = None) -> str:
        """What the segment's (or some of its) files are made of: each document's
        identity (every field of it, its address and text among them), in order."""
        parts = [d.identity for d in (documents or self.documents)]
        return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def segments(view: SiteView) -> list[Segment]:
    """The index's segments, newest notices first, the pages last."""
    published = (State.CURRENT, State.EXPIRED)
    notices = sorted(
        (n for n in view.notices if view.state(n) in published), key=lambda n: (n.date, n.slug)
    )
    found = [
        Segment(str(number), tuple(notices[start : start + SEGMENT_SIZE]))
        for number, start in enumerate(range(0, len(notices), SEGMENT_SIZE))
    ]
    found.reverse()
    pages = tuple(sorted((p for p in view.pages if not p.draft), key=lambda p: p.slug))
    if pages:
        found.append(Segment(PAGES_SEGMENT, pages))
    return found


def _script(call: str, *arguments: object) -> bytes:
    encoded = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in arguments)
    return f"sitegenSearch.{call}({encoded});\n".encode()


def _deltas(numbers: list[int]) -> list[int]:
    return [n - p for n, p in zip(numbers, [0, *numbers], strict=False)]


class SegmentIndex:
    """A segment's entries and its bigram postings, made once per process on first use."""

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.entries = [
            notice_entry(d) if isinstance(d, Notice) else page_entry(d) for d in segment.documents
        ]
        shards = segment.term_shards
        titles: dict[str, list[int]] = defaultdict(list)
        bodies: dict[str, list[int]] = defaultdict(list)
        for number, entry in enumerate(self.entries):
            for bigram in bigrams(entry.title):
                titles[bigram].append(number)
            for bigram in bigrams(entry.text):
                bodies[bigram].append(number)
        self.shards: list[dict[str, list[list[int]]]] = [{} for _ in range(shards)]
        for bigram in sorted(titles.keys() | bodies.keys()):
            self.shards[shard_of(bigram, shards)][bigram] = [
                _deltas(titles.get(bigram, [])),
                _deltas(bodies.get(bigram, [])),
            ]

    def term_file(self, number: int) -> bytes:
        return _script("terms", self.segment.name, number, self.shards[number])

    def block_file(self, number: int) -> bytes:
        start = number * DOCS_PER_BLOCK
        rows = [
            [e.path, e.title, e.day, list(e.communities), e.expires, e.text]
            for e in self.entries[start : start + DOCS_PER_BLOCK]
        ]
        return _script("docs", self.segment.name, number, rows)


def plan_index(view: SiteView) -> list[Output]:
    """The manifest, the term shards and the text blocks of every segment."""
    found = segments(view)
    made: dict[str, SegmentIndex] = {}  # each made once, by the first of its files rendered

    def index(segment: Segment) -> SegmentIndex:
        if segment.name not in made:
            made[segment.name] = SegmentIndex(segment)
        return made[segment.name]

    manifest = _script(
        "index",
        {
            # With a version each, asked for in the files' addresses: a browser's
            # copy of an older segment is not mixed with a newer one.
            "segments": [[s.name, len(s.documents), s.term_shards, s.digest()[:10]] for s in found],
            "block": DOCS_PER_BLOCK,
            "communities": {c.slug: c.name for c in view.communities},
        },
    )
    outputs = [
        Output(
            MANIFEST,
            "the search index",
            lambda reads: manifest,
            made_of=("search", manifest.decode()),
        )
    ]
    for segment in found:
        digest = segment.digest()
        folder = f"{FOLDER}/{segment.name}"
        made_from = f"the search index of {segment.name}"
        for number in range(segment.term_shards):
            outputs.append(
                Output(
                    f"{folder}/t{number}.js",
                    made_from,
                    lambda reads, s=segment, n=number: index(s).term_file(n),
                    made_of=("search-terms", segment.name, number, digest),
                )
            )
        for number in range(segment.blocks):
            block = segment.documents[number * DOCS_PER_BLOCK : (number + 1) * DOCS_PER_BLOCK]
            outputs.append(
                Output(
                    f"{folder}/d{number}.js",
                    made_from,
                    lambda reads, s=segment, n=number: index(s).block_file(n),
                    made_of=("search-docs", segment.name, number, segment.digest(block)),
                )
            )
    return outputs
