"""URL slugs from file names, Chinese included.

A Chinese file name becomes toneless pinyin, one syllable per hyphen
(`冬季供暖通知` -> `dong-ji-gong-nuan-tong-zhi`): readable aloud, typeable on
any keyboard, and safe on every web host and FTP server, unlike percent-encoded
Chinese paths, which some hosts and QR scanners mangle.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_VALID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_valid_slug(slug: str) -> bool:
    return bool(_VALID.fullmatch(slug))


# Names Windows keeps for devices, with or without an extension and in any case:
# a site holding `notices/aux/` cannot be copied to a Windows PC or served by IIS.
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])", re.IGNORECASE)
NOT_ON_WINDOWS = re.compile(r'[:*?"<>|\\]')  # characters no Windows file name may hold


def is_reserved_name(name: str) -> bool:
    """Whether Windows refuses `name` as a file or folder name."""
    return bool(_RESERVED.fullmatch(name.split(".")[0].rstrip(" ")))


def host_safe(slug: str) -> str:
    """`slug`, or where Windows keeps it for itself, `slug-1`."""
    return f"{slug}-1" if is_reserved_name(slug) else slug


Pinyin = dict[str, str]  # Chinese text -> its pinyin, as already worked out


def slugify(name: str, known: Pinyin | None = None) -> str:
    """Turn a file stem or title into a slug of lowercase letters, digits and hyphens.

    `known`: the pinyin already worked out (looked up, and added to). pypinyin loads
    its dictionaries in about half a second, more than a whole rebuild, so a build
    keeps what it worked out (see incremental/parse_cache.py) and hands it in."""
    if _HAN.search(name):
        name = _to_pinyin(name, {} if known is None else known)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9]+", "-", name.lower())
    return name.strip("-")


@cache
def _pinyin():
    from pypinyin import Style, lazy_pinyin  # loaded only when a name is Chinese

    return lambda text: lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: [chars])


def _to_pinyin(text: str, known: Pinyin) -> str:
    found = known.get(text)
    if found is None:
        found = known[text] = "-".join(_pinyin()(text))
    return found
