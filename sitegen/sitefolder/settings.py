"""site.yaml read on its own, before the whole site is loaded: for `--now` (in the
site's time zone) and for `sitegen new`; and light enough for a build with
nothing to do."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.content.config import parse_config
from sitegen.content.sourcetext import read_source
from sitegen.errors import Diagnostics
from sitegen.model import SiteConfig


def read_settings(site_dir: Path) -> SiteConfig | None:
    """site.yaml as well as it can be read, before the full check of the site (for
    --now, and for `sitegen new`); None if it cannot be read at all."""
    source = site_dir / "content" / "site.yaml"
    try:
        text = read_source(source, source, Diagnostics())
    except OSError:
        return None
    return None if text is None else parse_config(text, source, Diagnostics())


def site_timezone(site_dir: Path) -> ZoneInfo:
    """The site's time zone, for reading --now before the full check of site.yaml."""
    config = read_settings(site_dir)
    return config.timezone if config is not None else ZoneInfo("Asia/Shanghai")
