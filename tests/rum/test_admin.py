"""Resource classes: given in code or in the .cfg, their options beside the INI's, the
default sort through HTTP (lists, JSON, CSV, keyset paging) and two apps side by side."""

import csv
import io
import re
import sys

import pytest
import sqlalchemy as sa

import model
from rum import Admin, RumApp, action
from rum.admin import as_admin
from rum.errors import ConfigError
from tests.conftest import demo_config, wrap


class MovieAdmin(Admin):
    name = "films"
    list_fields = ["title", "year"]
    default_sort = "-year"
    read_only_fields = ["description"]

    @action(label="Publish")
    def publish(self, call, rows):
        return f"{len(rows)} published."


class NeedsArguments(Admin):
    def __init__(self, flavour):
        self.flavour = flavour


class NotAnAdmin:
    list_fields = ["title"]


def movie_order(app, *order_by) -> list[str]:
    """Movie ids in an order, straight from the database."""
    with app.repositories.engine.connect() as conn:
        return [str(i) for i in conn.execute(sa.select(model.Movie.id).order_by(*order_by))
                .scalars()]


# -- giving a resource class -----------------------------------------------------------------
def test_as_admin_makes_an_instance_of_a_class_and_keeps_an_instance():
    made = as_admin(MovieAdmin, "k")
    assert type(made) is MovieAdmin and made is not as_admin(MovieAdmin, "k")
    given = NeedsArguments("plain")
    assert as_admin(given, "k") is given


@pytest.mark.parametrize("value, words", [
    (NotAnAdmin, "subclass of rum.Admin"),
    (NotAnAdmin(), "subclass of rum.Admin"),
    ("myapp.admin:MovieAdmin", "subclass of rum.Admin"),
    (Admin.validate, "is not a resource class"),
    (NeedsArguments, "give an instance instead"),
])
def test_as_admin_refuses_what_is_no_resource_class(value, words):
    with pytest.raises(ConfigError) as info:
        as_admin(value, "resources.Movie")
    assert info.value.key == "resources.Movie" and words in str(info.value)


def test_a_class_given_in_code_fills_the_resource(demo_db):
    app = RumApp(demo_config(demo_db), resources={"Movie": MovieAdmin})
    films = app.registry.get("films")
    assert type(films.admin) is MovieAdmin
    assert [f.name for f in films.list_fields] == ["title", "year"]
    assert films.default_sort == "-year" and films.field("description").read_only
    assert "description" not in [f.name for f in films.form_fields]
    # relations of other resources point at the class's URL name
    assert app.registry.get("rentals").field("movie").related == "films"
    assert "movies" not in app.registry
    plain = app.registry.get("genres")
    assert type(plain.admin) is Admin and plain.default_sort == ""
    assert [a.name for a in films.admin.custom_actions()] == ["publish"]


def test_an_instance_given_in_code_is_used_as_it_is(demo_db):
    admin = MovieAdmin()
    app = RumApp(demo_config(demo_db), resources={"Movie": admin})
    assert app.registry.get("films").admin is admin


@pytest.mark.parametrize("resources, extra, key, words", [
    ({"Film": MovieAdmin}, {}, "resources.Film", "no such model"),
    ({"Movie": NotAnAdmin}, {}, "resources.Movie", "subclass of rum.Admin"),
    ({"Movie": MovieAdmin()}, {"resources": {"Movie": {"options": MovieAdmin}}},
     "resources.Movie.options", "give it one way only"),
    ({"Movie": MovieAdmin}, {"resources": {"Movie": {"options": "tests.rum.test_admin:"
                                                                "MovieAdmin"}}},
     "resources.Movie.options", "both"),
    (None, {"resources": {"Movie": {"options": "model:Movie"}}}, "resources.Movie.options",
     "subclass of rum.Admin"),
    (None, {"resources": {"Movie": {"options": "no_such_module_here:MovieAdmin"}}},
     "resources.Movie.options", "cannot import"),
    (None, {"resources": {"Movie": {"options": "tests.rum.test_admin:Nope"}}},
     "resources.Movie.options", "no attribute"),
    (None, {"resources": {"Movie": {"options": "tests.rum.test_admin:MovieAdmin",
                                    "colour": "red"}}}, "resources.Movie", "colour"),
    (None, {"resources": {"Movie": "tests.rum.test_admin:MovieAdmin"}}, "resources.Movie",
     "dict of options"),
    (["Movie"], {}, "resources", "dict of model name"),
    ({"Movie": NeedsArguments}, {}, "resources.Movie", "without arguments"),
    ({"Movie": type("Bad", (Admin,), {"default_sort": "-rating"})}, {},
     "resources.Movie.default_sort", "'rating'"),
    ({"Movie": type("Bad", (Admin,), {"fieldsets": [("A", ["title"]), ("B", ["title"])]})},
     {}, "resources.Movie.fieldsets", "more than one place"),
    ({"Movie": type("Bad", (Admin,), {"formatters": {"year": 4}})}, {},
     "resources.Movie.formatters.year", "function"),
])
def test_resource_class_mistakes_name_the_key(demo_db, resources, extra, key, words):
    with pytest.raises(ConfigError) as info:
        RumApp(demo_config(demo_db, **extra), resources=resources)
    assert info.value.key == key
    assert words in str(info.value)


