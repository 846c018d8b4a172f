"""The pipeline: load -> view at `now` -> plan -> render -> write."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen import feeds, urls
from sitegen.errors import ContentError, Diagnostic, Diagnostics, SourceRef
from sitegen.load import SiteContent, load_site
from sitegen.markup import REF_SCHEME
from sitegen.outputs import Output, check_plan
from sitegen.render import Renderer
from sitegen.site_pages import plan_pages
from sitegen.siteview import SiteView
from sitegen.themes import static_dir_name
from sitegen.visibility import Flags
from sitegen.writer import StagedOutput, WriteReport, check_output_folder

NO_FLAGS = Flags()


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    write: WriteReport = field(default_factory=WriteReport)
    warnings: list[Diagnostic] = field(default_factory=list)

    def summary(self) -> str:
        w = self.write
        return (
            f"built {self.pages} pages, {self.files} files in all "
            f"({w.written} written, {w.unchanged} unchanged, {w.removed} removed) in {self.seconds:.2f} s"
        )


def check(
    site_dir: Path, now: datetime, flags: Flags = NO_FLAGS
) -> tuple[SiteView, list[Diagnostic]]:
    """Load, check and plan everything a build would, writing nothing.

    Raises ContentError with every problem found."""
    diagnostics = Diagnostics()
    content = load_site(site_dir, diagnostics)
    if content is None or diagnostics.errors:
        raise ContentError(diagnostics.sorted())
    view = SiteView(content, now, flags)
    _check_links_to_unpublished(view, diagnostics)
    return view, diagnostics.sorted()


def build(site_dir: Path, out_dir: Path, now: datetime, flags: Flags = NO_FLAGS) -> BuildReport:
    started = time.perf_counter()
    view, warnings = check(site_dir, now, flags)
    renderer = Renderer(view, content_targets(view))
    outputs = plan(renderer)
    check_plan(outputs)
    check_output_folder(out_dir, site_dir)
    staged = StagedOutput(out_dir)
    try:
        for output in outputs:
            if output.copy_from is not None:
                staged.copy(output.path, output.copy_from)
            else:
                staged.write(output.path, output.render())
        html_paths = [o.path for o in outputs if o.path.endswith(".html")]
        staged.write("sitemap.xml", feeds.sitemap(renderer, html_paths))
        report = BuildReport(pages=len(html_paths), files=len(outputs) + 1)
        report.write = staged.commit()
    except BaseException:
        staged.discard()
        raise
    report.seconds = time.perf_counter() - started
    report.warnings = warnings
    return report


def content_targets(view: SiteView) -> dict[str, str]:
    """Content path -> output path, for everything this build publishes."""
    targets = {asset: asset for asset in view.content.assets}
    for notice in view.notices:
        targets[_content_path(notice.source)] = urls.notice_path(notice.slug)
    for campaign in view.campaigns:
        targets[_content_path(campaign.source)] = urls.campaign_path(campaign.slug)
    for page in view.pages:
        targets[_content_path(page.source)] = urls.page_path(page.slug)
    for community in view.communities:
        targets[_content_path(community.source)] = urls.community_path(community.slug)
    return targets


def _content_path(source: Path) -> str:
    return source.relative_to("content").as_posix()


def plan(renderer: Renderer) -> list[Output]:
    content: SiteContent = renderer.view.content
    outputs = plan_pages(renderer) + feeds.plan_feeds(renderer)
    outputs.append(
        Output("robots.txt", "robots.txt", lambda: feeds.robots(content.config.base_url))
    )
    for asset in content.assets:
        outputs.append(
            Output(asset, f"content/{asset}", copy_from=content.site_dir / "content" / asset)
        )
    published: set[Path] = set()
    for theme in {
        content.theme.name: content.theme,
        **{t.name: t for t in content.campaign_themes.values()},
    }.values():
        for folder in theme.chain:
            if folder in published:
                continue
            published.add(folder)
            static = folder / "static"
            for file in (
                sorted(p for p in static.rglob("*") if p.is_file()) if static.is_dir() else ()
            ):
                relative = file.relative_to(static).as_posix()
                outputs.append(
                    Output(
                        f"static/{static_dir_name(folder)}/{relative}", str(file), copy_from=file
                    )
                )
    return outputs


def _check_links_to_unpublished(view: SiteView, diagnostics: Diagnostics) -> None:
    """A published item linking to a draft or a notice not yet out loses that link: say so."""
    targets = content_targets(view)
    for item in [*view.notices, *view.pages, *view.campaigns]:
        start = 0
        while (index := item.body_html.find(REF_SCHEME, start)) >= 0:
            end = item.body_html.find('"', index)
            ref = item.body_html[index + len(REF_SCHEME) : end].split("#")[0]
            start = end
            if ref not in targets:
                diagnostics.warning(
                    SourceRef(item.source),
                    f"links to content/{ref}, which is not published at this time (a draft or scheduled); "
                    "the link is shown as plain text",
                )
