"""Every output of the site but print, planned: each format's Outputs, in one list.

Kept apart from the pipeline, which only runs the steps: what is planned here is
what pages are made of, so this module is part of the pages' code fingerprint
(incremental/code_version.py), and a change to it makes them again.
"""

from __future__ import annotations

from pathlib import Path

from sitegen.model import SiteContent
from sitegen.outputs import feeds, search
from sitegen.outputs.pages import plan_pages, plan_search_page, plan_short_addresses
from sitegen.outputs.plan import Output
from sitegen.outputs.render import Renderer
from sitegen.site.urls import static_path


def resources(outputs: list[Output]) -> dict[str, Path]:
    """The files print HTML may refer to, by their output path."""
    return {o.path: o.copy_from for o in outputs if o.copy_from is not None}


def plan(renderer: Renderer) -> list[Output]:
    """Every output of the site but print, each with what it is made of."""
    content: SiteContent = renderer.view.content
    outputs = plan_pages(renderer)
    outputs.append(feeds.plan_sitemap(renderer, [o.path for o in outputs]))
    outputs += feeds.plan_feeds(renderer)
    # After the sitemap: these are not pages to find.
    outputs += plan_short_addresses(renderer)
    if renderer.with_search:
        outputs.append(plan_search_page(renderer))
        outputs += search.plan_index(renderer.view)
    base_url = content.config.base_url
    outputs.append(
        Output("robots.txt", "robots.txt", lambda reads: feeds.robots(base_url), made_of="robots")
    )
    return outputs + plan_copies(content)


def plan_copies(content: SiteContent) -> list[Output]:
    """The files published as they are: content/assets/ and the static/ files of every
    theme folder the site and its campaigns use, once each, as the loader listed them
    (never what a link in them leads to outside the site: see sitefiles.py)."""
    copies = [_copy(a, f"content/{a}", content.site_dir / "content" / a) for a in content.assets]
    for folder, names in content.static_files.items():
        for name in names:
            source = folder / "static" / name
            copies.append(_copy(static_path(folder, name), str(source), source))
    return copies


def _copy(path: str, made_from: str, source: Path) -> Output:
    """A file published as it is."""
    return Output(path, made_from, copy_from=source)
