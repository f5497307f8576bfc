"""The policy through HTTP: resources, permissions, identities, hidden fields, row filters."""

import pytest
import sqlalchemy as sa

from model import Person, Rental
from rum import RumApp
from rum.errors import ConfigError
from rum.policy import Identity, RulesPolicy, identity_from_environ
from tests.conftest import demo_config, post, wrap


def app_with(demo_db, **policy):
    return RumApp(demo_config(demo_db, **{"rum.policy": policy}))


def as_user(user, roles=()):
    return {"REMOTE_USER": user, "rum.roles": frozenset(roles)}


def count(app, model, *where):
    with app.repositories.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_read_only_admin(demo_db):
    app = app_with(demo_db, read_only=True)
    client = wrap(app)
    page = client.get("/movies")
    assert "New movie" not in page.text and ">Edit<" not in page.text
    assert "Delete selected" not in page.text and 'name="ids"' not in page.text
    assert ">Edit<" not in client.get("/movies/1").text
    client.get("/movies/new", status=403)
    client.get("/movies/1/edit", status=403)
    client.get("/movies/1/confirm_delete", status=403)
    before = count(app, Rental)
    post(client, "/rentals", {"movie": "1", "customer": "x", "rented_at": "2024-01-01T10:00"},
         status=403)
    post(client, "/rentals/1", {"_method": "DELETE"}, status=403)
    assert count(app, Rental) == before


def test_deny_by_default_with_rules(demo_db):
    app = app_with(demo_db, default="deny", rules=[
        {"roles": ["editor"], "resources": ["movies"], "permissions": ["read", "update"],
         "allow": True},
        {"users": ["ann"], "resources": "*", "permissions": ["read"], "allow": True},
    ])
    client = wrap(app)
    client.get("/movies", status=403)  # nobody
    editor = as_user("ed", ["editor"])
    assert client.get("/movies", extra_environ=editor).status_int == 200
    client.get("/genres", extra_environ=editor, status=403)
    assert client.get("/movies/1/edit", extra_environ=editor).status_int == 200
    client.get("/movies/1/confirm_delete", extra_environ=editor, status=403)
    home = client.get("/", extra_environ=editor).text
    assert 'href="/movies"' in home and 'href="/genres"' not in home
    ann = as_user("ann")
    assert client.get("/genres", extra_environ=ann).status_int == 200
    client.get("/genres/new", extra_environ=ann, status=403)


def test_login_required_is_401_without_identity(demo_db):
    client = wrap(app_with(demo_db, login_required=True))
    client.get("/movies", status=401)
    assert client.get("/movies", extra_environ=as_user("someone")).status_int == 200


def test_identity_from_repoze_who_and_from_a_callable(demo_db):
    who = {"repoze.who.identity": {"repoze.who.userid": "tg-user", "groups": ["editor"]}}
    assert identity_from_environ(who) == Identity("tg-user", frozenset({"editor"}))
    app = app_with(demo_db, default="deny", identity="tests.fixtures.auth:from_header",
                   rules=[{"roles": ["staff"], "allow": True}])
    client = wrap(app)
    client.get("/movies", headers={"X-Test-User": "bob"}, status=403)
    ok = client.get("/movies", headers={"X-Test-User": "bob", "X-Test-Roles": "staff"})
    assert ok.status_int == 200


