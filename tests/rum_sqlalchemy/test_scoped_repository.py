"""Repositories bound to an Access, on SQLite, PostgreSQL and MariaDB: every path scoped."""

import pytest
import sqlalchemy as sa

from rum import RumApp
from rum.access import Access
from rum.errors import BadRequest, Invalid, NotFound
from rum.policy import Identity, RulesPolicy
from rum.query import Filter, Query, Sort
from tests.conftest import wrap
from tests.fixtures import scope_model as sm
from tests.fixtures.scope_model import ALICE, ROOT_USER
from tests.rum_sqlalchemy.test_big_tables import StatementCounter


@pytest.fixture
def app(backend_url):
    sm.fill(backend_url)
    rum_app = RumApp(sm.config(backend_url))
    yield rum_app
    rum_app.repositories.engine.dispose()
    sm.drop(backend_url)


def as_(app, user, *roles):
    return Access(app.policy, Identity(user, frozenset(roles)))


def comments_only(app):
    """An identity that reads comments and nothing they point at."""
    policy = RulesPolicy({"default": "deny", "rules": [{"resources": ["comments"],
                                                        "allow": True}]},
                         resources=list(app.registry))
    return Access(policy, Identity("auditor"))


def fields(app, resource, *names):
    by_name = app.registry.get(resource).fields_by_name
    return tuple(by_name[n] for n in names)


def ids(refs):
    return [r.id for r in refs]


def test_own_row_filters_narrow_every_read(app):
    with app.repositories.unit_of_work({}, access=as_(app, "alice", "clerk")) as uow:
        repo = uow.repository("invoices")
        assert [repo.identify(r) for r in repo.select(Query()).rows] == ["1"]
        assert repo.select(Query()).count == 1
        with pytest.raises(NotFound):
            repo.get("2")
        with pytest.raises(NotFound):
            repo.get("2", scope=())  # the old keyword still works, and cannot widen
        assert [r.id for r in repo.stream(Query(), fields(app, "invoices", "name"))] == ["1"]
        assert repo.size(100) == (1, True)
        assert ids(repo.choices(100)) == ["1"]
        assert ids(repo.complete("", 10)) == ["1"] and repo.complete("2", 10) == []


def test_without_access_everything_is_reachable(app):
    with app.repositories.unit_of_work({}) as uow:
        repo = uow.repository("comments")
        record = repo.record(repo.get("1"), fields(app, "comments", "invoice"))
        assert record.values["invoice"].label == "INV-B1" and not record.values["invoice"].opaque
        assert ids(uow.repository("invoices").choices(10)) == ["1", "2"]


def test_related_rows_out_of_scope_are_opaque_or_left_out(app):
    with app.repositories.unit_of_work({}, access=as_(app, "alice", "clerk")) as uow:
        comments = uow.repository("comments")
        page = comments.select(Query(sort=(Sort("id"),)), fields(app, "comments", "invoice"))
        refs = [comments.record(r, fields(app, "comments", "invoice")).values["invoice"]
                for r in page.rows]
        assert [(r.id, r.label, r.opaque) for r in refs] == [("2", "#2", True),
                                                            ("1", "INV-A1", False)]
        tags = uow.repository("tags")
        tag = tags.get("1")
        assert ids(tags.record(tag, fields(app, "tags", "invoices")).values["invoices"]) == ["1"]
        assert tags.related_sizes(tag, fields(app, "tags", "invoices"), 100) == {
            "invoices": (1, True)}
        users = uow.repository("users")
        bob = users.record(users.get("2"), fields(app, "users", "api_tokens", "invoices"))
        assert bob.values == {"api_tokens": [], "invoices": []}  # unreadable; out of scope


def test_unreadable_targets_are_opaque_in_pages_and_exports(app):
    with app.repositories.unit_of_work({}, access=comments_only(app)) as uow:
        repo = uow.repository("comments")
        shown = fields(app, "comments", "invoice", "author")
        page = repo.select(Query(sort=(Sort("id"),)), shown)
        records = [repo.record(r, shown) for r in page.rows]
        exported = list(repo.stream(Query(sort=(Sort("id"),)), shown))
        for got in (records, exported):
            refs = [(r.values["invoice"].label, r.values["author"].label, r.values["author"].opaque)
                    for r in got]
            assert refs == [("#2", "#2", True), ("#1", "#1", True)]


