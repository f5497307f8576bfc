"""The demo driven in headless Chromium, with and without JavaScript."""

import re
import sqlite3


def rows(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def pick_relation(page, field, term, nth=0):
    """Fill a relation input the way a person would: suggestions with JS, 'Name [id]' without."""
    box = page.locator(f"#{field}")
    if page.js:
        box.click()
        box.press_sequentially(term, delay=30)
        options = page.locator(f"#{field}-suggestions li")
        options.nth(nth).wait_for()
        options.nth(nth).click()
    else:
        found = page.request.get(f"{page.base}/movies/complete?field={field}&q={term}").json()
        item = found["items"][nth]
        current = box.input_value()
        box.fill((current + ", " if current and field == "actors" else "") +
                 f"{item['label']} [{item['id']}]")


def test_create_with_error_fix_edit_and_delete(page):
    page.goto(page.base + "/movies/new")
    page.fill("#description", "Made in <b>Chromium</b>")
    page.select_option("#genre", label="Drama")
    pick_relation(page, "director", "a")
    pick_relation(page, "actors", "a", 0)
    pick_relation(page, "actors", "e", 1)
    page.click("button[type=submit]")
    assert page.locator("#title\\:error").inner_text() == "Enter a value"
    assert page.locator("#year\\:error").inner_text() == "Enter a value"
    assert page.input_value("#description") == "Made in <b>Chromium</b>"  # input kept
    assert page.input_value("#director")  # the picked relations are kept too
    page.shot("form-with-errors")
    page.fill("#title", "Browser Made")
    page.fill("#year", "2024")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/movies/\d+$"))
    assert "created" in page.locator(".flash").inner_text()
    page.shot("show")
    movie_id = int(page.url.rsplit("/", 1)[1])
    (title, year, genre), = rows(page.db, "SELECT m.title, m.year, g.name FROM movie m "
                                 "JOIN genre g ON g.id = m.genre_id WHERE m.id = ?", movie_id)
    assert (title, year, genre) == ("Browser Made", 2024, "Drama")
    assert rows(page.db, "SELECT director_id FROM movie WHERE id = ?", movie_id)[0][0]
    assert len(rows(page.db, "SELECT * FROM movie_actor WHERE movie_id = ?", movie_id)) == 2

    page.click("text=Edit")
    page.fill("#title", "Browser Edited")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/movies/{movie_id}$"))
    assert "saved" in page.locator(".flash").inner_text()
    assert rows(page.db, "SELECT title FROM movie WHERE id = ?", movie_id)[0][0] == "Browser Edited"

    page.click("text=Delete")
    assert "Unlinks 2 actors" in page.content()
    page.click("button.danger")
    page.wait_for_url(re.compile(r"/movies$"))
    assert "deleted" in page.locator(".flash").inner_text()
    assert rows(page.db, "SELECT * FROM movie WHERE id = ?", movie_id) == []


def test_search_filter_sort_and_page(page):
    page.goto(page.base + "/movies")
    page.shot("list")
    page.fill("#q", "harbor")
    page.click("form.search button")
    expected = rows(page.db, "SELECT count(*) FROM movie WHERE title LIKE '%harbor%' "
                    "OR description LIKE '%harbor%'")[0][0]
    assert f"{expected} rows" in page.locator(".pager .count").inner_text()

    page.goto(page.base + "/movies")
    page.click("details.filters summary")
    (genre_id, genre), = rows(page.db, "SELECT id, name FROM genre WHERE name = 'Comedy'")
    page.select_option("#v\\.genre", label=genre)  # ten genres: listed to choose from
    page.click("text=Apply filters")
    n = rows(page.db, "SELECT count(*) FROM movie WHERE genre_id = ?", genre_id)[0][0]
    assert f"{n} rows" in page.locator(".pager .count").inner_text()
    cells = page.column("Genre")
    assert cells and set(c.strip() for c in cells) == {genre}

    page.goto(page.base + "/movies")
    page.click("table.grid th a:text-is('Year')")
    years = [int(y) for y in page.column("Year")]
    assert years == sorted(years) and years[0] == rows(page.db, "SELECT min(year) FROM movie")[0][0]
    page.click("table.grid th a:text-is('Year')")
    years = [int(y) for y in page.column("Year")]
    assert years == sorted(years, reverse=True)

    page.goto(page.base + "/movies")
    first = page.locator("table.grid tbody tr").first.inner_text()
    page.click("a[rel=next]")
    second = page.locator("table.grid tbody tr").first.inner_text()
    assert second != first
    page.click("a[rel=next]")
    page.click("a[rel=prev]")
    assert page.locator("table.grid tbody tr").first.inner_text() == second
    page.click("a[rel=prev]")
    assert page.locator("table.grid tbody tr").first.inner_text() == first


def test_bulk_delete_two_rentals(page):
    before = rows(page.db, "SELECT count(*) FROM rental")[0][0]
    page.goto(page.base + "/rentals")
    boxes = page.locator("table.grid tbody input[name=ids]")
    chosen = [boxes.nth(0).get_attribute("value"), boxes.nth(1).get_attribute("value")]
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("text=Delete selected")
    page.wait_for_url(re.compile(r"/rentals/delete_many\?"))  # content() mid-navigation is ''
    assert "Delete 2 rentals?" in page.content()
    page.click("button.danger")
    page.wait_for_url(re.compile(r"/rentals$"))
    assert "2 rentals deleted" in page.locator(".flash").inner_text()
    assert rows(page.db, "SELECT count(*) FROM rental")[0][0] == before - 2
    for ident in chosen:
        assert rows(page.db, "SELECT * FROM rental WHERE id = ?", int(ident)) == []


def test_select_all_needs_js(page):
    page.goto(page.base + "/rentals")
    select_all = page.locator("input[data-select-all]")
    if not page.js:
        assert select_all.is_hidden()
        return
    select_all.check()
    boxes = page.locator("table.grid tbody input[name=ids]")
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))


def test_narrow_screen_has_no_horizontal_page_scroll(page):
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/movies/1", "/movies/1/edit", "/"):
        page.goto(page.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 362, (path, width)
