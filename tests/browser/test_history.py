"""A movie's title edited, its history read (old and new title, who), the change restored
from there: the title is back and a new entry says so. Desktop and phone, JS on and off."""


def test_edit_read_history_and_restore(sized):
    page = sized
    page.goto(page.base + "/movies/1/edit")
    old = page.input_value("#title")
    page.fill("#title", "Retitled In Chromium")
    page.click("button.primary")
    page.click("a:has-text('History')")
    entry = page.locator("li.entry").first
    assert entry.locator("td.old").first.inner_text() == old
    assert entry.locator("td.new").first.inner_text() == "Retitled In Chromium"
    assert entry.locator(".who").inner_text()  # the writer, or "nobody" without a login
    page.shot(f"history-{'phone' if page.phone else 'desktop'}")
    entry.locator("a:has-text('Restore the state before this change')").click()
    assert page.input_value("#title") == old
    page.click("button.primary")
    assert page.locator("h1").first.inner_text().endswith(old)
    page.goto(page.url.split("?")[0] + "/history")
    newest = page.locator("li.entry").first
    assert newest.locator(".what").inner_text() == "restored"
    assert newest.locator("td.new").first.inner_text() == old
