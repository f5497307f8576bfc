"""`/_meta` and `/openapi.json` describe what the identity may see."""

from rum import RumApp
from tests.conftest import demo_config, wrap


def test_meta_html_and_json(client):
    data = client.get("/_meta.json").json
    movies = next(r for r in data["resources"] if r["name"] == "movies")
    fields = {f["name"]: f for f in movies["fields"]}
    assert fields["genre"]["kind"] == "to_one" and fields["genre"]["related"] == "genres"
    assert fields["title"]["required"] and fields["id"]["read_only"]
    page = client.get("/_meta")
    assert "<code>genre</code>" in page.text and 'href="/genres"' in page.text


def test_openapi_document(client):
    doc = client.get("/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    assert {"/movies.json", "/movies/{id}.json", "/movies/{id}/actors.json"} <= set(doc["paths"])
    post = doc["paths"]["/movies.json"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["required"]) == {"title", "year", "genre"}
    assert "id" not in body["properties"]
    assert {"201", "403", "422"} <= set(post["responses"])


def test_bulk_actions_take_ids_or_all_matching(client):
    doc = client.get("/openapi.json").json
    bulk = doc["paths"]["/movies/delete_many.json"]["post"]
    params = {p["name"] for p in bulk["parameters"]}
    assert {"all", "q", "sort"} <= params
    assert bulk["requestBody"]["required"] is False  # all=1 needs no ids
    assert {"200", "204", "413"} <= set(bulk["responses"])


def test_hidden_fields_and_unreadable_resources_are_not_described(demo_db):
    client = wrap(RumApp(demo_config(demo_db, **{"rum.policy": {
        "hidden_fields": {"persons": ["birth_date"]},
        "rules": [{"resources": ["rentals"], "allow": False}]}})))
    doc = client.get("/openapi.json").json
    assert not any(p.startswith("/rentals") for p in doc["paths"])
    person = doc["paths"]["/persons/{id}.json"]["get"]["responses"]["200"]
    props = person["content"]["application/json"]["schema"]["properties"]
    assert "birth_date" not in props and "name" in props
    meta = client.get("/_meta.json").json
    assert "rentals" not in {r["name"] for r in meta["resources"]}
