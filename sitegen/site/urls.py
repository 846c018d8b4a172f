"""Where each thing is published, and links between outputs.

Every link inside the site is relative and names a file (`../x/index.html`),
never a bare folder: so `output/` works from any host, under any sub-path, and
opened straight from disk, where a folder link would show a file listing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from sitegen.content.slugs import Pinyin, host_safe, slugify
from sitegen.model import (
    BUILTIN_THEME,
    BUILTIN_THEME_DIR,
    REF_SCHEME,
    Board,
    Campaign,
    Community,
    Notice,
)

INDEX = "index.html"


POSTING_LIST = "print/boards/index.pdf"
DISCLOSURE_CATALOGUE = "disclosure/index.html"  # 信息公开目录


def poster_path(notice: Notice) -> str:
    return f"print/posters/{notice.slug}.pdf"


def board_path(community: Community, board: Board) -> str:
    return f"print/boards/{community.slug}-{board.id}.pdf"


def banner_path(campaign: Campaign, number: int) -> str:
    return f"print/banners/{campaign.slug}-{number}.pdf"


def handout_path(campaign: Campaign) -> str:
    return f"print/handouts/{campaign.slug}.pdf"


def html_path(pdf_path: str) -> str:
    return pdf_path.removesuffix(".pdf") + ".html"


def notice_path(slug: str) -> str:
    return f"notices/{slug}/{INDEX}"


def community_path(slug: str) -> str:
    return f"communities/{slug}/{INDEX}"


def campaign_path(slug: str) -> str:
    return f"campaigns/{slug}/{INDEX}"


def page_path(slug: str) -> str:
    return f"{slug}/{INDEX}"


def community_list_path(slug: str, number: int) -> str:
    """Page `number` of a community's current notices; the first is its own page."""
    if number == 1:
        return community_path(slug)
    return f"communities/{slug}/page/{number}/{INDEX}"


def notice_list_path(number: int) -> str:
    return f"notices/{INDEX}" if number == 1 else f"notices/page/{number}/{INDEX}"


def month_path(year: int, month: int) -> str:
    return f"archive/{year}/{month:02d}/{INDEX}"


def relative(here: str, target: str) -> str:
    """The relative link from the output file `here` to the output file `target`.

    Both are normalised paths inside the output, so this is string work only
    (posixpath.relpath resolves against the working directory: 20 times slower,
    and called for every link of every page)."""
    if target == here:
        return target.rpartition("/")[2]
    from_parts = here.split("/")[:-1]
    to_parts = target.split("/")
    common = 0
    while (
        common < len(from_parts)
        and common < len(to_parts) - 1
        and from_parts[common] == to_parts[common]
    ):
        common += 1
    return "../" * (len(from_parts) - common) + "/".join(to_parts[common:])


SHORT_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read off a poster
SHORT_LENGTH = 6


def short_ids(notices: Iterable[Notice]) -> dict[str, str]:
    """Each notice's short id (slug -> id), for the address its poster's QR code holds.

    Six characters of its slug's hash: the same id in every build, whatever else
    is published. Where two notices' ids would be the same (one pair in about
    twenty sites of ten thousand notices), the later one (by date, then slug)
    takes one character more, so the earlier keeps the id its posters carry."""
    taken: set[str] = set()
    found = {}
    for notice in sorted(notices, key=lambda n: (n.date, n.slug)):
        number = int.from_bytes(hashlib.sha256(notice.slug.encode("utf-8")).digest(), "big")
        short = ""  # the hash's digits in SHORT_ALPHABET, lowest first, as many as needed
        while number and (len(short) < SHORT_LENGTH or short in taken):
            number, index = divmod(number, len(SHORT_ALPHABET))
            short += SHORT_ALPHABET[index]
        taken.add(short)
        found[notice.slug] = short
    return found


def short_path(short_id: str) -> str:
    """The short address of a notice (`n/<id>/`), a page that forwards to it."""
    return f"n/{short_id}/{INDEX}"


def canonical(base_url: str, path: str) -> str:
    """The public address of an output file: `…/notices/x/` for `notices/x/index.html`."""
    if path == INDEX:
        return base_url
    if path.endswith("/" + INDEX):
        path = path[: -len(INDEX)]
    return base_url + path


def term_slugs(terms: Iterable[str], pinyin: Pinyin | None = None) -> dict[str, str]:
    """A unique slug for each category or tag; a pinyin clash gets a number."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for term in sorted(set(terms)):
        base = host_safe(slugify(term, pinyin) or "term")
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        slugs[term] = slug
    return slugs


_REF = re.compile(r'(href|src)="' + re.escape(REF_SCHEME) + r'([^"#]*)(#[^"]*)?"')
_REF_IMAGE = re.compile(r'<img\b[^>]*\bsrc="' + re.escape(REF_SCHEME) + r'([^"#]*)[^>]*>')
_ALT = re.compile(r'\balt="([^"]*)"')


def resolve_refs(html: str, here: str, targets: dict[str, str], base_url: str | None = None) -> str:
    """Turn `sitegen-ref:` links of a Markdown body into links from `here`.

    `targets` maps content paths to output paths. A reference to something not in
    this output (a draft, a notice not yet published) loses its link and keeps its
    text, and an image its description. With `base_url`, links are absolute (for feeds).
    """
    if REF_SCHEME not in html:
        return html

    def picture(match: re.Match[str]) -> str:
        if match.group(1) in targets:
            return match.group(0)
        alt = _ALT.search(match.group(0))
        return alt.group(1) if alt else ""

    def replace(match: re.Match[str]) -> str:
        attribute, ref, fragment = match.group(1), match.group(2), match.group(3) or ""
        target = targets.get(ref)
        if target is None:
            return 'data-unpublished=""'
        url = canonical(base_url, target) if base_url else relative(here, target)
        return f'{attribute}="{url}{fragment}"'

    return _REF.sub(replace, _REF_IMAGE.sub(picture, html))


def static_path(theme_folder: Path, name: str) -> str:
    """Where the file `name` of a theme folder's static/ is published in the output."""
    folder = BUILTIN_THEME if theme_folder == BUILTIN_THEME_DIR else theme_folder.name
    return f"static/{folder}/{name}"
