"""Shared fixtures: a fresh demo database and app per test, real databases when they answer."""

import os
import shutil
import socket
import sys
from urllib.parse import urlparse
from wsgiref.validate import validator

import pytest
import webtest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import demo_data  # noqa: E402
from rum import RumApp  # noqa: E402

DEMO_MODELS = ["model:Person", "model:Genre", "model:Actor", "model:Director", "model:Movie",
               "model:Rental"]
# Set by tests/run.sh when the servers answer; a test needing one skips, naming the variable.
SERVER_URLS = {
    "postgresql": ("RUM_TEST_POSTGRESQL_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"),
    "mariadb": ("RUM_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


def demo_config(url: str, **extra) -> dict:
    config = {
        "here": ROOT,
        "rum.repositoryfactory": {"use": "sqlalchemy", "models": list(DEMO_MODELS),
                                  "sqlalchemy.url": url},
        "rum.viewfactory": {"use": "toscawidgets"},
    }
    config.update(extra)
    return config


def wrap(app) -> webtest.TestApp:
    """Every in-process test app runs under wsgiref's PEP 3333 validator."""
    return webtest.TestApp(validator(app))


def csrf_headers(client, path: str = "/") -> dict:
    """The header a JSON client sends back: the token from any GET (which also sets the cookie)."""
    return {"X-CSRF-Token": client.get(path).headers["X-CSRF-Token"]}


def post(client, url: str, data: dict, **kwargs):
    """A form POST as a browser sends it: with the page's CSRF token."""
    token = client.get("/").headers["X-CSRF-Token"]
    return client.post(url, {**data, "_csrf": token}, **kwargs)


def edit_version(client, path: str) -> str:
    """The `_version` an edit form of `path` carries."""
    return client.get(f"{path}/edit").forms[0]["_version"].value


@pytest.fixture
def demo_db(tmp_path) -> str:
    path = tmp_path / "movie.db"
    demo_data.create(str(path))
    return f"sqlite:///{path}"


@pytest.fixture
def rum_app(demo_db) -> RumApp:
    return RumApp(demo_config(demo_db))


@pytest.fixture
def client(rum_app) -> webtest.TestApp:
    return wrap(rum_app)


def _answers(url: str) -> bool:
    parsed = urlparse(url.replace("+psycopg2", "").replace("+pymysql", ""))
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=1):
            return True
    except OSError:
        return False


def server_url(kind: str) -> str:
    """The URL of a real database server for `kind`, or a visible skip saying why not."""
    var, default = SERVER_URLS[kind]
    url = os.environ.get(var)
    if not url:
        if os.environ.get("CI") or os.environ.get("RUM_REQUIRE_SERVERS"):
            url = default
        else:
            pytest.skip(f"{kind}: set {var} (tests/run.sh does when the server answers)")
    if not _answers(url):
        pytest.skip(f"{kind}: no server answers at {url} ({var})")
    return url


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def backend_url(request, tmp_path) -> str:
    """An empty database on each backend: a new SQLite file, or the test server's URL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shapes.db'}"
    return server_url(request.param)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def any_db(request, tmp_path):
    """A fresh, filled demo database on each backend: SQLite file, PostgreSQL, MariaDB."""
    from model import Base

    if request.param == "sqlite":
        path = tmp_path / "movie.db"
        demo_data.create(str(path))
        yield f"sqlite:///{path}"
        return
    url = server_url(request.param)
    engine = fresh_demo_schema(url)
    try:
        yield url
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()


def fresh_demo_schema(url: str):
    """The demo's tables, dropped and made anew with the sample rows; returns the engine."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from model import Base

    engine = sa.create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        demo_data.populate(session)
        session.commit()
    return engine


def copy_demo(target) -> str:
    """A copy of the demo project files (model, configs) in `target`, for real-server tests."""
    for name in ("model.py", "demo_data.py", "development.cfg", "development.ini"):
        shutil.copy(os.path.join(ROOT, name), target)
    demo_data.create(os.path.join(target, "movie.db"))
    return str(target)


@pytest.fixture(autouse=True, scope="session")
def pages_written_as_genshi_renders_them():
    """Every page and widget template `PageWriter` writes in any test is also rendered
    through Genshi's own pipeline, and the two must be the same bytes (rum/page_writer.py)."""
    from rum.rendering import Renderer
    from rum_toscawidgets import templated

    written, fragment = Renderer.written, templated.write_fragment

    def checked(self, template, data, translations):
        text = written(self, template, data, translations)
        assert text == self.generated(template, data, translations), template.filepath
        return text

    def checked_fragment(template, data, stream=None):
        text = fragment(template, data, stream)
        assert text == templated.rendered(template, data), template.filepath
        return text

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Renderer, "written", checked)
        patch.setattr(templated, "write_fragment", checked_fragment)
        yield
