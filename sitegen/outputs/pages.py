"""The HTML pages of the site, planned as outputs."""

from __future__ import annotations

import html
from collections.abc import Callable

from sitegen.model import Notice, Theme
from sitegen.outputs import search
from sitegen.outputs.plan import Output
from sitegen.outputs.render import Pager, Renderer, paginate
from sitegen.site import urls


def _html(
    renderer: Renderer,
    path: str,
    made_from: str,
    template: str,
    theme: Theme | None = None,
    **context,
) -> Output:
    """A page rendered from `template`: made of the template, its theme and `context`,
    and of what the template reads of the view (noted while rendering)."""

    def render(reads: set[str]) -> bytes:
        return renderer.render(template, path, theme, reads, **context).encode("utf-8")

    theme_name = (theme or renderer.view.content.theme).name
    return Output(path, made_from, render, made_of=(template, theme_name, context))


def plan_pages(renderer: Renderer) -> list[Output]:
    view = renderer.view
    outputs = [
        _html(
            renderer,
            urls.INDEX,
            "the home page",
            "index.html",
        ),
        _html(renderer, "404.html", "the 404 page", "404.html"),
        _html(renderer, "archive/index.html", "the archive", "archive.html"),
        _html(
            renderer,
            "communities/index.html",
            "the communities overview",
            "communities.html",
        ),
        _html(
            renderer,
            "campaigns/index.html",
            "the campaigns list",
            "campaigns.html",
        ),
    ]
    if view.has_disclosures:
        outputs.append(
            _html(renderer, urls.DISCLOSURE_CATALOGUE, "the 信息公开目录", "disclosure.html")
        )
    for kind in ("category", "tag"):
        outputs.append(
            _html(
                renderer,
                f"{'categories' if kind == 'category' else 'tags'}/index.html",
                f"the {kind} list",
                "terms.html",
                kind=kind,
            )
        )
    outputs += _lists(
        renderer, view.notices, urls.notice_list_path, "the notice list", title="通知公告"
    )
    for notice in view.notices:
        outputs.append(
            _html(
                renderer,
                urls.notice_path(notice.slug),
                notice.source.as_posix(),
                "notice.html",
                notice=notice,
                theme=renderer.theme_for(notice),
            )
        )
    for community in view.communities:
        first, *more = paginate(
            view.current_for(community),
            view.config.per_page,
            lambda n, slug=community.slug: urls.community_list_path(slug, n),
        )
        outputs.append(
            _html(
                renderer,
                urls.community_path(community.slug),
                community.source.as_posix(),
                "community.html",
                community=community,
                pager=first,
            )
        )
        outputs += [
            _list_page(renderer, pager, community.source.as_posix(), f"{community.name}现行通知")
            for pager in more
        ]
    for campaign in view.campaigns:
        notices = view.notices_of_campaign(campaign)
        outputs.append(
            _html(
                renderer,
                urls.campaign_path(campaign.slug),
                campaign.source.as_posix(),
                "campaign.html",
                campaign=campaign,
                notices=notices,
                theme=renderer.theme_for(campaign),
            )
        )
    for page in view.pages:
        outputs.append(
            _html(
                renderer,
                urls.page_path(page.slug),
                page.source.as_posix(),
                "page.html",
                page=page,
            )
        )
    for name, notices in view.by_category.items():
        outputs += _lists(
            renderer,
            notices,
            lambda n, name=name: renderer.category_path(name, n),
            f"category {name}",
            title=name,
        )
    for name, notices in view.by_tag.items():
        outputs += _lists(
            renderer,
            notices,
            lambda n, name=name: renderer.tag_path(name, n),
            f"tag {name}",
            title=f"标签：{name}",
        )
    for (year, month), notices in view.by_month.items():
        outputs += _lists(
            renderer,
            notices,
            lambda n, y=year, m=month: urls.month_path(y, m),
            f"the archive of {year}-{month:02d}",
            title=f"{year}年{month}月",
            per_page=len(notices),
        )
    return outputs


def _lists(
    renderer: Renderer,
    notices: list[Notice],
    path_of: Callable[[int], str],
    made_from: str,
    title: str,
    per_page: int | None = None,
) -> list[Output]:
    """A list of notices, one output per page of it."""
    pagers = paginate(notices, per_page or renderer.view.config.per_page, path_of)
    return [_list_page(renderer, pager, made_from, title) for pager in pagers]


def _list_page(renderer: Renderer, pager: Pager, made_from: str, title: str) -> Output:
    return _html(
        renderer,
        pager.paths[pager.number - 1],
        made_from,
        "notice_list.html",
        pager=pager,
        title=title,
    )


def plan_search_page(renderer: Renderer) -> Output:
    """The search page (search.py makes its index); no page for a sitemap to list."""
    return _html(renderer, search.PAGE, "the search page", "search.html")


def plan_short_addresses(renderer: Renderer) -> list[Output]:
    """For each published notice, the page at its short address (`n/<id>/`, the one
    its poster's QR code holds: a short address makes a small, coarse code that
    scans from further away), forwarding to the notice. A plain HTML refresh, so it
    works on any host and from disk."""
    view = renderer.view
    outputs = []
    for notice in view.notices:
        path = urls.short_path(view.short_ids[notice.slug])
        target = urls.notice_path(notice.slug)
        page = (
            f"{notice.title} - {view.config.title}",
            urls.relative(path, target),
            urls.canonical(view.config.base_url, target),
            view.config.language,
        )
        outputs.append(
            Output(
                path,
                notice.source.as_posix(),
                lambda reads, page=page: _forwarding_page(*page),
                made_of=("forward", *page),  # all the page holds
            )
        )
    return outputs


def _forwarding_page(title: str, relative: str, absolute: str, language: str) -> bytes:
    shown = html.escape(title)
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n<head>\n'
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="refresh" content="0; url={html.escape(relative)}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{html.escape(absolute)}">\n'
        f"<title>{shown}</title>\n</head>\n<body>\n"
        f'<p>正在打开：<a href="{html.escape(relative)}">{shown}</a></p>\n'
        "</body>\n</html>\n"
    ).encode()
