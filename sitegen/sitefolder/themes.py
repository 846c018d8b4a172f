"""Themes: loading `theme.yaml` and following `extends` into a resolved Theme."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.content import schemas
from sitegen.content.config import read_yaml
from sitegen.content.fields import FieldReader
from sitegen.content.names import segment_problem
from sitegen.content.sourcetext import read_source
from sitegen.content.yamlnodes import Map, Scalar
from sitegen.errors import Diagnostics, SourceRef, printable, suggest
from sitegen.inside import leads_outside
from sitegen.model import BUILTIN_THEME, BUILTIN_THEME_DIR, Theme

PALETTE_KEYS = (
    "primary",
    "on_primary",
    "accent",
    "background",
    "surface",
    "text",
    "muted",
    "link",
    "urgent",
)
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
# What of a theme folder is read or published: each must stay inside the site.
THEME_PARTS = ("", "theme.yaml", "static", "templates")


def is_theme_name(name: str) -> bool:
    """One folder in themes/, named as an output path may be (it is one: static/NAME/),
    never a path or a drive (`../x`, `D:x`)."""
    return segment_problem(name) is None


@dataclass
class ThemeLibrary:
    """Finds themes in a site's `themes/` folder (and the built-in one) and caches them."""

    site_dir: Path
    diagnostics: Diagnostics
    _themes: dict[str, Theme | None] = field(default_factory=dict)

    def get(self, name: str | None) -> Theme | None:
        """The theme called `name` (None: the built-in one); None after reporting an error."""
        name = name or BUILTIN_THEME
        if name not in self._themes:
            self._themes[name] = None  # guards against `extends` cycles
            self._themes[name] = self._load(name, chain_seen=())
        return self._themes[name]

    def exists(self, name: str) -> bool:
        return name == BUILTIN_THEME or (
            is_theme_name(name) and (self.site_dir / "themes" / name / "theme.yaml").is_file()
        )

    def available(self) -> list[str]:
        folder = self.site_dir / "themes"
        found = [p.parent.name for p in folder.glob("*/theme.yaml")] if folder.is_dir() else []
        return sorted({BUILTIN_THEME, *found})

    def _load(self, name: str, chain_seen: tuple[str, ...]) -> Theme | None:
        problem = segment_problem(name)
        if problem:  # a folder in themes/ (what site.yaml or a campaign names is one)
            self.diagnostics.error(
                SourceRef(Path("themes") / printable(name)),
                f"this theme's folder name cannot be used: {problem}",
                "rename the folder, using letters, digits and hyphens",
            )
            return None
        folder = self.site_dir / "themes" / name
        if name == BUILTIN_THEME and (not folder.is_dir() or name in chain_seen):
            folder = BUILTIN_THEME_DIR
        source = folder / "theme.yaml"
        shown = source if folder == BUILTIN_THEME_DIR else source.relative_to(self.site_dir)
        reader = FieldReader(shown, self.diagnostics)
        if folder != BUILTIN_THEME_DIR and self._leads_outside(folder):
            return None
        try:
            text = read_source(source, shown, self.diagnostics)
        except FileNotFoundError:
            return None
        if text is None:
            return None
        node = read_yaml(text, reader)
        values = reader.read_map(node, schemas.THEME)
        palette = self._palette(node, reader)
        parent: Theme | None = None
        if folder != BUILTIN_THEME_DIR:
            parent_name = values.get("extends", BUILTIN_THEME)
            if not is_theme_name(parent_name):
                reader.error(
                    node.keys.get("extends") if isinstance(node, Map) else None,
                    f"`extends: {parent_name}` is not the name of a theme",
                    "a theme extends one of the site's own themes (a folder in themes/) "
                    "or `default`, named without a path",
                )
                return None
            if parent_name in (*chain_seen, name) and parent_name != BUILTIN_THEME:
                reader.error(
                    node.keys.get("extends") if isinstance(node, Map) else None,
                    f"theme `{name}` extends itself through `{parent_name}`",
                    "end the chain at `extends: default`",
                )
                return None
            if not self.exists(parent_name):
                reader.error(
                    node.keys.get("extends") if isinstance(node, Map) else None,
                    f"`extends`: no theme `{parent_name}` in themes/",
                    "available themes: " + ", ".join(self.available()),
                )
                return None
            parent = self._load(parent_name, (*chain_seen, name))
            if parent is None:
                return None
        logo, logo_theme = values.get("logo"), name
        static = (folder / "static").resolve()
        if logo and not (
            (static / logo).resolve().is_relative_to(static) and (static / logo).is_file()
        ):
            reader.error(
                node.keys.get("logo") if isinstance(node, Map) else None,
                f"`logo`: no file `{logo}` in {shown.parent.as_posix()}/static/",
                "put the logo file in the theme's static/ folder",
            )
        if not logo and parent:
            logo, logo_theme = parent.logo, parent.logo_theme
        return Theme(
            name=name,
            title=values.get("name", name),
            chain=(folder, *(parent.chain if parent else ())),
            palette={**(parent.palette if parent else {}), **palette},
            fonts={**(parent.fonts if parent else {}), **values.get("fonts", {})},
            logo=logo,
            logo_theme=logo_theme if logo else None,
        )

    def _leads_outside(self, folder: Path) -> bool:
        """Whether the theme folder, its theme.yaml, static/ or templates/ is a link out of
        the site (reported as an error, naming link and target: the theme is not used)."""
        for part in THEME_PARTS:
            path = folder / part if part else folder
            real = leads_outside(path, self.site_dir)
            if real is not None:
                self.diagnostics.error(
                    SourceRef(path.relative_to(self.site_dir)),
                    f"is a link to {real}, outside the site folder: the theme `{folder.name}` "
                    "is not used, so nothing from there is published",
                    "copy the theme into the site's themes/ folder instead of linking to it",
                )
                return True
        return False

    def _palette(self, node, reader: FieldReader) -> dict[str, str]:
        """Colours by name; each problem is reported on the line of its value."""
        palette_node = node.values.get("palette") if isinstance(node, Map) else None
        if palette_node is None or (isinstance(palette_node, Scalar) and palette_node.is_null):
            return {}
        if not isinstance(palette_node, Map):
            reader.error(palette_node.line, "`palette` must be a set of `name: colour` lines")
            return {}
        palette = {}
        for key, value in palette_node.values.items():
            line = palette_node.keys.get(key, value.line)
            if key not in PALETTE_KEYS:
                hint = suggest(key, PALETTE_KEYS, "colours: " + ", ".join(PALETTE_KEYS))
                reader.error(line, f"unknown colour `{key}` in `palette`", hint)
            elif isinstance(value, Scalar) and value.is_null:
                reader.error(
                    line,
                    f"`palette.{key}`: expected a colour like #b71c1c, found nothing "
                    "(`#` starts a comment in YAML)",
                    'quote it: `"#b71c1c"`',
                )
            elif not isinstance(value, Scalar) or not _COLOUR.fullmatch(value.text.strip()):
                found = value.text if isinstance(value, Scalar) else "a list or map"
                reader.error(
                    line,
                    f"`palette.{key}`: expected a colour like #b71c1c, found `{found}`",
                    'write #rgb or #rrggbb in quotes, for example `"#b71c1c"`',
                )
            else:
                palette[key] = value.text.strip()
        return palette
