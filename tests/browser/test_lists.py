"""Lists as a person uses them, with JavaScript on and off, on a desktop and a phone:
default columns, acting on every matching row, and the way back through nested lists."""

import sqlite3
from urllib.parse import urlsplit

QUERY = "f.returned.eq=false&sort=customer"


def scalar(db: str, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def test_default_columns_lead_with_the_label_and_to_one_relations(sized):
    sized.goto(sized.base + "/rentals")
    headers = sized.evaluate("[...document.querySelectorAll('table.grid thead th')]"
                             ".filter(th => !th.classList.contains('select')"
                             " && !th.classList.contains('actions'))"
                             ".map(th => th.textContent.trim())")
    assert headers[:3] == ["Id", "Customer", "Movie"], headers


def test_delete_every_matching_row_after_a_confirmation_naming_them(sized):
    matching = scalar(sized.db, "select count(*) from rental where returned = 0")
    total = scalar(sized.db, "select count(*) from rental")
    assert matching > 20  # more than one page
    sized.goto(f"{sized.base}/rentals?{QUERY}")
    offer = sized.locator(".all-matching")
    if sized.js:  # offered once the page's header box is ticked
        assert offer.is_hidden()
        sized.locator("input[data-select-all]").check()
        assert offer.is_visible()
        offer.locator("input").check()
        sized.get_by_role("button", name="Delete selected").click()
    else:
        assert offer.is_visible()
        sized.get_by_role("button", name="Delete all matching…").click()
    heading = sized.locator("h1").text_content()
    assert heading == f"Delete {matching} rentals?"
    assert sized.locator("ul.refs li a").count() == 10
    assert sized.locator("ul.refs li.more").text_content() == f"and {matching - 10} more"
    sized.get_by_role("button", name=f"Delete {matching}").click()
    assert f"{matching} rentals deleted" in sized.locator(".flash").text_content()
    assert urlsplit(sized.url).query == QUERY  # back on the same list
    assert scalar(sized.db, "select count(*) from rental where returned = 0") == 0
    assert scalar(sized.db, "select count(*) from rental") == total - matching


def test_a_row_reached_through_a_nested_list_leads_back_to_it_and_its_parent(sized):
    nested = "/movies/5/actors?sort=-name"
    with sqlite3.connect(sized.db) as conn:
        movie = conn.execute("select title from movie where id = 5").fetchone()[0]
    sized.goto(sized.base + nested)
    sized.locator("td.actions a", has_text="Edit").first.click()
    crumbs = sized.locator('nav[aria-label="Breadcrumb"] li')
    assert crumbs.count() == 4
    assert crumbs.nth(0).locator("a").get_attribute("href") == "/movies"
    assert crumbs.nth(1).locator("a").get_attribute("href") == "/movies/5"
    assert crumbs.nth(1).text_content() == movie
    assert crumbs.nth(2).locator("a").get_attribute("href") == nested
    assert crumbs.nth(3).locator("[aria-current=page]").count() == 1
    sized.locator("input[name=name]").fill("Zelda Back")
    sized.locator("form:has(input[name=_version]) button.primary").click()
    assert sized.url == sized.base + nested
    assert "saved" in sized.locator(".flash").text_content()
    assert sized.locator("td", has_text="Zelda Back").count() == 1
    sized.locator("td.actions a", has_text="Show").first.click()
    sized.locator('nav[aria-label="Breadcrumb"] a', has_text="Actors").click()
    assert sized.url == sized.base + nested