@pytest.mark.parametrize("who, name, op, value, expected", [
    (("alice", "clerk"), "author.api_key", "startswith", "AK-B", BadRequest),
    (("alice", "clerk"), "invoice.notes", "contains", "secret", []),
    (("alice", "clerk"), "invoice.amount", "ge", "1", ["2"]),
    (("alice", "clerk"), "author.name", "eq", "bob", ["1"]),
    (("root", "admin"), "author.api_key", "startswith", "AK-B", ["1"]),
    (("root", "admin"), "invoice.notes", "contains", "secret", ["1"]),
])
def test_filters_across_relations_follow_the_target_policy(app, who, name, op, value, expected):
    query = Query(filters=(Filter(name, op, value),), sort=(Sort("id"),))
    with app.repositories.unit_of_work({}, access=as_(app, *who)) as uow:
        repo = uow.repository("comments")
        if expected is BadRequest:
            with pytest.raises(BadRequest):
                repo.select(query)
            return
        assert [repo.identify(r) for r in repo.select(query).rows] == expected


def test_rows_of_unreadable_resources_cannot_be_assigned(app):
    with app.repositories.unit_of_work({}, access=comments_only(app)) as uow:
        comments = uow.repository("comments")
        for values in ({"body": "x", "author": "1"}, {"body": "x", "author": "alice"},
                       {"body": "x", "invoice": "1"}):
            with pytest.raises(Invalid):
                comments.create(values)
        uow.doom()


def test_comments_only_identity_cannot_filter_through_relations(app):
    with app.repositories.unit_of_work({}, access=comments_only(app)) as uow, \
            pytest.raises(BadRequest):
        uow.repository("comments").select(Query(filters=(Filter("author.name", "eq", "bob"),)))


def test_hidden_columns_are_no_search_sort_or_filter(app):
    with app.repositories.unit_of_work({}, access=as_(app, "alice", "clerk")) as uow:
        users = uow.repository("users")
        assert users.select(Query(search="AK-B")).rows == []
        for query in (Query(sort=(Sort("api_key"),)),
                      Query(filters=(Filter("password_hash", "eq", "PH-bob"),))):
            with pytest.raises(BadRequest):
                users.select(query)


def test_writes_reach_rows_in_scope_only(app):
    with app.repositories.unit_of_work({}, access=as_(app, "alice", "clerk")) as uow:
        tags = uow.repository("tags")
        tags.update(tags.get("1"), {"invoices": []})
        with pytest.raises(NotFound):
            tags.link(tags.get("2"), "invoices", ["2"], add=False)
        with pytest.raises(NotFound):
            tags.link(tags.get("2"), "invoices", ["INV-B1"])
        tags.link(tags.get("2"), "invoices", ["INV-A1"])
        with pytest.raises(Invalid) as info:
            uow.repository("documents").create({"title": "x", "invoice": "2"})
        assert "invoice" in info.value.errors
        comments = uow.repository("comments")
        comments.update(comments.get("1"), {"body": "kept", "invoice": "2"})  # unchanged
    links = sa.select(sm.invoice_tag.c.tag_id, sm.invoice_tag.c.invoice_id).order_by(
        sm.invoice_tag.c.tag_id, sm.invoice_tag.c.invoice_id)
    with app.repositories.engine.connect() as conn:
        assert conn.execute(links).all() == [(1, 2), (2, 1), (2, 2)]
        assert conn.execute(sa.select(sm.Comment.invoice_id).where(
            sm.Comment.id == 1)).scalar() == 2


def test_scoped_list_page_adds_one_statement_per_scoped_relation(tmp_path):
    url = f"sqlite:///{tmp_path / 'scope.db'}"
    sm.fill(url)
    app = RumApp(sm.config(url))
    client = wrap(app)
    counts = {}
    for who, headers in (("root", ROOT_USER), ("alice", ALICE)):
        for page in ("/comments", "/comments.json", "/documents", "/comments.csv"):
            client.get(page, headers=headers)  # warm up
            with StatementCounter(app.repositories.engine) as counter:
                client.get(page, headers=headers)
            counts[who, page] = counter.count
    for page in ("/comments", "/comments.json", "/comments.csv"):
        # comments -> invoice is scoped for alice (one check per page), -> author is not
        assert counts["alice", page] <= counts["root", page] + 1, counts
    # documents are scoped themselves (in the row query) and point at scoped invoices
    assert counts["alice", "/documents"] <= counts["root", "/documents"] + 1, counts
