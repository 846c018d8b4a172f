"""Point fontconfig at the theme's print fonts, so every fallback lands on them.

Text styled by print.css uses the bundled font through @font-face. Text that is
not, such as the labels inside an SVG map (which name fonts like "Microsoft
YaHei"), falls back to the system's sans-serif: on a server that may be a font
with no Chinese at all, or differ from machine to machine. A small fonts.conf
that adds the theme's font folders and prefers their family for the generic
names makes the PDF the same everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

PRINT_FAMILY = "Noto Sans SC Sitegen"
SYSTEM_CONFIG = "/etc/fonts/fonts.conf"


def fonts_conf(font_dirs: list[Path], cache_dir: Path, family: str = PRINT_FAMILY) -> str:
    """The config: the system's, the theme's font folders, and fontconfig's cache of
    them kept in `cache_dir` (the first cache folder listed is the one written)."""
    dirs = "\n".join(f"  <dir>{escape(str(folder.resolve()))}</dir>" for folder in font_dirs)
    aliases = "\n".join(
        f'  <alias binding="strong"><family>{generic}</family>'
        f"<prefer><family>{escape(family)}</family></prefer></alias>"
        for generic in ("sans-serif", "serif", "monospace")
    )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <cachedir>{escape(str(cache_dir.resolve()))}</cachedir>\n"
        f'  <include ignore_missing="yes">{SYSTEM_CONFIG}</include>\n{dirs}\n{aliases}\n</fontconfig>\n'
    )


def use_print_fonts(font_dirs: list[Path], folder: Path) -> None:
    """Write the config into `folder` and set FONTCONFIG_FILE for the renderers: this
    process and the workers it starts. The system's own config is included in it.
    Written even for a theme with no fonts of its own, for the cache folder in it."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "fonts.conf"
    text = fonts_conf(font_dirs, folder / "cache")
    if not config.exists() or config.read_text(encoding="utf-8") != text:
        config.write_text(text, encoding="utf-8")
    os.environ["FONTCONFIG_FILE"] = str(
        config.resolve()
    )  # fontconfig does not read it relative to here
