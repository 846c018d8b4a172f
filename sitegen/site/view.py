"""The site as of one moment: the derived views every output is rendered from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sitegen.content.slugs import Pinyin
from sitegen.model import Campaign, Community, Notice, Page, SiteContent
from sitegen.site import posting, urls
from sitegen.site.visibility import Flags, State, campaign_is_live, is_current, is_published, state


@dataclass
class SiteView:
    content: SiteContent
    now: datetime
    flags: Flags = field(default_factory=Flags)
    pinyin: Pinyin = field(default_factory=dict)  # of names already made into slugs (added to)

    @property
    def config(self):
        return self.content.config

    def state(self, notice: Notice) -> State:
        return state(notice, self.now)

    @cached_property
    def notices(self) -> list[Notice]:
        """Every notice in the output, newest first (expired ones included)."""
        return posting.newest_first(
            [n for n in self.content.notices if is_published(n, self.now, self.flags)]
        )

    @cached_property
    def current(self) -> list[Notice]:
        current = [n for n in self.notices if is_current(n, self.now, self.flags)]
        return sorted(current, key=lambda n: (not n.urgent, not n.pinned))  # stays newest first

    @cached_property
    def important(self) -> list[Notice]:
        """Current urgent notices, then pinned ones: the top of the home page."""
        return [n for n in self.current if n.urgent or n.pinned]

    @cached_property
    def latest(self) -> list[Notice]:
        """The newest other current notices, a page's worth: the home page's list.
        The rest are a click away, in the full list."""
        return [n for n in self.current if not (n.urgent or n.pinned)][: self.config.per_page]

    @cached_property
    def disclosure_catalogue(self) -> list[tuple[str, list[tuple[int, list[Notice]]]]]:
        """The 信息公开目录: the disclosed notices by topic, then by year (of 成文日期,
        else of publication), newest year first."""
        by_topic: dict[str, dict[int, list[Notice]]] = {}
        for notice in self.notices:
            if notice.disclosure is not None:
                year = (notice.disclosure.written or notice.date).year
                topic = notice.disclosure.topic or "其他"
                by_topic.setdefault(topic, {}).setdefault(year, []).append(notice)
        return [
            (topic, sorted(years.items(), reverse=True))
            for topic, years in sorted(by_topic.items())
        ]

    @cached_property
    def has_disclosures(self) -> bool:
        """Whether there is a 信息公开目录 (every page's footer links it, so every page
        reads this and not the catalogue itself)."""
        return any(notice.disclosure is not None for notice in self.notices)

    @cached_property
    def expired(self) -> list[Notice]:
        return [n for n in self.notices if self.state(n) is State.EXPIRED]

    @cached_property
    def pages(self) -> list[Page]:
        return [p for p in self.content.pages if self.flags.drafts or not p.draft]

    @cached_property
    def menu_pages(self) -> list[Page]:
        return sorted((p for p in self.pages if p.menu is not None), key=lambda p: (p.menu, p.slug))

    @cached_property
    def communities(self) -> list[Community]:
        return sorted(self.content.communities, key=lambda c: c.slug)

    @cached_property
    def community_by_slug(self) -> dict[str, Community]:
        return {c.slug: c for c in self.content.communities}

    @cached_property
    def campaigns(self) -> list[Campaign]:
        return sorted(
            self.content.campaigns, key=lambda c: (c.start or self.now, c.slug), reverse=True
        )

    @cached_property
    def campaign_by_slug(self) -> dict[str, Campaign]:
        return {c.slug: c for c in self.content.campaigns}

    @cached_property
    def live_campaigns(self) -> list[Campaign]:
        return [c for c in self.campaigns if campaign_is_live(c, self.now)]

    @cached_property
    def campaigns_to_print(self) -> list[Campaign]:
        """Live campaigns and those still to come: banners are printed before a drive starts."""
        return [c for c in self.campaigns if c.end is None or c.end > self.now]

    def is_live(self, campaign: Campaign) -> bool:
        return campaign_is_live(campaign, self.now)

    def current_for(self, community: Community) -> list[Notice]:
        return self._current_by_community[community.slug]

    @cached_property
    def _current_by_community(self) -> dict[str, list[Notice]]:
        found: dict[str, list[Notice]] = {c.slug: [] for c in self.content.communities}
        for notice in self.current:
            for community in self.audience(notice):
                found[community.slug].append(notice)
        return found

    def notices_of_campaign(self, campaign: Campaign) -> list[Notice]:
        return [n for n in self.notices if n.campaign == campaign.slug]

    def audience(self, item: Notice | Campaign) -> list[Community]:
        """The communities a notice or campaign is for: those it names, in its order,
        or (naming none) all of them, in site order."""
        if not item.communities:
            return self.communities
        return [self.community_by_slug[slug] for slug in item.communities]

    @cached_property
    def targets(self) -> dict[str, str]:
        """Content path -> output path, for everything this view publishes."""
        found = {asset: asset for asset in self.content.assets}
        found.update({n.content_path: urls.notice_path(n.slug) for n in self.notices})
        found.update({c.content_path: urls.campaign_path(c.slug) for c in self.campaigns})
        found.update({p.content_path: urls.page_path(p.slug) for p in self.pages})
        for community in self.communities:
            found[community.source.relative_to("content").as_posix()] = urls.community_path(
                community.slug
            )
        return found

    @cached_property
    def by_category(self) -> dict[str, list[Notice]]:
        groups: dict[str, list[Notice]] = {name: [] for name in self.config.categories}
        for notice in self.notices:
            if notice.category:
                groups[notice.category].append(notice)
        return {name: items for name, items in groups.items() if items}

    @cached_property
    def by_tag(self) -> dict[str, list[Notice]]:
        groups: dict[str, list[Notice]] = defaultdict(list)
        for notice in self.notices:
            for tag in notice.tags:
                groups[tag].append(notice)
        return dict(sorted(groups.items()))

    @cached_property
    def boards(self) -> list[posting.BoardDue]:
        """Every board, with what is due on it now (see site/posting.py)."""
        return posting.boards_due(self)

    @cached_property
    def posters(self) -> posting.Posters:
        """The current notices that get a poster now, and why (see site/posting.py)."""
        return posting.choose_posters(self, self.boards)

    @cached_property
    def short_ids(self) -> dict[str, str]:
        """Each published notice's short id (`n/<id>/`: see urls.short_ids)."""
        return urls.short_ids(self.notices)

    @cached_property
    def category_slugs(self) -> dict[str, str]:
        """Each category's address (`categories/<slug>/`)."""
        return urls.term_slugs(self.config.categories, self.pinyin)

    @cached_property
    def tag_slugs(self) -> dict[str, str]:
        return urls.term_slugs(self.by_tag, self.pinyin)

    @cached_property
    def by_month(self) -> dict[tuple[int, int], list[Notice]]:
        groups: dict[tuple[int, int], list[Notice]] = defaultdict(list)
        for notice in self.notices:
            local = notice.date.astimezone(self.config.timezone)
            groups[(local.year, local.month)].append(notice)
        return dict(sorted(groups.items(), reverse=True))
