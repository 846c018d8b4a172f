"""Inline SVG charts: drawn on the server, so they need no JavaScript and print as they show."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from sitegen.model import Community

ROW = 56
LABEL_WIDTH = 96
BAR_WIDTH = 250
WIDTH = LABEL_WIDTH + BAR_WIDTH + 80


def households_chart(communities: list[Community]) -> Markup:
    """Two bars per community, households and population, each scaled to its own maximum."""
    rows = [c for c in communities if c.households or c.population]
    top_households = max((c.households or 0 for c in rows), default=0) or 1
    top_population = max((c.population or 0 for c in rows), default=0) or 1
    height = ROW * len(rows) + 40
    parts = [
        f'<svg class="bar-chart" role="img" aria-labelledby="chart-title" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-title">各社区户数与人口</title>',
        '<g font-size="17">',
        f'<rect x="{LABEL_WIDTH}" y="6" width="14" height="14" fill="var(--primary, #0b4f8a)"/>',
        f'<text x="{LABEL_WIDTH + 20}" y="18" fill="currentColor">户数</text>',
        f'<rect x="{LABEL_WIDTH + 80}" y="6" width="14" height="14" fill="var(--muted, #4a4a4a)"/>',
        f'<text x="{LABEL_WIDTH + 100}" y="18" fill="currentColor">人口</text>',
    ]
    for index, community in enumerate(rows):
        y = 40 + index * ROW
        parts.append(
            f'<text x="0" y="{y + 22}" fill="currentColor" font-size="17">{escape(community.name)}</text>'
        )
        for offset, value, top, colour in (
            (0, community.households, top_households, "var(--primary, #0b4f8a)"),
            (22, community.population, top_population, "var(--muted, #4a4a4a)"),
        ):
            if not value:
                continue
            width = max(2, round(BAR_WIDTH * value / top))
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + offset}" width="{width}" height="18" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 6}" y="{y + offset + 15}" fill="currentColor">{value:,}</text>'
            )
    parts.append("</g></svg>")
    return Markup("".join(parts))
