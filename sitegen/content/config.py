"""site.yaml, and the YAML helpers every parser of the site's files shares.

Kept apart from the notice and profile parsers so that reading the site's
settings (its time zone, for `--now`) needs no Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen.content import schemas
from sitegen.content.fields import FieldReader
from sitegen.content.yamlnodes import Map, Node, Scalar, YamlSyntaxError, parse_yaml
from sitegen.errors import Diagnostics, suggest
from sitegen.model import (
    DEFAULT_CATEGORIES,
    Footer,
    PosterSpec,
    PrintProfile,
    Publicity,
    SiteConfig,
)


def read_yaml(text: str, reader: FieldReader, first_line: int = 1) -> Node | None:
    """Parse YAML, turning a syntax error into a diagnostic; None when unusable."""
    try:
        return parse_yaml(text, first_line)
    except YamlSyntaxError as err:
        reader.error(err.line, err.message, err.hint)
        return None


def key_line(node: Node | None, key: str) -> int | None:
    return node.keys.get(key) if isinstance(node, Map) else None


def check_theme(
    values: dict, node: Node | None, reader: FieldReader, theme_names: frozenset[str]
) -> None:
    theme = values.get("theme")
    if theme is not None and theme not in theme_names:
        reader.error(
            key_line(node, "theme"),
            f"`theme`: no theme `{theme}` in themes/",
            "available themes: " + ", ".join(sorted(theme_names)),
        )


def written(node: Node | None, key: str) -> str:
    """A scalar value exactly as the user wrote it, for messages."""
    value = node.values.get(key) if isinstance(node, Map) else None
    return value.text.strip() if isinstance(value, Scalar) else "?"


def parse_config(
    text: str,
    source: Path,
    diagnostics: Diagnostics,
    theme_names: frozenset[str] = frozenset({"default"}),
    assets: frozenset[str] = frozenset(),
) -> SiteConfig:
    """`assets`: the files under content/assets/, as `assets/<name>`."""
    reader = FieldReader(source, diagnostics)
    node = read_yaml(text, reader)
    values = reader.read_map(node, schemas.SITE)
    base_url = values.get("base_url", "")
    problem = _address_problem(base_url) if base_url else None
    if problem:
        reader.error(
            key_line(node, "base_url"),
            f"`base_url` must be the site's full web address ({problem}), found `{base_url}`",
            "write it in full, for example https://www.example.gov.cn/shequ/",
        )
        base_url = ""
    check_theme(values, node, reader, theme_names)
    share_image = _share_image(values, node, reader, assets)
    timezone = ZoneInfo("Asia/Shanghai")
    if "timezone" in values:
        try:
            timezone = ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            reader.error(
                key_line(node, "timezone"),
                f"unknown time zone `{values['timezone']}`",
                "use a name such as Asia/Shanghai",
            )
    # Even a broken site.yaml gives a config, so the other files are still checked.
    title = values.get("title", "")
    posters = dict(values.get("posters", {}))
    recent_days = posters.pop("recent_days", SiteConfig.recent_poster_days)
    printing = values.get("print", {})
    if printing.get("marks") and printing.get("profile") != "shop":
        reader.error(
            key_line(node, "print"),
            "crop marks (`marks: true`) go outside the trimmed page, so they need the bleed "
            "of the print-shop profile",
            "add `profile: shop` under `print:`, or leave `marks` out",
        )
    return SiteConfig(
        title=title,
        base_url=(base_url or "https://example.invalid").rstrip("/") + "/",
        description=values.get("description", ""),
        language=values.get("language", "zh-CN"),
        timezone=timezone,
        theme=values.get("theme"),
        issuer=values.get("issuer", title),
        categories=tuple(values.get("categories", DEFAULT_CATEGORIES)),
        per_page=values.get("per_page", 10),
        posters=PosterSpec(**posters),
        recent_poster_days=recent_days,
        print=PrintProfile(**printing),
        publish=values.get("publish", {}),
        publicity=Publicity(**values.get("publicity", {})),
        footer=Footer(**values.get("footer", {})),
        share_image=share_image,
    )


_NOT_IN_AN_ADDRESS = re.compile(r'[\s"<>\\^`{|}\x00-\x1f\x7f]')


def _address_problem(url: str) -> str | None:
    """Why `url` is not an absolute http(s) address that feeds, the sitemap and QR codes
    can carry as it is, or None."""
    if _NOT_IN_AN_ADDRESS.search(url):
        return "it holds a space, a quote, < > or a control character"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (checked only when asked for)
    except ValueError as err:
        return str(err)
    if parts.scheme not in ("http", "https"):
        return "it starts with neither http:// nor https://"
    if not parts.hostname:
        return "it names no host"
    if parts.query or parts.fragment:
        return "it holds ? or #"
    return None


SHAREABLE = (".png", ".jpg", ".jpeg", ".gif", ".webp")  # what WeChat and other apps show


def _share_image(
    values: dict, node: Node | None, reader: FieldReader, assets: frozenset[str]
) -> str:
    """`share_image: assets/share.png`, checked: a picture of the site's that apps can show."""
    given = values.get("share_image")
    if given is None:
        return ""
    path = given.strip().lstrip("/").removeprefix("./")
    line = key_line(node, "share_image")
    if not path.lower().endswith(SHAREABLE):
        reader.error(
            line,
            f"`share_image: {given}`: WeChat and other apps show only PNG, JPEG, GIF or WebP "
            "pictures with a shared link",
            "save the picture as PNG or JPEG in content/assets/ and name that file",
        )
        return ""
    if path not in assets:
        reader.error(
            line,
            f"`share_image: {given}`: there is no such file in content/",
            suggest(path, assets, "put the picture in content/assets/ and write assets/<name>"),
        )
        return ""
    return path
