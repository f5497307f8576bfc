"""Everyday admin tasks a Django admin user expects, at desktop and phone size, JS on and off."""

import csv
import io
import re
import sqlite3
import urllib.parse


def rows(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def test_save_and_add_another_then_save_and_continue_editing(sized):
    sized.goto(sized.base + "/genres/new")
    sized.fill("#name", "Noir")
    sized.click("button[name=_then][value=add]")
    sized.wait_for_url(re.compile(r"/genres/new$"))
    assert "created" in sized.locator(".flash").inner_text()
    assert sized.input_value("#name") == ""  # a fresh form for the next one
    sized.fill("#name", "Neo-noir")
    sized.click("button[name=_then][value=edit]")
    sized.wait_for_url(re.compile(r"/genres/\d+/edit$"))
    saved = int(sized.url.rsplit("/", 2)[1])
    assert rows(sized.db, "SELECT name FROM genre WHERE id = ?", saved) == [("Neo-noir",)]
    assert rows(sized.db, "SELECT count(*) FROM genre WHERE name = 'Noir'") == [(1,)]
    assert sized.input_value("#name") == "Neo-noir"


def test_export_links_download_exactly_the_filtered_list(sized):
    sized.goto(sized.base + "/movies?q=harbor&sort=-year")
    links = sized.locator("p.exports a.export")
    assert links.count() == 2 and all(links.nth(i).is_visible() for i in range(2))
    hrefs = {links.nth(i).inner_text(): links.nth(i).get_attribute("href") for i in range(2)}
    expected = rows(sized.db, "SELECT title, year FROM movie WHERE title LIKE '%harbor%' "
                    "OR description LIKE '%harbor%' ORDER BY year DESC, id DESC")
    assert len(expected) > 1
    table = list(csv.DictReader(io.StringIO(sized.request.get(sized.base + hrefs["CSV"]).text())))
    got = [(r["Title"], int(r["Year"])) for r in table]
    assert sorted(got) == sorted(expected)  # exactly the matching rows (ties may come any order)
    assert [year for _, year in got] == [year for _, year in expected]  # newest first
    items = sized.request.get(sized.base + hrefs["JSON"]).json()["items"]
    assert [(r["title"], r["year"]) for r in items] == got[:len(items)]


def test_director_column_sorts_by_the_directors_name(sized):
    sized.goto(sized.base + "/movies")
    sized.click("table.grid th a:text-is('Director')")
    sized.wait_for_url(re.compile(r"sort=director"))
    cells = sized.column("Director")
    named = [c for c in cells if c != "—"]
    assert len(named) > 5 and named == sorted(named)
    first = rows(sized.db, "SELECT min(p.name) FROM movie m JOIN person p ON p.id = m.director_id")
    assert named[0] == first[0][0]


def edit_behind_its_back(page, movie_id, **columns):
    with sqlite3.connect(page.db) as conn:
        for column, value in columns.items():
            conn.execute(f"UPDATE movie SET {column} = ? WHERE id = ?", (value, movie_id))


def test_a_stale_edit_keeps_the_other_persons_change_to_another_field(sized):
    sized.goto(sized.base + "/movies/3/edit")
    (year,), = rows(sized.db, "SELECT year FROM movie WHERE id = 3")
    edit_behind_its_back(sized, 3, year=year + 1)
    sized.fill("#title", "Mine Only")
    sized.click("form.record button.primary")
    sized.wait_for_url(re.compile(r"/movies/3$"))
    assert "merged" in sized.locator(".flash").inner_text()
    assert rows(sized.db, "SELECT title, year FROM movie WHERE id = 3") == [("Mine Only", year + 1)]


def test_a_field_both_changed_is_marked_on_the_conflict_page(sized):
    sized.goto(sized.base + "/movies/4/edit")
    thriller = rows(sized.db, "SELECT id FROM genre WHERE name = 'Thriller'")[0][0]
    edit_behind_its_back(sized, 4, title="Theirs", genre_id=thriller)
    sized.fill("#title", "Mine")
    sized.click("form.record button.primary")
    marked = sized.locator("table.conflict tr.conflicting")
    assert marked.count() == 1 and "Title" in marked.inner_text()
    assert "changed by both" in marked.inner_text()
    genre_cells = sized.locator("table.conflict tr", has_text="Genre").locator("td")
    names = {name for (name,) in rows(sized.db, "SELECT name FROM genre")}
    stored, yours = [text.strip() for text in genre_cells.all_inner_texts()]
    assert stored == "Thriller" and yours in names  # labels both, never a bare id
    sized.click("form.record button.primary")  # Save mine
    sized.wait_for_url(re.compile(r"/movies/4$"))
    assert rows(sized.db, "SELECT title, genre_id FROM movie WHERE id = 4") == [("Mine", thriller)]


def test_deleting_a_person_who_directed_movies_names_the_effects(sized):
    (person, n), = rows(sized.db, "SELECT director_id, count(*) FROM movie WHERE director_id "
                        "IS NOT NULL GROUP BY director_id ORDER BY count(*) DESC LIMIT 1")
    for base in ("persons", "directors"):
        sized.goto(f"{sized.base}/{base}/{person}/confirm_delete")
        assert f"{n} movies" in sized.locator("main").inner_text(), base


def test_delete_selected_with_nothing_ticked_goes_back_to_the_list(sized):
    sized.goto(sized.base + "/rentals?sort=-id")
    sized.click("text=Delete selected")
    sized.wait_for_url(re.compile(r"/rentals\?sort=-id$"))
    assert "No rows were selected" in sized.locator(".flash").inner_text()


def test_the_not_found_page_links_to_the_list(sized):
    answer = sized.goto(sized.base + "/movies/99999")
    assert answer.status == 404
    back = sized.locator("main a[href='/movies']")
    assert back.count() == 1 and back.is_visible()
    back.click()
    sized.wait_for_url(re.compile(r"/movies$"))


def test_the_list_state_survives_an_edit_and_a_delete(sized):
    query = "sort=-year&q=harbor"
    sized.goto(f"{sized.base}/movies?{query}")
    first = sized.locator("table.grid tbody tr").first
    first.locator("a").first.click()  # the row's own page
    sized.wait_for_url(re.compile(r"/movies/\d+"))
    sized.locator("main a", has_text=re.compile("^Edit$")).first.click()
    sized.fill("#title", "Harbor Kept")
    sized.click("form.record button.primary")
    sized.wait_for_url(re.compile(r"/movies\?"))
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(sized.url).query) == \
        urllib.parse.parse_qs(query)
    assert "saved" in sized.locator(".flash").inner_text()
