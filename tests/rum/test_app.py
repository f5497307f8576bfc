"""RumApp construction: dict, .cfg file and PasteDeploy; two apps in one process; mounting."""

import os
import shutil
import subprocess
import sys
import threading

import pytest
import sqlalchemy as sa
from paste.deploy import loadapp
from sqlalchemy.orm import Session

from rum import RumApp
from rum.errors import ConfigError
from tests.conftest import ROOT, demo_config, edit_version, post, wrap
from tests.fixtures import library_model

SEED_CFG = """[DEFAULT]
debug = True

[rum.repositoryfactory]
use = 'sqlalchemy'
# These will be imported. Notation is package.subpackage.module:class
models = ['model:Person', 'model:Genre', 'model:Actor', 'model:Director', 'model:Movie', 'model:Rental']
sqlalchemy.url = 'sqlite:///movie.db'
session.transactional = True

[rum.viewfactory]
use = 'toscawidgets'
"""


@pytest.fixture
def project_dir(tmp_path, demo_db):
    """A directory holding the seed's development.cfg verbatim beside movie.db."""
    shutil.copy(demo_db.replace("sqlite:///", ""), tmp_path / "movie.db") \
        if not (tmp_path / "movie.db").exists() else None
    (tmp_path / "development.cfg").write_text(SEED_CFG)
    shutil.copy(os.path.join(ROOT, "development.ini"), tmp_path / "development.ini")
    return tmp_path


def _home_resources(client):
    text = client.get("/").text
    return [name for name in ("persons", "genres", "actors", "directors", "movies", "rentals")
            if f'href="/{name}"' in text]


def test_dict_cfg_and_loadapp_serve_the_same_home(project_dir, demo_db):
    from_dict = wrap(RumApp(demo_config(demo_db)))
    from_cfg = wrap(RumApp(str(project_dir / "development.cfg")))
    from_ini = wrap(loadapp(f"config:{project_dir / 'development.ini'}"))
    homes = [_home_resources(c) for c in (from_dict, from_cfg, from_ini)]
    assert homes[0] == homes[1] == homes[2] == [
        "persons", "genres", "actors", "directors", "movies", "rentals"]
    titles = [c.get("/movies/1.json").json["title"] for c in (from_dict, from_cfg, from_ini)]
    assert titles[0] == titles[1] == titles[2]


def test_paste_options_arrive_as_strings(project_dir):
    app = loadapp(f"config:{project_dir / 'development.ini'}")
    assert app.full_stack is True
    assert app.debug is True


def test_relative_sqlite_path_is_beside_the_config(project_dir, monkeypatch):
    monkeypatch.chdir("/")
    client = wrap(RumApp(str(project_dir / "development.cfg")))
    assert client.get("/movies.json").json["items"]


def _library_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'library.db'}"
    engine = sa.create_engine(url)
    library_model.Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(library_model.Book(title="Only in the library", author=library_model.Author(
            name="Lib Author")))
        s.commit()
    engine.dispose()
    return RumApp({"rum.repositoryfactory": {
        "models": ["tests.fixtures.library_model:Author", "tests.fixtures.library_model:Book"],
        "sqlalchemy.url": url}, "rum": {"title": "Library"}})


