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


def slugify(name: str) -> str:
    """Turn a file stem or title into a slug of lowercase letters, digits and hyphens."""
    if _HAN.search(name):
        name = _to_pinyin(name)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9]+", "-", name.lower())
    return name.strip("-")


@cache
def _pinyin():
    from pypinyin import Style, lazy_pinyin  # loaded only when a name is Chinese

    return lambda text: lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: [chars])


# Pinyin already worked out, kept between builds by the parse cache: pypinyin
# loads its dictionaries in about half a second, more than a whole rebuild.
_known_pinyin: dict[str, str] = {}


def known_pinyin() -> dict[str, str]:
    return _known_pinyin


def remember_pinyin(known: dict[str, str]) -> None:
    _known_pinyin.update(known)


def pinyin_version() -> str:
    """Which pypinyin is installed (by its file's modification time: reading the
    package metadata costs as much as a small rebuild)."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("pypinyin")
    return str(os.stat(spec.origin).st_mtime_ns) if spec and spec.origin else "none"


def _to_pinyin(text: str) -> str:
    found = _known_pinyin.get(text)
    if found is None:
        found = _known_pinyin[text] = "-".join(_pinyin()(text))
    return found
