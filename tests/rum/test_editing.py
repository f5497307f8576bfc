"""Forms: relation inputs that scale, names instead of ids without JS, files, read-only fields."""

import pytest
import sqlalchemy as sa
from webtest import Upload

from model import Actor, Director, Movie
from rum import RumApp
from rum_sqlalchemy.recording import TO_MANY_SHOWN
from tests.conftest import ROOT, csrf_headers, demo_config, edit_version, post, wrap
from tests.fixtures import shapes_model


def test_small_relations_are_selects_big_ones_autocomplete(client):
    form = client.get("/movies/new").text
    assert '<select id="genre" name="genre"' in form  # 10 genres
    assert 'data-complete="/movies/complete?field=director"' in form  # 120 directors
    assert 'data-complete="/movies/complete?field=actors"' in form


def test_threshold_is_configurable(demo_db):
    from tests.conftest import demo_config
    client = wrap(RumApp(demo_config(demo_db, rum={"relation_select_limit": 5})))
    form = client.get("/movies/new").text
    assert 'data-complete="/movies/complete?field=genre"' in form


def test_relation_by_exact_name_without_js(client, rum_app):
    with sa.orm.Session(rum_app.repositories.engine) as s:
        names = s.scalars(sa.select(Director.name)).all()
        unique = next(n for n in names if names.count(n) == 1)
        dup = next((n for n in names if names.count(n) > 1), None)
    response = post(client, "/movies", {"title": "Named", "year": "2000", "genre": "1",
                                       "director": unique})
    assert response.status_int == 303
    movie_id = int(response.location.rsplit("/", 1)[1])
    with sa.orm.Session(rum_app.repositories.engine) as s:
        assert s.get(Movie, movie_id).director.name == unique
    bad = post(client, "/movies", {"title": "Nobody", "year": "2000", "genre": "1",
                                  "director": "No Such Person"}, status=422)
    assert "no Director with id or name 'No Such Person'" in bad.text
    assert 'value="No Such Person"' in bad.text  # kept as typed
    if dup:
        amb = post(client, "/movies", {"title": "Two", "year": "2000", "genre": "1",
                                      "director": dup}, status=422)
        assert "give its id" in amb.text


def test_edit_shows_read_only_fields(client):
    page = client.get("/movies/1/edit").text
    assert '<dl class="detail read-only">' in page and "<dt>Id</dt>" in page


