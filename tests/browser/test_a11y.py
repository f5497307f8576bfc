"""Keyboard and screen reader routes axe does not check: the error summary, row tab stops."""

import re

TABBABLE = 'a[href]:not([tabindex="-1"]), input:not([type=hidden]):not([hidden])'


def test_a_refused_submit_starts_at_the_error_summary(sized):
    page = sized  # desktop and phone size, JS on and off
    page.goto(page.base + "/movies/new")
    page.click("button[type=submit]")
    summary = page.locator("#error-summary")
    assert "Please correct the errors below." in summary.inner_text()
    if page.js:  # without JS the summary is the first thing in main, after "Skip to content"
        assert page.evaluate("document.activeElement.id") == "error-summary"
    first = summary.locator("li a").first
    target = first.get_attribute("href")
    first.click()
    assert page.evaluate("document.activeElement.id") == target[1:]
    assert page.locator(target).get_attribute("aria-invalid") == "true"


def test_tab_from_one_row_reaches_the_next_past_its_actions_in_one_stop(sized):
    page = sized  # desktop and phone size, JS on and off
    page.goto(page.base + "/movies")
    rows = page.locator("table.grid tbody tr")
    first, second = rows.nth(0), rows.nth(1)
    stops = first.locator(TABBABLE)
    hrefs = [stops.nth(i).get_attribute("href") for i in range(stops.count())]
    row_pages = [h for h in hrefs if h and re.search(r"/movies/\d+(/|$)", h)]
    assert len(row_pages) == 1  # Show, Edit and Delete: one stop, the row's own link
    stops.first.focus()
    for _ in range(len(hrefs)):
        page.keyboard.press("Tab")
    focused_in_second = second.evaluate("row => row.contains(document.activeElement)")
    assert focused_in_second and second.locator(TABBABLE).first.evaluate(
        "el => el === document.activeElement")


def test_skip_to_pages_lands_on_the_pager(sized):
    page = sized  # desktop and phone size, JS on and off
    page.goto(page.base + "/movies")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to pages"
    page.keyboard.press("Enter")
    # the fragment navigation is reported to the driver after the key press returns
    page.wait_for_url(re.compile(r"#pages$"), timeout=5000)
    assert page.locator("#pages").is_visible()