def test_hidden_field_is_gone_from_every_format(demo_db):
    app = app_with(demo_db, hidden_fields={"persons": ["birth_date"]}, see_hidden=["admin"])
    client = wrap(app)
    with sa.orm.Session(app.repositories.engine) as s:
        person = s.scalars(sa.select(Person).where(Person.birth_date.is_not(None))).first()
        born = person.birth_date.isoformat()
        shown = app.catalogs["en"].formats.date(person.birth_date)  # as pages show it
        pid = person.id
    assert "Birth date" not in client.get("/persons").text
    assert shown not in client.get(f"/persons/{pid}").text
    assert 'name="birth_date"' not in client.get(f"/persons/{pid}/edit").text
    assert all("birth_date" not in item for item in client.get("/persons.json").json["items"])
    assert "birth_date" not in client.get(f"/persons/{pid}.json").json
    exported = client.get("/persons.csv").text
    assert "Birth date" not in exported.splitlines()[0] and born not in exported
    client.get("/persons?sort=birth_date", status=400)
    client.get("/persons?f.birth_date.eq=2000-01-01", status=400)
    form = client.get(f"/persons/{pid}/edit").forms[0]
    fields = dict(form.submit_fields())
    fields["birth_date"] = "1900-01-01"  # smuggled in: ignored
    client.post(f"/persons/{pid}", fields)
    with sa.orm.Session(app.repositories.engine) as s:
        assert s.get(Person, pid).birth_date.isoformat() == born
    admin = as_user("root", ["admin"])
    assert shown in client.get(f"/persons/{pid}", extra_environ=admin).text
    assert "birth_date" in client.get(f"/persons/{pid}.json", extra_environ=admin).json


def test_row_filter_scopes_lists_and_rows(demo_db):
    app = app_with(demo_db, row_filters={"rentals": "tests.fixtures.auth:own_rentals"})
    client = wrap(app)
    with sa.orm.Session(app.repositories.engine) as s:
        mine = s.scalars(sa.select(Rental)).first()
        customer = mine.customer
        other = s.scalars(sa.select(Rental).where(Rental.customer != customer)).first()
        mine_n = count(app, Rental, Rental.customer == customer)
    me = as_user(customer)
    listing = client.get("/rentals.json?limit=500", extra_environ=me).json
    assert listing["count"] == mine_n == len(listing["items"])
    assert all(i["customer"] == customer for i in listing["items"])
    assert client.get(f"/rentals/{mine.id}", extra_environ=me).status_int == 200
    client.get(f"/rentals/{other.id}", extra_environ=me, status=404)
    client.get(f"/rentals/{other.id}/edit", extra_environ=me, status=404)
    before = count(app, Rental)
    token = client.get("/", extra_environ=me).headers["X-CSRF-Token"]
    client.post("/rentals", {"movie": "1", "customer": "someone else", "_csrf": token,
                             "rented_at": "2024-01-01T10:00"}, extra_environ=me, status=403)
    assert count(app, Rental) == before
    client.post(f"/rentals/{other.id}", {"_method": "DELETE", "_csrf": token},
                extra_environ=me, status=404)
    assert count(app, Rental) == before
    admin = as_user("boss", ["admin"])
    assert client.get("/rentals.json", extra_environ=admin).json["count"] == before


@pytest.mark.parametrize("options, key", [
    ({"default": "maybe"}, "rum.policy.default"),
    ({"rules": [{"allow": True, "colour": "red"}]}, "rum.policy.rules[0]"),
    ({"rules": [{"allow": True, "permissions": ["fly"]}]}, "rum.policy.rules[0].permissions"),
    ({"hidden_fields": {"nosuch": ["x"]}}, "rum.policy.hidden_fields.nosuch"),
    ({"hidden_fields": {"persons": ["nosuch"]}}, "rum.policy.hidden_fields.persons"),
    ({"identity": "tests.fixtures.auth:nosuch"}, "rum.policy.identity"),
    ({"colour": "red"}, "rum.policy.colour"),
    ({"use": "nosuch"}, "rum.policy.use"),
])
def test_policy_config_mistakes_name_the_key(demo_db, options, key):
    with pytest.raises(ConfigError) as info:
        app_with(demo_db, **options)
    assert info.value.key == key


def test_rules_in_order():
    policy = RulesPolicy({"rules": [{"users": ["x"], "allow": False}, {"allow": True}],
                          "default": "deny"})
    assert not policy.permits(Identity("x"), "read", "movies")
    assert policy.permits(Identity("y"), "read", "movies")
    assert policy.permits(None, "read", "movies")
