"""Atom feeds, the sitemap and robots.txt: machine-readable outputs, built as XML, not templates."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from sitegen.model import Notice
from sitegen.outputs.moment import MOMENT
from sitegen.outputs.plan import Output
from sitegen.outputs.render import Renderer
from sitegen.site import urls
from sitegen.site.view import SiteView

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_LIMIT = 50


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _entries(notices: list[Notice]) -> list[Notice]:
    return sorted(notices, key=lambda n: n.date, reverse=True)[:FEED_LIMIT]


def _updated(view: SiteView, entries: list[Notice]) -> datetime:
    """The feed's date: its newest entry's, else the site's newest notice's, else (a
    site with nothing published yet) the build's own moment."""
    return entries[0].date if entries else (view.notices[0].date if view.notices else view.now)


def atom_feed(
    renderer: Renderer,
    path: str,
    title: str,
    page_path: str,
    entries: list[Notice],
    reads: set[str],
) -> bytes:
    """An Atom 1.0 feed of `entries` (newest first); links are absolute."""
    view = renderer.view
    base = view.config.base_url
    ET.register_namespace("", ATOM)
    feed = ET.Element(
        f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": view.config.language}
    )
    ET.SubElement(feed, f"{{{ATOM}}}id").text = urls.canonical(base, path)
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    if not entries and not view.notices:
        reads.add(MOMENT)  # its date is the build's: made again by the next build
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(_updated(view, entries))
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {"rel": "self", "type": "application/atom+xml", "href": base + path},
    )
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {"rel": "alternate", "type": "text/html", "href": urls.canonical(base, page_path)},
    )
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = view.config.issuer
    for notice in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        link = urls.canonical(base, urls.notice_path(notice.slug))
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link
        ET.SubElement(entry, f"{{{ATOM}}}title").text = notice.title
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(notice.date)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(notice.date)
        ET.SubElement(
            entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": link}
        )
        entry_author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(entry_author, f"{{{ATOM}}}name").text = notice.issuer
        if notice.category:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": notice.category})
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = notice.summary
        reads.add(f"links:{notice.content_path}")
        body = urls.resolve_refs(
            notice.body_html, urls.notice_path(notice.slug), renderer.targets, base_url=base
        )
        ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"}).text = body
    return _xml(feed)


def plan_feeds(renderer: Renderer) -> list[Output]:
    view = renderer.view
    site = view.config.title

    def feed(path: str, title: str, page: str, notices: list[Notice]) -> Output:
        entries = _entries(notices)
        return Output(
            path,
            f"the feed {path}",
            lambda reads: atom_feed(renderer, path, title, page, entries, reads),
            made_of=("feed", title, page, entries, _updated(view, entries)),
        )

    outputs = [feed("feed.xml", site, urls.INDEX, view.current)]
    for community in view.communities:
        outputs.append(
            feed(
                f"communities/{community.slug}/feed.xml",
                f"{community.name} · {site}",
                urls.community_path(community.slug),
                view.current_for(community),
            )
        )
    current = set(map(id, view.current))
    for campaign in view.campaigns:
        outputs.append(
            feed(
                f"campaigns/{campaign.slug}/feed.xml",
                f"{campaign.title} · {site}",
                urls.campaign_path(campaign.slug),
                [n for n in view.notices_of_campaign(campaign) if id(n) in current],
            )
        )
    return outputs


def plan_sitemap(renderer: Renderer, html_paths: list[str]) -> Output:
    """Every HTML page but the 404 page and expired notices (kept in the archive, but
    no longer worth a search engine's attention), with notices' dates as `lastmod`."""
    dates = {urls.notice_path(n.slug): n.date.date().isoformat() for n in renderer.view.notices}
    expired = {urls.notice_path(n.slug) for n in renderer.view.expired}
    entries = [
        (path, dates.get(path))
        for path in sorted(html_paths)
        if path != "404.html" and path not in expired
    ]
    return Output(
        "sitemap.xml",
        "the sitemap",
        lambda reads: _sitemap(renderer.view.config.base_url, entries),
        made_of=("sitemap", entries),
    )


def _sitemap(base: str, entries: list[tuple[str, str | None]]) -> bytes:
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for path, lastmod in entries:
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = urls.canonical(base, path)
        if lastmod:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = lastmod
    return _xml(root)


def robots(base_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n".encode()
