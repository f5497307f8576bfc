"""Stored payloads come back inert: escaped in every page, safely encoded in JSON."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from rum import RumApp
from tests.conftest import ROOT, wrap
from tests.fixtures import markup_model as mm
from tests.fixtures import shapes_model as sm

PAYLOAD = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;"


def shapes_client(tmp_path):
    url = f"sqlite:///{tmp_path / 'xss.db'}"
    engine = sa.create_engine(url)
    sm.Base.metadata.create_all(engine)
    with Session(engine) as s:
        owner = sm.Owner(name=PAYLOAD)
        s.add_all([
            sm.Everything(name=PAYLOAD[:40], body=PAYLOAD, doc={"k": PAYLOAD}, size="S"),
            owner, sm.Dog(name=PAYLOAD, owner=owner), sm.Tag(label=PAYLOAD[:20]),
            sm.Line(order_no="<b>1</b>", line_no=1)])
        s.commit()
    engine.dispose()
    return wrap(RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": list(sm.MODELS), "sqlalchemy.url": url}}))


def assert_inert(html: str, where: str):
    assert "<script>alert" not in html, where
    assert "<img src=x" not in html, where
    assert "<b>1</b>" not in html, where


def test_payloads_are_escaped_in_every_page(tmp_path):
    client = shapes_client(tmp_path)
    for resource in ("everythings", "owners", "dogs", "tags", "lines"):
        listing = client.get(f"/{resource}")
        assert_inert(listing.text, f"{resource} list")
        first = client.get(f"/{resource}.json").json["items"][0]
        for suffix in ("", "/edit", "/confirm_delete"):
            page = client.get(first["_url"] + suffix)
            assert_inert(page.text, f"{resource}{suffix}")
        data = client.get(first["_url"] + ".json")
        assert "<" not in data.text and ">" not in data.text  # \u003c, \u003e in JSON
        assert data.content_type == "application/json"
    exported = client.get("/dogs.csv").text
    assert "'" + "=" not in exported  # nothing to defuse here, and nothing defused wrongly
    assert PAYLOAD.replace('"', '""') in exported  # CSV carries the text as it is, quoted
    formula = client.get("/owners.csv")
    assert formula.content_type == "text/csv"
    dog = client.get("/dogs.json").json["items"][0]
    assert "&lt;script&gt;alert" in client.get(dog["_url"]).text  # shown, as text
    assert client.get(dog["_url"] + ".json").json["name"] == PAYLOAD  # and intact


def test_search_and_filter_echo_is_escaped(tmp_path):
    client = shapes_client(tmp_path)
    page = client.get("/dogs", params={"q": PAYLOAD})
    assert_inert(page.text, "search echo")
    page = client.get("/dogs", params={"f.name.contains": PAYLOAD})
    assert_inert(page.text, "filter echo")
    missing = client.get("/" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E", status=404)
    assert_inert(missing.text, "404 page")


# -- every field kind that can carry text, on every page that shows it -----------------------

SHOWS_EVERY_KIND = frozenset(mm.KINDS)
PAGES_SHOWING = {  # page -> the kinds whose stored value (or choice label) it must show
    "list": SHOWS_EVERY_KIND, "show": SHOWS_EVERY_KIND, "edit": SHOWS_EVERY_KIND,
    "conflict": SHOWS_EVERY_KIND, "new": frozenset({"enum", "to_one", "to_many"}),
    "confirm_delete": frozenset({"string"}),  # the row's label
}


@pytest.fixture(scope="module")
def markup_pages(tmp_path_factory) -> dict[str, str]:
    """Each page of a row whose every text-carrying field holds markup, rendered once."""
    url = f"sqlite:///{tmp_path_factory.mktemp('markup') / 'markup.db'}"
    engine = sa.create_engine(url)
    mm.Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all(mm.rows())
        s.commit()
    engine.dispose()
    client = wrap(RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": mm.MODELS, "sqlalchemy.url": url},
        "resources": {"Cell": {"list_fields": ["id", *mm.FIELD_OF.values()]}}}))
    pages = {name: client.get(path).text for name, path in (
        ("list", "/cells"), ("show", "/cells/1"), ("edit", "/cells/1/edit"),
        ("new", "/cells/new"), ("confirm_delete", "/cells/1/confirm_delete"))}
    fields = dict(client.get("/cells/1/edit").forms[0].submit_fields())
    fields.update(_version="stale", _csrf=client.get("/").headers["X-CSRF-Token"])
    pages["conflict"] = client.post("/cells/1", fields, status=409).text
    pages["json"] = client.get("/cells.json").text + client.get("/cells/1.json").text
    return pages


@pytest.mark.parametrize("kind", mm.KINDS)
@pytest.mark.parametrize("page", sorted(PAGES_SHOWING))
def test_every_kind_is_escaped_on_every_page(markup_pages, page, kind):
    html = markup_pages[page]
    assert mm.raw(kind) not in html, f"{kind} markup reaches the {page} page unescaped"
    if kind in PAGES_SHOWING[page]:  # shown, as text: so the check above saw the value
        assert mm.escaped(kind) in html, f"{kind} value missing from the {page} page"


@pytest.mark.parametrize("kind", mm.KINDS)
def test_every_kind_is_inert_in_json(markup_pages, kind):
    data = markup_pages["json"]
    assert "<" not in data and ">" not in data
    assert f"\\u003cem data-k={kind}\\u003e" in data
