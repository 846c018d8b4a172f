"""`sitegen init` and `sitegen new`: starting a site and starting a notice."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

from sitegen.content.schemas import MAX_TITLE
from sitegen.content.slugs import slugify
from sitegen.errors import CONTROL, UserError, printable
from sitegen.sitefolder.settings import read_settings

TEMPLATE = Path(__file__).parent / "init_template"
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


def init_site(folder: Path) -> None:
    """Copy the starter site into `folder`, which must be new or empty."""
    if folder.exists() and any(folder.iterdir()):
        raise UserError(f"{folder}: the folder is not empty", "choose a new folder name")
    shutil.copytree(TEMPLATE, folder, dirs_exist_ok=True)
    (folder / ".gitignore").write_text(
        "/output/\n/.output.*/\n/.sitegen-cache/\n", encoding="utf-8"
    )


def new_notice(
    site: Path, title: str, now: datetime, communities: list[str], category: str | None
) -> Path:
    """Write a ready notice file named after its date and title; never overwrite one."""
    folder = site / "content" / "notices"
    if not (site / "content" / "site.yaml").is_file():
        raise UserError(f"{site}: no content/site.yaml here", "run this inside your site's folder")
    _check_choices(site, communities, category)
    if CONTROL.search(title) or not title.strip():
        raise UserError(
            f"the title `{printable(title)}` is empty or holds a line break or another "
            "control character",
            'give the title on one line, in quotes: sitegen new notice "关于冬季防火的通知"',
        )
    if len(title) > MAX_TITLE:
        raise UserError(
            f"the title is {len(title)} characters long, more than the {MAX_TITLE} a notice "
            "may have",
            "give a short title; the text goes in the body of the file",
        )
    name = _UNSAFE_IN_FILE_NAMES.sub("-", title).strip("-.") or "notice"
    path = folder / f"{now:%Y-%m-%d}-{name}.md"
    if path.exists():
        raise UserError(f"{path}: a notice with this name already exists", "choose another title")
    lines = [
        "---",
        f"title: {_quoted(title)}",
        f"date: {now:%Y-%m-%d %H:%M}",
        f"communities: [{', '.join(communities)}]" if communities else "communities: all",
    ]
    if category:
        lines.append(f"category: {_quoted(category)}")
    lines += ["# expires: 2026-12-31", "---", "各位居民：", "", "（在这里写通知正文。）", ""]
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _check_choices(site: Path, communities: list[str], category: str | None) -> None:
    """Refuse a community or category the build would reject, before writing the file."""
    known = {slugify(p.stem) for p in (site / "content" / "communities").glob("*.y*ml")}
    for slug in communities:
        if slug not in known:
            raise UserError(
                f"--community {slug}: no such community",
                f"the communities are {', '.join(sorted(known)) or '(none yet)'}",
            )
    if category is not None:
        config = read_settings(site)
        if config is not None and category not in config.categories:
            raise UserError(
                f"--category {category}: not one of the site's categories",
                f"the categories are {', '.join(config.categories)}",
            )


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
