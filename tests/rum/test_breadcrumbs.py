"""The way back from a row reached through a nested list to its parent row."""

NESTED = "/movies/3/actors"


def crumbs(page) -> list[tuple[str, str | None, str | None]]:
    nav = page.html.select_one('nav.breadcrumb[aria-label="Breadcrumb"]')
    assert nav is not None
    return [(li.get_text(strip=True), (li.a or {}).get("href") if li.a else None,
             li.span.get("aria-current") if li.span else None) for li in nav.select("li")]


def test_show_edit_and_delete_of_a_nested_row_lead_back_to_its_parent(client):
    movie = client.get("/movies/3.json").json["title"]
    actor = client.get(f"{NESTED}.json").json["items"][0]
    ident, name = actor["_id"], actor["_label"]
    for page in (f"/actors/{ident}", f"/actors/{ident}/edit", f"/actors/{ident}/confirm_delete"):
        assert crumbs(client.get(page, {"return_to": NESTED})) == [
            ("Movies", "/movies", None), (movie, "/movies/3", None),
            ("Actors", NESTED, None), (name, None, "page")], page


def test_a_row_reached_from_its_own_list_has_no_trail(client):
    ident = client.get(f"{NESTED}.json").json["items"][0]["_id"]
    page = client.get(f"/actors/{ident}", {"return_to": "/actors?q=a"})
    assert not page.html.select("nav.breadcrumb")


def test_the_nested_list_itself_names_its_parent(client):
    assert [c[0] for c in crumbs(client.get(NESTED))][-1] == "Actors"

