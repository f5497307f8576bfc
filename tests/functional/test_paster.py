"""`paster serve development.ini` for real: a movie created, edited and deleted over HTTP."""

import json
import re

import pytest

from tests.functional.servers import serve_demo

pytestmark = pytest.mark.server


@pytest.fixture
def paster(tmp_path):
    with serve_demo(tmp_path) as server:
        yield server


def test_crud_round_trip_over_http(paster):
    status, headers, body = paster.request("GET", "/movies")
    assert status == 200 and "PasteWSGIServer" in headers.get("Server", "")
    assert "<table" in body

    found = json.loads(paster.request("GET", "/movies/complete?field=actors&q=a")[2])["items"]
    a, b = found[0]["id"], found[1]["id"]
    status, headers, _ = paster.request("POST", "/movies", {
        "title": "Over The Wire", "year": "2011", "genre": "1", "director": "",
        "actors": f"{a}, {b}", "description": "sent through paster"})
    assert status == 303, headers
    path = re.sub(r"^https?://[^/]+", "", headers["Location"])
    status, _, body = paster.request("GET", path)
    assert status == 200 and "Over The Wire" in body

    version = re.search(r'name="_version" value="([^"]+)"',
                        paster.request("GET", path + "/edit")[2]).group(1)
    status, _, _ = paster.request("POST", path, {
        "_method": "PUT", "_version": version, "title": "Over The Wire, Again", "year": "2012", "genre": "1",
        "actors": a})
    assert status == 303
    data = json.loads(paster.request("GET", path + ".json")[2])
    assert data["title"] == "Over The Wire, Again" and data["year"] == 2012
    assert [x["id"] for x in data["actors"]] == [a]

    status, _, _ = paster.request("POST", path, {"_method": "DELETE"})
    assert status == 303
    assert paster.request("GET", path)[0] == 404


def test_post_without_token_is_refused_and_writes_nothing(paster):
    before = json.loads(paster.request("GET", "/genres.json")[2])["count"]
    status, _, body = paster.request("POST", "/genres", {"name": "Forged", "_csrf": ""})
    assert status == 403 and "security token" in body
    assert json.loads(paster.request("GET", "/genres.json")[2])["count"] == before


def test_undecodable_path_is_400_not_500(paster):
    status, _, _ = paster.request("GET", "/movies/%ff%fe")
    assert status in (400, 404)
    status, _, _ = paster.request("GET", "/%ff%fe")
    assert status in (400, 404)
