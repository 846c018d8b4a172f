"""The HTML pages of the site, planned as outputs."""

from __future__ import annotations

from collections.abc import Callable

from sitegen import urls
from sitegen.outputs import Output
from sitegen.render import Renderer, paginate


def _html(renderer: Renderer, path: str, made_from: str, template: str, **context) -> Output:
    theme = context.pop("theme", None)
    fingerprint = context.pop("fingerprint", None)

    def render() -> bytes:
        return renderer.render(template, path, theme, **context).encode("utf-8")

    return Output(path, made_from, render, fingerprint=fingerprint)


def plan_pages(renderer: Renderer) -> list[Output]:
    view = renderer.view
    outputs = [
        _html(renderer, urls.INDEX, "the home page", "index.html"),
        _html(renderer, "404.html", "the 404 page", "404.html"),
        _html(renderer, "archive/index.html", "the archive", "archive.html"),
        _html(renderer, "communities/index.html", "the communities overview", "communities.html"),
        _html(renderer, "campaigns/index.html", "the campaigns list", "campaigns.html"),
        _html(
            renderer, "categories/index.html", "the categories list", "terms.html", kind="category"
        ),
        _html(renderer, "tags/index.html", "the tags list", "terms.html", kind="tag"),
    ]
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
                fingerprint=renderer.notice_fingerprint(notice),
            )
        )
    for community in view.communities:
        outputs.append(
            _html(
                renderer,
                urls.community_path(community.slug),
                community.source.as_posix(),
                "community.html",
                community=community,
                notices=view.current_for(community),
            )
        )
    for campaign in view.campaigns:
        outputs.append(
            _html(
                renderer,
                urls.campaign_path(campaign.slug),
                campaign.source.as_posix(),
                "campaign.html",
                campaign=campaign,
                notices=view.notices_of_campaign(campaign),
                theme=renderer.theme_for(campaign),
            )
        )
    for page in view.pages:
        outputs.append(
            _html(
                renderer, urls.page_path(page.slug), page.source.as_posix(), "page.html", page=page
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
        outputs.append(
            _html(
                renderer,
                urls.month_path(year, month),
                f"the archive of {year}-{month:02d}",
                "notice_list.html",
                pager=paginate(
                    notices, len(notices), lambda n, y=year, m=month: urls.month_path(y, m)
                )[0],
                title=f"{year}年{month}月",
            )
        )
    return outputs


def _lists(
    renderer: Renderer, notices: list, path_of: Callable[[int], str], made_from: str, title: str
) -> list[Output]:
    return [
        _html(
            renderer,
            pager.paths[pager.number - 1],
            made_from,
            "notice_list.html",
            pager=pager,
            title=title,
        )
        for pager in paginate(notices, renderer.view.config.per_page, path_of)
    ]