def test_binary_upload_and_download(tmp_path):
    url = f"sqlite:///{tmp_path / 'shapes.db'}"
    engine = sa.create_engine(url)
    shapes_model.Base.metadata.create_all(engine)
    client = wrap(RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": list(shapes_model.MODELS), "sqlalchemy.url": url}}))
    form = client.get("/everythings/new").forms[0]
    assert form.enctype == "multipart/form-data"
    form["name"] = "with file"
    form["blob"] = Upload("data.bin", b"\x00\x01binary\xff", "application/octet-stream")
    created = form.submit()
    assert created.status_int == 303
    shown = created.follow()
    assert "Download (9 bytes)" in shown.text
    path = created.location.replace("http://localhost", "")
    download = client.get(f"{path}/download/blob")
    assert download.body == b"\x00\x01binary\xff"
    assert download.headers["Content-Disposition"].startswith("attachment")
    edit = client.get(f"{path}/edit").forms[0]
    edit["name"] = "renamed, file kept"
    edit.submit()
    assert client.get(f"{path}/download/blob").body == b"\x00\x01binary\xff"
    client.get(f"{path}/download/name", status=404)


def test_edit_page_over_a_big_database_stays_small(tmp_path):
    import os
    import re
    import subprocess
    import sys

    import pytest

    gen = os.path.join(ROOT, os.pardir, "shared", "bench", "gen_db.py")
    if not os.path.isfile(gen):
        pytest.skip(f"the shared benchmark generator is not at {gen}")
    path = tmp_path / "movies.db"
    subprocess.run([sys.executable, gen, "--out", str(path), "--movies", "2000", "--persons",
                    "20000", "--movie-actors", "4000", "--rentals", "100"], check=True,
                   capture_output=True)
    client = wrap(RumApp({"rum.repositoryfactory": {"sqlalchemy.url": f"sqlite:///{path}"}}))
    page = client.get("/movies/1/edit")
    assert len(page.body) < 100_000, len(page.body)
    for select in re.findall(r"<select.*?</select>", page.text, re.S):
        assert select.count("<option") <= 101  # the threshold (100) plus the empty choice
    assert 'data-complete="/movies/complete?field=director"' in page.text


def test_edit_conflict_first_wins_second_gets_409(client, rum_app):
    first = client.get("/movies/1/edit").forms[0]
    second = client.get("/movies/1/edit").forms[0]
    first["title"] = "First editor"
    assert first.submit().status_int == 303
    second["title"] = "Second editor"
    second["year"] = "1901"
    conflict = second.submit(status=409)
    assert "Someone else changed this" in conflict.text
    assert "First editor" in conflict.text and "Second editor" in conflict.text
    with sa.orm.Session(rum_app.repositories.engine) as s:
        movie = s.get(Movie, 1)
        assert movie.title == "First editor" and movie.year != 1901
    again = conflict.forms[0]  # the conflict page's form re-applies the second editor's input
    assert again["title"].value == "Second editor"
    assert again.submit().status_int == 303
    with sa.orm.Session(rum_app.repositories.engine) as s:
        assert s.get(Movie, 1).title == "Second editor"


def test_json_if_match(client, rum_app):
    from tests.conftest import csrf_headers
    token = csrf_headers(client)
    shown = client.get("/movies/1.json")
    etag = shown.headers["ETag"]
    body = {"title": "Via JSON", "year": 1999, "genre": shown.json["genre"]["id"]}
    stale = '"not-the-version"'
    client.put_json("/movies/1.json", body, headers={**token, "If-Match": stale}, status=412)
    with sa.orm.Session(rum_app.repositories.engine) as s:
        assert s.get(Movie, 1).title != "Via JSON"
    done = client.put_json("/movies/1.json", body, headers={**token, "If-Match": etag})
    assert done.json["title"] == "Via JSON" and done.headers["ETag"] != etag
    again = client.put_json("/movies/1.json", {**body, "title": "Late"},
                            headers={**token, "If-Match": etag}, status=412)
    assert again.json["status"] == 412
    body_version = {**body, "title": "Late", "_version": etag.strip('"')}
    client.put_json("/movies/1.json", body_version, headers=token, status=409)
    with sa.orm.Session(rum_app.repositories.engine) as s:
        assert s.get(Movie, 1).title == "Via JSON"


def _movie(rum_app, ident=1):
    with sa.orm.Session(rum_app.repositories.engine) as s:
        m = s.get(Movie, ident)
        return {"title": m.title, "year": m.year, "genre_id": m.genre_id,
                "director_id": m.director_id, "description": m.description,
                "actors": sorted(a.id for a in m.actors)}


@pytest.mark.parametrize("how", ["form", "json", "form-json-override"])
def test_patch_changes_only_the_fields_it_names(client, rum_app, how):
    before = _movie(rum_app)
    if how == "form":
        done = post(client, "/movies/1", {"_method": "PATCH", "year": "1901",
                                          "_version": edit_version(client, "/movies/1")})
        assert done.status_int == 303
    else:
        etag = client.get("/movies/1.json").headers["ETag"]
        headers = {**csrf_headers(client), "If-Match": etag}
        if how == "json":
            done = client.patch_json("/movies/1.json", {"year": 1901}, headers=headers)
        else:  # a client that can only POST overrides the method in the query string
            done = client.post_json("/movies/1.json?_method=PATCH", {"year": 1901},
                                    headers=headers)
        assert done.json["year"] == 1901
    assert _movie(rum_app) == {**before, "year": 1901}  # actors, description... all kept


def test_patch_validates_only_what_it_names_put_still_replaces(client, rum_app):
    etag = client.get("/movies/1.json").headers["ETag"]
    headers = {**csrf_headers(client), "If-Match": etag}
    bad = client.patch_json("/movies/1.json", {"year": "soon"}, headers=headers, status=422)
    assert set(bad.json["errors"]) == {"year"}  # title and genre (required) not named
    put = client.put_json("/movies/1.json", {"year": 1901}, headers=headers, status=422)
    assert {"title", "genre"} <= set(put.json["errors"])  # PUT is the whole row
    assert _movie(rum_app)["year"] != 1901


@pytest.mark.parametrize("method,version", [
    ("PUT", "none"), ("PATCH", "none"), ("PUT", "body"), ("PATCH", "if-match"),
    ("PUT", "if-match-any")])
def test_json_writes_must_name_the_version_they_read(client, rum_app, method, version):
    shown = client.get("/movies/1.json")
    headers = csrf_headers(client)
    body = {"title": "Blind?", "year": shown.json["year"], "genre": shown.json["genre"]["id"]}
    if version == "body":
        body["_version"] = shown.headers["ETag"].strip('"')
    elif version == "if-match":
        headers["If-Match"] = shown.headers["ETag"]
    elif version == "if-match-any":
        headers["If-Match"] = "*"  # an explicit "whatever is stored"
    call = client.put_json if method == "PUT" else client.patch_json
    response = call("/movies/1.json", body, headers=headers, status="*")
    if version == "none":
        assert response.status_int == 428 and response.json["status"] == 428
        assert _movie(rum_app)["title"] != "Blind?"
    else:
        assert response.status_int == 200 and _movie(rum_app)["title"] == "Blind?"


def test_a_version_that_is_not_text_is_a_bad_request(client):
    client.put_json("/movies/1.json", {"title": "x", "_version": ["a"]},
                    headers=csrf_headers(client), status=400)


def test_blind_writes_can_be_allowed(demo_db):
    client = wrap(RumApp(demo_config(demo_db, rum={"blind_writes": True})))
    done = client.patch_json("/movies/1.json", {"title": "Blind"}, headers=csrf_headers(client))
    assert done.json["title"] == "Blind"


def test_versions_are_keyed_with_the_secret(demo_db):
    apps = {secret: RumApp(demo_config(demo_db, rum={"secret": secret}))
            for secret in ("one", "two")}
    one, two = wrap(apps["one"]), wrap(apps["two"])
    etag = one.get("/movies/1.json").headers["ETag"]
    assert etag == wrap(RumApp(demo_config(demo_db, rum={"secret": "one"}))).get(
        "/movies/1.json").headers["ETag"]  # a function of the row and the secret only
    assert etag != two.get("/movies/1.json").headers["ETag"]
    assert edit_version(one, "/movies/1") == etag.strip('"')
    with apps["one"].repositories.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        unkeyed = repo.version(repo.get("1"))
    assert unkeyed not in etag  # the column digest never leaves the server
    two.put_json("/movies/1.json", {"title": "x"}, status=412,
                 headers={**csrf_headers(two), "If-Match": etag})


@pytest.mark.parametrize("resource,model,relation,other", [
    ("movies", Movie, "actors", Actor), ("actors", Actor, "movies", Movie)])
@pytest.mark.parametrize("linked", [TO_MANY_SHOWN, TO_MANY_SHOWN + 1])
def test_edit_never_unlinks_rows_it_did_not_show(client, rum_app, resource, model, relation,
                                                 other, linked):
    engine = rum_app.repositories.engine
    with sa.orm.Session(engine) as s:
        row = s.scalars(sa.select(model).order_by(model.id)).first()
        ident = row.id
        setattr(row, relation, list(s.scalars(sa.select(other).order_by(other.id)
                                              .limit(linked))))
        s.commit()
    page = client.get(f"/{resource}/{ident}/edit")
    large = linked > TO_MANY_SHOWN
    assert (f'name="{relation}"' not in page.text) is large
    assert (f'href="/{resource}/{ident}/{relation}"' in page.text) is large
    assert page.forms[0].submit().status_int == 303
    shown = client.get(f"/{resource}/{ident}.json")
    body = {k: v for k, v in shown.json.items() if not k.startswith("_")}
    body = {k: (v["id"] if isinstance(v, dict) else [x["id"] for x in v]
                if isinstance(v, list) else v) for k, v in body.items()}
    assert len(body[relation]) == min(linked, TO_MANY_SHOWN)
    client.put_json(f"/{resource}/{ident}.json", body,
                    headers={**csrf_headers(client), "If-Match": shown.headers["ETag"]})
    with sa.orm.Session(engine) as s:
        assert len(getattr(s.get(model, ident), relation)) == linked  # every link kept


def test_json_api_stores_json_objects_as_objects(tmp_path):
    """`{"doc": {...}}` in a JSON body is stored as that object, not as its Python repr."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from rum import RumApp
    from tests.conftest import ROOT, csrf_headers, wrap
    from tests.fixtures import shapes_model as sm
    url = f"sqlite:///{tmp_path / 'json.db'}"
    engine = sa.create_engine(url)
    sm.Base.metadata.create_all(engine)
    client = wrap(RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": list(sm.MODELS), "sqlalchemy.url": url}}))
    doc = {"a": [1, 2, {"b": None}], "c": "<d>"}
    created = client.post_json("/everythings.json", {"name": "j", "doc": doc},
                               headers=csrf_headers(client))
    assert created.status_int == 201 and created.json["doc"] == doc
    with Session(engine) as session:
        assert session.scalars(sa.select(sm.Everything.doc)).one() == doc
    form = client.get(f"{created.json['_url']}/edit").forms[0]
    assert form.submit().status_int == 303  # saved unchanged: still the same object
    with Session(engine) as session:
        assert session.scalars(sa.select(sm.Everything.doc)).one() == doc
    engine.dispose()


def test_a_conflict_shows_json_values_as_json_whatever_sent_them(tmp_path):
    url = f"sqlite:///{tmp_path / 'shapes.db'}"
    engine = sa.create_engine(url)
    shapes_model.Base.metadata.create_all(engine)
    engine.dispose()
    client = wrap(RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": list(shapes_model.MODELS), "sqlalchemy.url": url}}))
    token = {"X-CSRF-Token": client.get("/").headers["X-CSRF-Token"]}
    made = client.post_json("/everythings.json", {"name": "doc", "doc": {"alpha": 1}},
                            headers=token)
    path = made.headers["Location"].replace("http://localhost", "")
    stale = made.headers["ETag"].strip('"')
    client.patch_json(path + ".json", {"name": "moved on"},
                      headers={**token, "If-Match": stale})
    # a JSON body whose version is stale, answered as a page: the conflict page, not a 500
    page = client.put_json(path, {"name": "mine", "doc": {"alpha": 1, "beta": [1, 2]},
                                  "_version": stale},
                           headers={**token, "Accept": "text/html"}, status=409)
    assert "alphabeta" not in page.text
    assert "&#34;beta&#34;: [1, 2]" in page.text or '"beta": [1, 2]' in page.text


def test_a_refused_submit_leads_to_an_error_summary_linking_each_invalid_input(client):
    bad = post(client, "/movies", {"title": "", "year": "soon", "genre": "1"}, status=422)
    main = bad.html.select_one("main")
    summary = main.find(True)  # the first thing in main: where "Skip to content" lands
    assert summary["id"] == "error-summary" and summary["role"] == "alert"
    assert summary["tabindex"] == "-1" and summary.has_attr("autofocus")
    heading = summary.select_one("h2")
    assert summary["aria-labelledby"] == heading["id"]
    links = {a["href"]: a.get_text() for a in summary.select("li a")}
    assert set(links) == {"#title", "#year"}
    assert links["#title"] == "Title: Enter a value"
    assert_invalid_inputs_described(bad.html, links)
    assert not bad.html.select_one("#genre").has_attr("aria-invalid")  # a valid input
    unknown = post(client, "/movies", {"title": "Nobody", "year": "2000", "genre": "1",
                                      "director": "No Such Person"}, status=422)
    links = {a["href"]: a.get_text() for a in unknown.html.select("#error-summary li a")}
    assert list(links) == ["#director"] and "No Such Person" in links["#director"]
    assert_invalid_inputs_described(unknown.html, links)
    hint = unknown.html.select_one("#director")["aria-describedby"].split()[0]
    assert unknown.html.find(id=hint)["class"] == ["hint"]  # still described by its hint


def assert_invalid_inputs_described(html, links):
    """Each linked input exists, is invalid, and is described by the message listed."""
    for href, text in links.items():
        box = html.find(id=href[1:])
        assert box["aria-invalid"] == "true"
        message = html.find(id=box["aria-describedby"].split()[-1])
        assert message.get_text() and message.get_text() in text


def test_a_form_level_error_is_in_the_summary_without_a_link(client, rum_app, monkeypatch):
    from rum.errors import Invalid
    from rum_toscawidgets.forms import ToscaWidgetsForm

    def refuse(self, params, only=None):
        raise Invalid({"": "These values do not go together"})
    monkeypatch.setattr(ToscaWidgetsForm, "validate", refuse)
    bad = post(client, "/movies", {"title": "x"}, status=422)
    items = bad.html.select("#error-summary li")
    assert [li.get_text() for li in items] == ["These values do not go together"]
    assert not items[0].select("a")


def test_list_pages_skip_to_their_pager(client):
    page = client.get("/movies").html
    skips = {a.get_text(): a["href"] for a in page.select("a.skip")}
    assert skips == {"Skip to content": "#main", "Skip to pages": "#pages"}
    assert page.select_one("#pages").name == "nav"
    assert "Skip to pages" not in client.get("/movies/1").text  # no pager there
