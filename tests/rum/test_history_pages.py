"""History pages: a row's changes and the recent changes, in HTML, JSON and CSV; keyset
pages; 400s; and what the policy lets each reader see of them."""

import pytest

from tests.fixtures.history_world import SECRET, as_user, edit, history_client

ROOT, KIM, BOB, GUS = as_user("root"), as_user("kim"), as_user("bob"), as_user("gus")


@pytest.fixture
def client():
    client = history_client()
    edit(client, "root", "/movies/1", title="Alpha Changed", description=SECRET)
    edit(client, "root", "/rentals/3", customer="kim")  # unchanged: no entry
    edit(client, "root", "/rentals/3", returned=True)
    edit(client, "root", "/rentals/2", returned=True)  # lee's rental
    return client


def test_row_history_in_each_format(client):
    page = client.get("/movies/1/history", headers=ROOT)
    assert "Alpha Harbor" in page.text and "Alpha Changed" in page.text
    assert "root" in page.text and SECRET in page.text  # root sees hidden fields
    assert "May 1" not in page.text and "<time" in page.text
    items = client.get("/movies/1/history.json", headers=ROOT).json["items"]
    assert [i["action"] for i in items] == ["update"]
    assert {"field": "title", "label": "Title", "old": "Alpha Harbor",
            "new": "Alpha Changed"} in items[0]["changes"]
    text = client.get("/movies/1/history.csv", headers=ROOT).text
    assert text.splitlines()[0] == "When,Who,Action,Resource,Row,Field,Before,After"
    assert "Alpha Harbor,Alpha Changed" in text


def test_dates_in_the_locale(client):
    page = client.get("/movies/1/history", headers={**ROOT, "Accept-Language": "de"})
    assert "Titel" in page.text or "Title" in page.text
    year = page.html.find("time").text
    assert "." in year and "AM" not in year and "PM" not in year  # 30.11.2026, 22:43:52


def test_show_page_and_home_link_history(client):
    assert 'href="/movies/1/history"' in client.get("/movies/1", headers=ROOT).text
    assert 'href="/_history"' in client.get("/", headers=ROOT).text
    off = history_client(enabled=False)
    assert "/history" not in off.get("/movies/1", headers=ROOT).text
    assert "/_history" not in off.get("/", headers=ROOT).text
    off.get("/movies/1/history", headers=ROOT, status=404)
    off.get("/_history.json", headers=ROOT, status=404)


def test_recent_changes_filters(client):
    def ids(query, headers=ROOT):
        items = client.get(f"/_history.json?{query}", headers=headers).json["items"]
        return [(i["resource"], i["row_id"]) for i in items]

    assert ids("") == [("rentals", "2"), ("rentals", "3"), ("movies", "1")]
    assert ids("resource=movies") == [("movies", "1")]
    assert ids("identity=root&resource=rentals") == [("rentals", "2"), ("rentals", "3")]
    assert ids("identity=nobody") == []
    assert ids("since=2999-01-01") == [] and ids("until=2000-01-01") == []
    assert len(ids("since=2000-01-01&until=2999-01-01T00:00:00%2B00:00")) == 3
    assert "Recent changes" in client.get("/_history", headers=ROOT).text
    assert "Alpha Changed" in client.get("/_history.csv", headers=ROOT).text


@pytest.mark.parametrize("query", ["since=yesterday", "until=2024-13-01", "limit=0",
                                   "limit=201", "limit=x", "resource=nope",
                                   "resource=genres", "before=" + "9" * 300])
def test_bad_queries_are_400(client, query):
    path = "/_history" if "resource" in query or "since" in query or "until" in query \
        else "/movies/1/history"
    client.get(f"{path}.json?{query}", headers=GUS if query == "resource=genres" else ROOT,
               status=400)


def test_keyset_pages_with_a_bounded_limit(client):
    for n in range(5):
        edit(client, "root", "/directors/1", name=f"Name {n}")
    seen, url, pages = [], "/directors/1/history.json?limit=2", 0
    while url and pages < 10:
        body = client.get(url, headers=ROOT).json
        seen += [i["id"] for i in body["items"]]
        assert len(body["items"]) <= 2
        url, pages = body["next"], pages + 1
    assert pages == 3 and len(seen) == 5 and seen == sorted(seen, key=int, reverse=True)
    html = client.get("/directors/1/history?limit=2", headers=ROOT)
    assert "before=" in html.html.find("a", rel="next")["href"]


def test_a_reader_without_read_permission_sees_none_of_its_entries(client):
    client.get("/movies/1/history", headers=GUS, status=403)
    client.get("/movies/1/history.json", headers=GUS, status=403)
    for fmt in ("", ".json", ".csv"):
        body = client.get(f"/_history{fmt}", headers=GUS).text
        assert "Alpha" not in body and "rentals" not in body.lower().replace(
            '"resource"', "")


def test_rows_out_of_scope_are_404_and_left_out(client):
    client.get("/rentals/2/history", headers=KIM, status=404)  # lee's rental
    assert client.get("/rentals/3/history.json", headers=KIM).json["items"]
    client.get("/rentals/3/history.json", headers=BOB, status=404)
    rows = [i["row_id"] for i in client.get("/_history.json?resource=rentals",
                                            headers=KIM).json["items"]]
    assert rows == ["3"]


@pytest.mark.parametrize("path", ["/movies/1/history", "/movies/1/history.json",
                                  "/movies/1/history.csv", "/_history", "/_history.json",
                                  "/_history.csv", "/_history?resource=movies"])
def test_hidden_field_values_never_shown(client, path):
    body = client.get(path, headers=KIM).text
    assert SECRET not in body and "Alpha Changed" in body
    assert "Description" in body  # the change is named, without its values


def test_a_deleted_row_keeps_its_history_for_readers_without_row_filters(client):
    client.get("/directors/4/confirm_delete", headers=ROOT).forms[0].submit(headers=ROOT)
    items = client.get("/directors/4/history.json", headers=ROOT).json["items"]
    assert items[0]["action"] == "delete" and items[0]["url"] is None
    client.get("/directors/999/history", headers=ROOT, status=404)


def test_the_top_menu_links_recent_changes_for_those_who_may_read_them():
    with_history, without = history_client(), history_client(enabled=False)
    menu = with_history.get("/movies", headers=ROOT).html.select_one("header nav")
    assert menu.find("a", string="Recent changes")["href"] == "/_history"
    assert without.get("/movies", headers=ROOT).html.select_one("header nav") \
        .find("a", string="Recent changes") is None