def test_ini_options_win_over_the_class_through_rumapp(demo_db):
    config = demo_config(demo_db, resources={"Movie": {"list_fields": ["year"],
                                                       "default_sort": "title"}})
    films = RumApp(config, resources={"Movie": MovieAdmin}).registry.get("films")
    assert [f.name for f in films.list_fields] == ["year"] and films.default_sort == "title"
    assert films.field("description").read_only  # what the INI does not say, the class does


def test_the_cfg_names_a_class_in_a_module_beside_it(tmp_path, demo_db):
    module = f"cfg_admin_{tmp_path.name.replace('-', '_')}"  # a fresh module each run
    (tmp_path / f"{module}.py").write_text(
        "from rum import Admin\n\n\n"
        "class FilmAdmin(Admin):\n"
        "    name = 'films'\n"
        "    list_fields = ['title', 'year', 'genre']\n"
        "    default_sort = 'title'\n"
        "    fieldsets = [('Main', ['title', 'year'])]\n")
    (tmp_path / "admin.cfg").write_text(
        "[rum.repositoryfactory]\n"
        "models = ['model:Genre', 'model:Person', 'model:Director', 'model:Actor', "
        "'model:Movie', 'model:Rental']\n"
        f"sqlalchemy.url = '{demo_db}'\n\n"
        "[resource:Movie]\n"
        f"options = '{module}:FilmAdmin'\n"
        "list_fields = ['title', 'year']\n"
        "read_only_fields = ['year']\n"
        "default_sort = '-year,title'\n")
    try:
        app = RumApp(str(tmp_path / "admin.cfg"))
        films = app.registry.get("films")
        assert type(films.admin).__name__ == "FilmAdmin"
        assert [f.name for f in films.list_fields] == ["title", "year"]  # the INI's
        assert films.default_sort == "-year,title" and films.field("year").read_only
        assert films.fieldsets == (("Main", ("title", "year")),)  # the class's
        page = wrap(app).get("/films.json?limit=500")
        expected = movie_order(app, model.Movie.year.desc(), model.Movie.title,
                               model.Movie.id)
        assert [item["_id"] for item in page.json["items"]] == expected
    finally:
        sys.modules.pop(module, None)


# -- the default sort through HTTP -------------------------------------------------------------
@pytest.fixture
def sorted_app(demo_db):
    return RumApp(demo_config(demo_db), resources={"Movie": MovieAdmin})


def test_the_default_sort_orders_lists_json_and_csv(sorted_app):
    client = wrap(sorted_app)
    newest = movie_order(sorted_app, model.Movie.year.desc(), model.Movie.id)
    assert newest != movie_order(sorted_app, model.Movie.id)
    items = client.get("/films.json?limit=500").json["items"]
    assert [i["_id"] for i in items] == newest
    assert [i["_id"] for i in client.get("/films.json").json["items"]] == newest[:20]
    rows = list(csv.reader(io.StringIO(client.get("/films.csv").text)))
    assert rows[0] == ["Title", "Year"]
    assert [(r[0], int(r[1])) for r in rows[1:]] == [(i["title"], i["year"]) for i in items]
    html = client.get("/films").text
    positions = [html.index(f'href="/films/{ident}"') for ident in newest[:20]]
    assert positions == sorted(positions)  # the page shows them in that order
    assert 'href="/films?sort=year"' in html  # the year header flips the default
    # page 2, beside the one shown, goes by its cursor under the same default sort
    assert 'class="desc"' in html and re.search(
        r'href="/films\?sort=-year&amp;after=[\w=-]+&amp;page=2"', html)
    # a sort the request asks for replaces the default
    by_title = movie_order(sorted_app, model.Movie.title, model.Movie.id)
    assert [i["_id"] for i in client.get("/films.json?sort=title&limit=500").json["items"]] \
        == by_title


