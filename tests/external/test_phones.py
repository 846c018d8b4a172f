"""The example on a phone (390 × 844, Debian's chromium): what is urgent is on the first
screen, every link and button outside a notice's text is at least 44 px high, a time
range stays on one line, a picture opens full size when tapped."""

from __future__ import annotations

from pathlib import Path

WIDTH, HEIGHT = 390, 844
SMALL_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, summary')) {
    if (el.tagName === 'A' && el.closest('.prose')) continue;  // in running text
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not shown (the skip link)
    if (box.height < 44) small.push(`${el.tagName} “${el.textContent.trim().slice(0, 24)}” ${box.height.toFixed(0)} px`);
  }
  return small;
}"""


def _pages(built_site: Path) -> list[Path]:
    """The home page and one page of every other kind."""
    picked = [built_site / "index.html", built_site / "search" / "index.html"]
    for pattern in (
        "notices/*/index.html",
        "communities/*/index.html",
        "campaigns/*/index.html",
        "archive/*/*/index.html",
        "tags/*/index.html",
        "categories/*/index.html",
    ):
        picked.append(sorted(built_site.glob(pattern))[0])
    picked += [
        built_site / name / "index.html"
        for name in ("notices", "archive", "communities", "campaigns", "disclosure", "tags")
    ]
    return picked


def test_urgent_first_and_large_targets(browser_context, built_site: Path) -> None:
    page = browser_context.new_page()
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    small: list[str] = []
    try:
        page.goto((built_site / "index.html").as_uri(), wait_until="load")
        first = page.locator(".important .notice-item").first.bounding_box()
        # It starts in the top half of the first screen and is whole on it.
        assert first["y"] < HEIGHT / 2 and first["y"] + first["height"] < HEIGHT, first
        for path in _pages(built_site):
            page.goto(path.as_uri(), wait_until="load")
            where = path.relative_to(built_site).as_posix()
            small += [f"{where}: {target}" for target in page.evaluate(SMALL_TARGETS)]
    finally:
        page.close()
    assert not small, "\n".join(small)


def test_time_ranges_stay_whole_and_pictures_open_full_size(
    browser_context, built_site: Path
) -> None:
    notice = next(
        p
        for p in sorted(built_site.glob("notices/*/index.html"))
        if "water-outage-map" in p.read_text("utf-8")
    )
    page = browser_context.new_page()
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    try:
        page.goto(notice.as_uri(), wait_until="load")
        ranges = page.locator("td .nowrap")
        assert ranges.count() > 0, "no time range in a table cell"
        for index in range(ranges.count()):
            text = ranges.nth(index).text_content()
            lines = ranges.nth(index).evaluate("e => e.getClientRects().length")
            assert lines == 1, f"{text!r} breaks over {lines} lines"
        picture = page.locator(".prose a.image-link img").first
        picture.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("water-outage-map.svg"), page.url
    finally:
        page.close()
