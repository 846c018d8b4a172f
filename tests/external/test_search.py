"""Search in Debian's chromium, from disk and over HTTP under a sub-path: a phrase from
the middle of one notice's body finds that notice, a phrase that occurs nowhere finds
nothing, and no draft or scheduled notice's words are in any output file."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest

from .conftest import REPO_ROOT, NoticeSource, SiteServer, read_text

NOWHERE = "量子纠缠引力波"
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{8,}")


def _body(path: Path) -> str:
    return read_text(path).split("\n---\n", 1)[1]


def _all_sources() -> str:
    return "\n".join(read_text(p) for p in (REPO_ROOT / "content").rglob("*.md"))


@pytest.fixture(scope="module")
def middle_phrase(notice_sources: list[NoticeSource]) -> tuple[str, str]:
    """(phrase, title): six characters from the middle of a published notice's body
    that occur in no other file of the site, nor in its title."""
    everything = _all_sources()
    for notice in notice_sources:
        if notice.draft or notice.scheduled:
            continue
        body = _body(notice.path)
        runs = _CJK_RUN.findall(body)
        for run in runs[len(runs) // 2 :]:
            phrase = run[1:7]
            if everything.count(phrase) == 1 and phrase not in notice.title:
                return phrase, notice.title
    raise AssertionError("no notice of the example has a phrase of its own mid-body")


def _search(browser_context, search_page: str, query: str) -> tuple[str, list[str]]:
    """The status line and the result titles for `query`, typed into the header's box."""
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(search_page, wait_until="load")
        page.fill("#site-search-q", query)
        page.press("#site-search-q", "Enter")
        page.wait_for_load_state("load")
        assert "q=" in page.url, page.url
        page.wait_for_function(
            "document.getElementById('search-status').textContent.match(/找到|没有/)"
        )
        status = page.locator("#search-status").text_content()
        titles = page.locator("#search-results h2").all_text_contents()
        for href in page.locator("#search-results h2 a").evaluate_all("l => l.map(a => a.href)"):
            target = page.context.new_page()
            response = target.goto(href)
            assert response is None or response.ok, href
            target.close()
    finally:
        page.close()
    assert not errors, errors
    return status, titles


def _check(browser_context, search_page: str, middle_phrase: tuple[str, str]) -> None:
    phrase, title = middle_phrase
    status, titles = _search(browser_context, search_page, phrase)
    assert titles == [title], (phrase, status, titles)
    assert "找到 1 条" in status, status
    status, titles = _search(browser_context, search_page, NOWHERE)
    assert titles == [] and "没有找到" in status, status


def test_search_from_disk(browser_context, built_site: Path, middle_phrase) -> None:
    # Starting from a notice page: the header's box leads to the search page.
    start = next((built_site / "notices").glob("*/index.html")).as_uri()
    _check(browser_context, start, middle_phrase)


def test_search_over_http_under_a_sub_path(
    browser_context, site_server: SiteServer, built_site: Path, middle_phrase
) -> None:
    _check(
        browser_context, site_server.url_for(built_site / "search" / "index.html"), middle_phrase
    )


def test_a_query_in_the_address_shows_results_on_load(
    browser_context, built_site: Path, middle_phrase
) -> None:
    phrase, title = middle_phrase
    page = browser_context.new_page()
    try:
        address = (
            (built_site / "search" / "index.html").as_uri() + "?q=" + urllib.parse.quote(phrase)
        )
        page.goto(address, wait_until="load")
        page.wait_for_selector("#search-results h2")
        assert page.locator("#search-results h2").all_text_contents() == [title]
        assert page.locator("#search-results mark").first.text_content() == phrase
        assert page.input_value("#search-q") == phrase
    finally:
        page.close()


def test_no_draft_or_scheduled_words_in_any_output(
    built_site: Path, notice_sources: list[NoticeSource]
) -> None:
    published = "\n".join(read_text(n.path) for n in notice_sources if not (n.draft or n.scheduled))
    hidden = [n for n in notice_sources if n.draft or n.scheduled]
    assert hidden, "the example has no draft or scheduled notice to check"
    phrases = set()
    for notice in hidden:
        for run in _CJK_RUN.findall(_body(notice.path)):
            if run[:8] not in published:
                phrases.add(run[:8])
    assert len(phrases) >= len(hidden), phrases
    texts = [p for p in built_site.rglob("*") if p.is_file() and p.suffix != ".pdf"]
    found = [
        (phrase, path.relative_to(built_site).as_posix())
        for path in texts
        for phrase in phrases
        if phrase in path.read_bytes().decode("utf-8", "replace")
    ]
    assert not found, found