def test_two_apps_in_one_process(tmp_path, demo_db):
    movies = wrap(RumApp(demo_config(demo_db)))
    library = wrap(_library_app(tmp_path))
    errors = []

    def hammer(client, own, foreign, rounds=15):
        try:
            for _ in range(rounds):
                home = client.get("/").text
                assert f'href="/{own}"' in home and f'href="/{foreign}"' not in home
                client.get(f"/{foreign}", status=404)
                form = client.get(f"/{own}/new")
                assert "<form" in form.text
                css = client.get("/_static/rum/rum.css")
                assert css.content_type == "text/css" and b"--accent" in css.body
        except Exception as exc:  # collected: a thread's assertion must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(movies, "movies", "books")),
               threading.Thread(target=hammer, args=(library, "books", "movies"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert "Only in the library" in library.get("/books").text
    assert "Library" in library.get("/").text


def test_mount_point_is_in_every_link(client):
    page = client.get("/movies", extra_environ={"SCRIPT_NAME": "/admin"})
    assert 'href="/admin/_static/rum/rum.css"' in page.text
    assert 'href="/admin/movies/new"' in page.text
    assert 'href="/admin/movies/1"' in page.text
    assert 'href="/movies' not in page.text
    form = client.get("/movies/1/edit", extra_environ={"SCRIPT_NAME": "/admin"})
    assert 'action="/admin/movies/1"' in form.text
    saved = post(client, "/movies/1", {"_method": "PUT", "title": "Mounted", "year": "2001",
                                       "_version": edit_version(client, "/movies/1"),
                                      "genre": "1"}, extra_environ={"SCRIPT_NAME": "/admin"})
    assert saved.location.endswith("/admin/movies/1")
    assert "Path=/admin" in saved.headers["Set-Cookie"]


@pytest.mark.parametrize("path, back, label", [
    ("/movies/99999", "/admin/movies", "Back to Movies"),
    ("/movies/99999/edit", "/admin/movies", "Back to Movies"),
    ("/movies/99999/confirm_delete", "/admin/movies", "Back to Movies"),
    ("/rentals/99999/nosuch/deeper", "/admin/rentals", "Back to Rentals"),
    ("/nosuch/1", "/admin/", "Back to the start page"),
    ("/nosuch", "/admin/", "Back to the start page"),
])
def test_the_404_page_links_back_to_the_list_the_path_names(client, path, back, label):
    page = client.get(path, status=404, extra_environ={"SCRIPT_NAME": "/admin"})
    links = {a.text: a["href"] for a in page.html.select("main a")}
    assert links.get(label) == back
    assert ("Back to the start page" in links) == (back == "/admin/")


@pytest.mark.parametrize("config, key", [
    ({"rum.repositoryfactory": {"use": "nosuch", "models": ["model:Movie"]}},
     "rum.repositoryfactory.use"),
    ({"rum.repositoryfactory": {"models": ["model:NoSuchModel"], "sqlalchemy.url": "sqlite://"}},
     "rum.repositoryfactory.models[0]"),
    ({"rum.repositoryfactory": {"models": ["no_such_module:Movie"], "sqlalchemy.url": "sqlite://"}},
     "rum.repositoryfactory.models[0]"),
    ({"rum.repositoryfactory": {"models": ["model:Movie"], "sqlalchemy.url": "nonsense"}},
     "rum.repositoryfactory.sqlalchemy.url"),
    ({"rum.repositoryfactory": {"models": ["model:Movie"], "sqlalchemy.url": "nodb://x/y"}},
     "rum.repositoryfactory.sqlalchemy.url"),
    ({"rum.repositoryfactory": {"models": ["model:Movie"], "sqlalchemy.url": "sqlite://"},
      "rum.viewfactory": {"use": "nosuch"}}, "rum.viewfactory.use"),
    ({"rum.repositoryfactory": {"models": ["model:Movie"], "sqlalchemy.url": "sqlite://",
                                "colour": "blue"}}, "rum.repositoryfactory.colour"),
    ({"rum.repositoryfactory": {"models": ["model:Movie"], "sqlalchemy.url": "sqlite://"},
      "rum": {"page_size": 0}}, "rum.page_size"),
    ({"rum.repositoryfactory": {"models": [], "sqlalchemy.url": "sqlite://"}},
     "rum.repositoryfactory.models"),
    ({"colour": "blue"}, "colour"),
])
def test_config_mistakes_name_the_key(config, key):
    config = {"here": ROOT, **config}
    with pytest.raises(ConfigError) as info:
        RumApp(config)
    assert info.value.key == key
    assert repr(key) in str(info.value)


def test_model_module_beside_the_config_file(tmp_path):
    (tmp_path / "crate_models.py").write_text(
        "from sqlalchemy import Column, Integer, String\n"
        "from sqlalchemy.orm import DeclarativeBase\n"
        "class Base(DeclarativeBase):\n    pass\n"
        "class Crate(Base):\n    __tablename__ = 'crate'\n"
        "    id = Column(Integer, primary_key=True)\n    label = Column(String(20))\n")
    (tmp_path / "crates.cfg").write_text(
        "[rum.repositoryfactory]\nmodels = ['crate_models:Crate']\n"
        "sqlalchemy.url = 'sqlite:///crates.db'\nsqlite.create = True\n")
    app = RumApp(str(tmp_path / "crates.cfg"))
    import crate_models
    crate_models.Base.metadata.create_all(app.repositories.engine)
    assert "Crates" in wrap(app).get("/").text


# -- login_required and resource listings ---------------------------------------------------

LOCKED_ROUTES = ["/", "/index.json", "/index.html", "/_meta", "/_meta.json", "/openapi.json",
                 "/movies", "/movies.json", "/movies.csv", "/movies/1", "/movies/1.json",
                 "/movies/new", "/movies/1/edit", "/movies/1/confirm_delete",
                 "/movies/1/actors", "/movies/1/actors.json", "/movies/complete?field=genre",
                 "/no_such_things", "/no_such_things.json", "/movies/1/no_such_relation"]


@pytest.fixture(scope="module")
def login_app(tmp_path_factory):
    """One app for the module: these tests only read."""
    import demo_data
    path = tmp_path_factory.mktemp("login") / "movie.db"
    demo_data.create(str(path))
    return RumApp(demo_config(f"sqlite:///{path}", **{"rum.policy": {
        "login_required": True, "default": "deny",
        "identity": "tests.fixtures.auth:from_header", "rules": [
            {"users": ["ann"], "resources": ["genres"], "permissions": ["read"], "allow": True},
            {"roles": ["admin"], "allow": True}]}}))


@pytest.mark.parametrize("url", LOCKED_ROUTES)
def test_login_required_closes_every_route_to_anonymous(login_app, url):
    client = wrap(login_app)
    response = client.get(url, status=401)
    text = response.text
    assert not any(f'/{r.name}"' in text for r in login_app.registry)  # no names leak
    admin = {"X-Test-User": "root", "X-Test-Roles": "admin"}
    if "no_such" not in url:
        assert client.get(url, headers=admin).status_int == 200


def test_login_required_leaves_static_files_open(login_app):
    assert wrap(login_app).get("/_static/rum/rum.css").status_int == 200


def listed(app, url: str, headers: dict) -> set[str]:
    """The resource names a listing page shows, whatever its format."""
    response = wrap(app).get(url, headers=headers)
    if url == "/openapi.json":
        return {path.split("/")[1].split(".")[0] for path in response.json["paths"]}
    if url.endswith(".json"):
        return {r["name"] for r in response.json["resources"]}
    names = {r.name for r in app.registry}  # every name that could show up
    return {n for n in names if f'href="/{n}"' in response.text}


@pytest.mark.parametrize("url", ["/", "/index.json", "/index.html", "/_meta", "/_meta.json",
                                 "/openapi.json"])
@pytest.mark.parametrize(("user", "roles", "expected"), [
    ("ann", "", {"genres"}),
    ("nobody", "", set()),
    ("root", "admin", {"persons", "genres", "actors", "directors", "movies", "rentals"}),
])
def test_listings_show_only_what_the_identity_may_read(login_app, url, user, roles, expected):
    assert listed(login_app, url, {"X-Test-User": user, "X-Test-Roles": roles}) == expected


@pytest.mark.parametrize("use", ["sqlalchemy", "memory"])
def test_default_list_columns_of_a_wide_model_on_both_backends(tmp_path, use):
    """Both factories name the label field: a wide book lists its title and writer first."""
    if use == "sqlalchemy":
        factory = {"use": "sqlalchemy", "sqlalchemy.url": f"sqlite:///{tmp_path / 'w.db'}",
                   "sqlite.create": True,
                   "models": ["tests.fixtures.wide_model:Writer", "tests.fixtures.wide_model:Book"]}
    else:
        factory = {"use": "memory", "models": ["tests.fixtures.wide_model:MEMORY_MODELS"]}
    app = RumApp({"here": ROOT, "rum.repositoryfactory": factory,
                  "rum.viewfactory": {"use": "toscawidgets"}})
    books = app.registry.get("books")
    assert [f.name for f in books.list_fields] == [
        "id", "title", "writer", "isbn", "price", "format", "pages", "publisher"]


FRESH_PROCESS = """
import sys
import webtest
from rum import RumApp
app = webtest.TestApp(RumApp("development.cfg"))
for path in ("/movies", "/movies/1", "/movies/1/edit", "/movies.csv", "/movies.json",
             "/movies/new", "/genres"):
    print(path, app.get(path).status_int)
print("dialects", sorted(m for m in sys.modules
                         if m in ("sqlalchemy.dialects.postgresql", "sqlalchemy.dialects.mysql")))
"""


def test_a_fresh_sqlite_app_serves_each_page_without_other_dialects(project_dir):
    """What start-up leaves for later is loaded by the first request that needs it; a
    SQLite app never imports PostgreSQL's or MariaDB's dialect."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, "-c", FRESH_PROCESS], cwd=project_dir, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:-1] == [f"{path} 200" for path in (
        "/movies", "/movies/1", "/movies/1/edit", "/movies.csv", "/movies.json", "/movies/new",
        "/genres")]
    assert lines[-1] == "dialects []"
