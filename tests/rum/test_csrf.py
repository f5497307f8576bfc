"""CSRF: every unsafe route of every demo resource refuses a request without the right token."""

import hashlib

import pytest
import sqlalchemy as sa
import webob

from model import Base
from rum.csrf import COOKIE, NEW_NONCE, Csrf
from rum.errors import Forbidden
from rum.policy import Identity
from tests.conftest import csrf_headers

RESOURCES = ("persons", "genres", "actors", "directors", "movies", "rentals")


def fingerprint(app) -> str:
    """Every row of every table, hashed: any write shows."""
    digest = hashlib.sha256()
    with app.repositories.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def unsafe_routes(client, resource):
    ident = client.get(f"/{resource}.json").json["items"][0]["_id"]
    return [
        ("POST", f"/{resource}", {"name": "x", "title": "x", "year": "1", "customer": "x"}),
        ("POST", f"/{resource}/{ident}", {"_method": "PUT", "name": "changed"}),
        ("PUT", f"/{resource}/{ident}", {"name": "changed"}),
        ("POST", f"/{resource}/{ident}", {"_method": "DELETE"}),
        ("DELETE", f"/{resource}/{ident}", None),
        ("POST", f"/{resource}/delete_many", {"ids": ident}),
        ("POST", f"/{resource}.json", {"name": "x"}),
        ("PUT", f"/{resource}/{ident}.json", {"name": "changed"}),
        ("DELETE", f"/{resource}/{ident}.json", None),
    ]


@pytest.mark.parametrize("resource", RESOURCES)
def test_no_or_wrong_token_is_403_and_nothing_changes(client, rum_app, resource):
    before = fingerprint(rum_app)
    client.get("/")  # the browser has its cookie: only the token is missing or wrong
    for method, url, data in unsafe_routes(client, resource):
        for extra in ({}, {"_csrf": "0" * 40}):
            body = None if data is None and not extra else {**(data or {}), **extra}
            response = getattr(client, method.lower())(url, body or "", expect_errors=True)
            assert response.status_int == 403, (method, url, extra, response.status)
            assert "security token" in response.text
    assert fingerprint(rum_app) == before


def test_token_from_another_browser_is_refused(client, rum_app, demo_db):
    from rum import RumApp
    from tests.conftest import demo_config, wrap
    other = wrap(RumApp(demo_config(demo_db, rum={"secret": "shared"})))
    mine = wrap(RumApp(demo_config(demo_db, rum={"secret": "shared"})))
    stolen = other.get("/").headers["X-CSRF-Token"]  # the attacker's own valid token
    mine.get("/")
    before = fingerprint(rum_app)
    mine.post("/genres", {"name": "Forged", "_csrf": stolen}, status=403)
    assert fingerprint(rum_app) == before
    good = mine.get("/").headers["X-CSRF-Token"]
    assert mine.post("/genres", {"name": "Real", "_csrf": good}).status_int == 303


def test_json_clients_send_the_header(client):
    created = client.post_json("/genres.json", {"name": "Via JSON"},
                               headers=csrf_headers(client))
    assert created.status_int == 201
    client.post_json("/genres.json", {"name": "No header"}, status=403)


def test_same_secret_serves_several_processes(demo_db):
    from rum import RumApp
    from tests.conftest import demo_config, wrap
    one = wrap(RumApp(demo_config(demo_db, rum={"secret": "s3cret"})))
    two = RumApp(demo_config(demo_db, rum={"secret": "s3cret"}))
    token = one.get("/").headers["X-CSRF-Token"]
    cookie = one.cookies[COOKIE]
    response = wrap(two).post("/genres", {"name": "Across", "_csrf": token},
                              headers={"Cookie": f"{COOKIE}={cookie}"})
    assert response.status_int == 303


def test_csrf_unit():
    csrf = Csrf(b"k")
    request = webob.Request.blank("/", method="POST")
    with pytest.raises(Forbidden):
        csrf.check(request, None)
    get = webob.Request.blank("/")
    token = csrf.token(get)
    response = webob.Response()
    csrf.set_cookie(get, response)
    nonce = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    ok = webob.Request.blank("/", method="POST", headers={"Cookie": f"{COOKIE}={nonce}"})
    csrf.check(ok, token)
    with pytest.raises(Forbidden):
        csrf.check(ok, token[:-1] + ("0" if token[-1] != "0" else "1"))
    with pytest.raises(Forbidden):
        Csrf(b"other").check(ok, token)
    Csrf(b"k", enabled=False).check(request, None)  # switched off: no check


USERS = {"anonymous": None, "alice": Identity("alice"), "bob": Identity("bob"),
         "bob-admin": Identity("bob", frozenset({"admin"}))}


@pytest.mark.parametrize(("minted_for", "used_by", "accepted"), [
    ("anonymous", "bob", False), ("alice", "bob", False), ("bob", "alice", False),
    ("bob", "anonymous", False), ("alice", "anonymous", False),
    ("bob", "bob", True), ("anonymous", "anonymous", True),
    ("bob", "bob-admin", True),  # bound to the user, not to the roles of the moment
])
def test_token_is_bound_to_the_identity(minted_for, used_by, accepted):
    csrf = Csrf(b"k")
    get = webob.Request.blank("/")
    token = csrf.token(get, USERS[minted_for])
    nonce = get.environ[NEW_NONCE]
    post = webob.Request.blank("/", method="POST", headers={"Cookie": f"{COOKIE}={nonce}"})
    if accepted:
        csrf.check(post, token, USERS[used_by])
    else:
        with pytest.raises(Forbidden):
            csrf.check(post, token, USERS[used_by])


def test_a_token_with_other_characters_is_refused_not_an_error():
    csrf = Csrf(b"k")
    post = webob.Request.blank("/", method="POST", headers={"Cookie": f"{COOKIE}={'n' * 32}"})
    with pytest.raises(Forbidden):
        csrf.check(post, "é" * 40)


@pytest.mark.parametrize("minted_for", ["", "alice"])
def test_a_pair_minted_for_someone_else_is_403_over_http(demo_db, minted_for):
    """The attacker plants a cookie and token of their own (anonymous, or as alice) in bob's
    browser: bob's identity does not match, so the forged request changes nothing."""
    from rum import RumApp
    from tests.conftest import demo_config, wrap
    app = RumApp(demo_config(demo_db, **{"rum.policy": {
        "identity": "tests.fixtures.auth:from_header"}}))
    client = wrap(app)
    as_minter = {"X-Test-User": minted_for} if minted_for else {}
    planted = client.get("/", headers=as_minter).headers["X-CSRF-Token"]
    before = fingerprint(app)
    client.post("/genres", {"name": "Forged", "_csrf": planted},
                headers={"X-Test-User": "bob"}, status=403)
    client.post_json("/genres.json", {"name": "Forged"}, status=403,
                     headers={"X-Test-User": "bob", "X-CSRF-Token": planted})
    assert fingerprint(app) == before
    mine = client.get("/", headers={"X-Test-User": "bob"}).headers["X-CSRF-Token"]
    ok = client.post("/genres", {"name": "Bob's", "_csrf": mine}, headers={"X-Test-User": "bob"})
    assert ok.status_int == 303
    # the page's forms carry the token of the identity that sees them
    form = client.get("/genres/new", headers={"X-Test-User": "bob"}).forms[0]
    assert form["_csrf"].value == mine