LIMIT = 7


def walk(client, url: str, direction: str, pages: int) -> tuple[list[str], str]:
    """Ids along `direction` links ('next' or 'prev') from `url`, at most `pages` pages;
    (ids, the last page's url)."""
    seen = []
    for _ in range(pages):
        page = client.get(url).json
        ids = [i["_id"] for i in page["items"]]
        seen.extend(ids if direction == "next" else reversed(ids))
        if not page[direction]:
            return seen, url
        assert page[direction] != url, "the link must move"
        url = page[direction]
    pytest.fail(f"{pages} pages walked and still a {direction} one: the cursor does not move")


def test_keyset_pages_of_the_default_sort_give_each_row_once(any_db):
    app = RumApp(demo_config(any_db), resources={"Movie": MovieAdmin})
    try:
        client = wrap(app)
        expected = movie_order(app, model.Movie.year.desc(), model.Movie.id)
        pages = -(-len(expected) // LIMIT)
        forward, last = walk(client, f"/films.json?limit={LIMIT}", "next", pages + 2)
        assert forward == expected  # every row once, in the default order
        assert "sort=-year" in last and "after=" in last  # cursor links keep the sort
        backward, first = walk(client, last, "prev", pages + 2)
        assert backward == expected[::-1]
        assert "after=" not in first and "before=" not in first
    finally:
        app.repositories.engine.dispose()


# -- two apps, one model, two classes ------------------------------------------------------
class OldestFirst(Admin):
    list_fields = ["year", "title"]
    default_sort = "year"


def test_two_apps_with_different_classes_for_one_model(demo_db):
    newest, oldest = (RumApp(demo_config(demo_db), resources={"Movie": MovieAdmin}),
                      RumApp(demo_config(demo_db), resources={"Movie": OldestFirst}))
    again = RumApp(demo_config(demo_db), resources={"Movie": MovieAdmin})
    assert again.registry.get("films").admin is not newest.registry.get("films").admin
    assert [f.name for f in oldest.registry.get("movies").list_fields] == ["year", "title"]
    assert [f.name for f in newest.registry.get("films").list_fields] == ["title", "year"]
    assert not oldest.registry.get("movies").field("description").read_only
    a, b = wrap(newest), wrap(oldest)
    for _ in range(2):  # interleaved: neither app's requests change the other's answers
        assert [i["_id"] for i in a.get("/films.json?limit=500").json["items"]] == \
            movie_order(newest, model.Movie.year.desc(), model.Movie.id)
        assert [i["_id"] for i in b.get("/movies.json?limit=500").json["items"]] == \
            movie_order(oldest, model.Movie.year, model.Movie.id)
        a.get("/movies", status=404)
        b.get("/films", status=404)
    assert "description" not in a.get("/films/new").text.split("<form", 1)[1]
    assert 'name="description"' in b.get("/movies/new").text


def test_a_class_object_in_the_dict_config_works_like_a_path(demo_db):
    app = RumApp(demo_config(demo_db, resources={"Movie": {"options": MovieAdmin,
                                                           "label": "Picture"}}))
    films = app.registry.get("films")
    assert type(films.admin) is MovieAdmin and films.label == "Picture"


def test_the_public_names():
    import rum
    import rum.actions
    import rum.admin
    import rum.errors
    assert (rum.Admin, rum.action) == (rum.admin.Admin, rum.actions.action)
    assert {"Admin", "action", "RumApp"} <= set(rum.__all__)
    assert issubclass(rum.errors.Invalid, rum.errors.RumError)


# -- through the request pipeline ------------------------------------------------------------
class YearShown(Admin):
    read_only_fields = ["year"]
    form_fields = ["title", "year", "genre"]


def test_a_read_only_field_listed_in_the_form_is_never_written(demo_db):
    from tests.conftest import edit_version, post
    app = RumApp(demo_config(demo_db), resources={"Movie": YearShown})
    client = wrap(app)
    before = client.get("/movies/1.json").json
    post(client, "/movies/1", {"_method": "PUT", "title": "Renamed", "year": "1901",
                               "genre": before["genre"]["id"],
                               "_version": edit_version(client, "/movies/1")}, status=303)
    after = client.get("/movies/1.json").json
    assert after["title"] == "Renamed"
    assert after["year"] == before["year"]
