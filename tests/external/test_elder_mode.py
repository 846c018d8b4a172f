"""长者模式 in Debian's chromium: the switch enlarges the type, and the choice survives
a reload, from disk and over HTTP under a sub-path."""

from __future__ import annotations

from pathlib import Path

from .conftest import SiteServer

FONT_SIZE = "parseFloat(getComputedStyle(document.documentElement).fontSize)"


def check_switch(browser_context, url: str) -> None:
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(url, wait_until="load")
        toggle = page.locator("#elder-toggle")
        assert toggle.is_visible(), "the 长者模式 switch is hidden"
        assert toggle.get_attribute("aria-pressed") == "false"
        plain = page.evaluate(FONT_SIZE)
        toggle.click()
        larger = page.evaluate(FONT_SIZE)
        assert larger >= plain * 1.2, (plain, larger)
        assert toggle.get_attribute("aria-pressed") == "true"
        height = toggle.bounding_box()["height"]
        assert height >= 44, f"the switch is {height} px high"
        page.reload(wait_until="load")
        assert page.evaluate(FONT_SIZE) == larger, "the choice did not survive a reload"
        assert page.locator("#elder-toggle").get_attribute("aria-pressed") == "true"
        page.locator("#elder-toggle").click()
        page.reload(wait_until="load")
        assert page.evaluate(FONT_SIZE) == plain
    finally:
        page.close()
    assert not errors, errors


def test_elder_mode_from_disk(browser_context, built_site: Path) -> None:
    check_switch(browser_context, (built_site / "index.html").as_uri())
    check_switch(browser_context, next((built_site / "notices").glob("*/index.html")).as_uri())


def test_elder_mode_over_http_under_a_sub_path(
    browser_context, site_server: SiteServer, built_site: Path
) -> None:
    check_switch(browser_context, site_server.url_for(built_site / "index.html"))
