"""Every column type of SQLite, PostgreSQL and MariaDB, served by reflection: an edit form
or a JSON GET sent back unchanged stores identical values; typed input is stored as typed;
bad input is a 422; list queries on every kind answer without a 5xx."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import flag_modified

from rum import RumApp
from tests.conftest import ROOT, csrf_headers, server_url, wrap
from tests.fixtures import kinds_schema


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def served(request, tmp_path):
    """(client, engine, resource name, dialect) over a fresh kinds table."""
    url = (f"sqlite:///{tmp_path / 'kinds.db'}" if request.param == "sqlite"
           else server_url(request.param))
    engine = kinds_schema.create(url)
    app = RumApp({"here": ROOT, "rum.viewfactory": {"use": "toscawidgets"},
                  "rum.repositoryfactory": {"sqlalchemy.url": url, "reflect": True,
                                            "tables": [kinds_schema.TABLE]}})
    resource = next(iter(app.registry)).name
    write_every_field(app, resource)
    yield wrap(app), engine, resource, engine.dialect.name
    app.repositories.engine.dispose()
    kinds_schema.drop(engine)


def write_every_field(app, resource: str) -> None:
    """Every field a form sends is written, changed or not: the ORM skips values equal to
    the loaded ones, which would hide a conversion that is consistent but lossy (an
    interval's months read and written as days)."""
    names = [f.name for f in app.registry.get(resource).form_fields]

    def before_flush(session, _context, _instances):
        for row in session.dirty:
            for name in names:
                flag_modified(row, name)

    sa.event.listen(app.repositories.sessions, "before_flush", before_flush)


def kinds(client, resource) -> dict:
    meta = client.get("/_meta.json").json
    found = next(r for r in meta["resources"] if r["name"] == resource)
    return {f["name"]: f["kind"] for f in found["fields"]}


EXPECTED_KINDS = {
    "postgresql": {"label": "string", "note": "string", "flag": "boolean", "small": "integer",
                   "real_n": "float", "dbl": "float", "num": "decimal", "day": "date",
                   "stamp": "datetime", "stamp_tz": "datetime_tz", "clock": "time",
                   "clock_tz": "time", "span": "interval", "tags": "array", "nums": "array",
                   "days": "array", "doc": "json", "doc_plain": "json", "addr": "inet",
                   "net": "inet", "cash": "money", "token": "uuid", "blob": "binary",
                   "mac": "unknown", "mood": "enum"},
    "mysql": {"flag": "boolean", "real_n": "float", "dbl": "float", "clock": "duration",
              "perks": "set", "mood": "enum", "yr": "integer", "data": "binary",
              "bits": "unknown", "stamp": "datetime", "doc": "json"},
    "sqlite": {"flag": "boolean", "dbl": "float", "num": "decimal", "stamp": "datetime",
               "clock": "time", "doc": "json", "blob": "binary"},
}


def test_every_column_has_its_kind(served):
    client, _engine, resource, dialect = served
    found = kinds(client, resource)
    assert {k: found.get(k) for k in EXPECTED_KINDS[dialect]} == EXPECTED_KINDS[dialect]


def edit_form(client, url: str):
    page = client.get(url)
    return next(f for f in page.forms.values() if "_version" in f.fields)


def test_edit_forms_saved_unchanged_store_identical_values(served):
    client, engine, resource, _dialect = served
    before = kinds_schema.snapshot(engine)
    for ident in before:
        form = edit_form(client, f"/{resource}/{ident}/edit")
        done = form.submit()
        assert done.status_int == 303, (ident, done.text[:2000])
        after = kinds_schema.snapshot(engine)
        assert after[ident] == before[ident], ident


def test_json_get_put_unchanged_stores_identical_values(served):
    client, engine, resource, _dialect = served
    before = kinds_schema.snapshot(engine)
    headers = csrf_headers(client)
    for ident in before:
        got = client.get(f"/{resource}/{ident}.json")
        put = client.put_json(f"/{resource}/{ident}.json", got.json,
                              headers={**headers, "If-Match": got.headers["ETag"]},
                              expect_errors=True)
        assert put.status_int == 200, (ident, put.text)
        assert kinds_schema.snapshot(engine)[ident] == before[ident], ident
        assert put.json == {**got.json, **{k: put.json[k] for k in ("_url",)}}


def submit_typed(client, resource, ident, inputs: dict):
    form = edit_form(client, f"/{resource}/{ident}/edit")
    for name, value in inputs.items():
        if isinstance(value, list):
            form[name].force_value(value)
        else:
            form[name] = value
    return form.submit(expect_errors=True)


# (dialect, {input name: typed text}, column, expected: the database's text of the value,
#  or ("value", what the driver returns)); expected None: refused with a 422
TYPED = [
    ("postgresql", {"tags": "alpha\nbeta"}, "tags::text", "{alpha,beta}"),
    ("postgresql", {"tags": "alpha, beta"}, "tags::text", '{"alpha, beta"}'),
    ("postgresql", {"tags": '["a", "b c", ""]'}, "tags::text", '{a,"b c",""}'),
    ("postgresql", {"tags": "[]"}, "tags::text", "{}"),
    ("postgresql", {"tags": ""}, "tags::text", None),
    ("postgresql", {"tags": '["a", {"x": 1}]'}, "tags", None),
    ("postgresql", {"tags": '["unclosed"'}, "tags", None),
    ("postgresql", {"nums": "[1, 2]"}, "nums::text", "{1,2}"),
    ("postgresql", {"nums": "7\n8"}, "nums::text", "{7,8}"),
    ("postgresql", {"nums": "[1.5]"}, "nums", None),
    ("postgresql", {"nums": "x"}, "nums", None),
    ("postgresql", {"days": '["2024-05-06"]'}, "days::text", "{2024-05-06}"),
    ("postgresql", {"doc": '{"a": 1}'}, "doc", ("value", {"a": 1})),
    ("postgresql", {"doc": '"text"'}, "doc", ("value", "text")),
    ("postgresql", {"doc": "[1, [2, {\"x\": null}]]"}, "doc", ("value", [1, [2, {"x": None}]])),
    ("postgresql", {"doc": ""}, "doc", ("value", None)),
    ("postgresql", {"doc": "{bad"}, "doc", None),
    ("postgresql", {"span": "P1Y2M"}, "span::text", "1 year 2 mons"),
    ("postgresql", {"span": "3 mons"}, "span::text", "3 mons"),
    ("postgresql", {"span": "-01:00:00"}, "span::text", "-01:00:00"),
    ("postgresql", {"span": "1 day 02:00:00.25"}, "span::text", "1 day 02:00:00.25"),
    ("postgresql", {"span": "soon"}, "span", None),
    ("postgresql", {"stamp_tz": "2024-03-01T12:00:00.000001", "stamp_tz.offset": "+02:00"},
     "stamp_tz::text", "2024-03-01 10:00:00.000001+00"),
    ("postgresql", {"stamp_tz": "2024-07-01T12:00", "stamp_tz.offset": "Europe/Paris"},
     "stamp_tz::text", "2024-07-01 10:00:00+00"),
    ("postgresql", {"stamp_tz": "2024-13-01T00:00"}, "stamp_tz", None),
    ("postgresql", {"stamp_tz": "2024-03-01T12:00", "stamp_tz.offset": "Mars/Base"},
     "stamp_tz", None),
    ("postgresql", {"stamp": "2024-03-01T12:00:00.5"}, "stamp::text", "2024-03-01 12:00:00.5"),
    ("postgresql", {"clock_tz": "08:15:00-05:00"}, "clock_tz::text", "08:15:00-05"),
    ("postgresql", {"addr": "10.0.0.1"}, "addr::text", "10.0.0.1/32"),
    ("postgresql", {"addr": "999.1.1.1"}, "addr", None),
    ("postgresql", {"net": "10.0.0.0/8"}, "net::text", "10.0.0.0/8"),
    ("postgresql", {"net": "10.0.0.1/8"}, "net", None),
    ("postgresql", {"cash": "12.50"}, "cash::text", "$12.50"),
    ("postgresql", {"cash": "a lot"}, "cash", None),
    ("postgresql", {"real_n": "0.1"}, "real_n::text", "0.1"),
    ("postgresql", {"dbl": "1e-7"}, "dbl::text", "1e-07"),
    ("postgresql", {"qty": "-1"}, "qty", None),
    ("postgresql", {"flag": ""}, "flag::text", None),
    ("postgresql", {"flag": "true"}, "flag::text", "true"),
    ("postgresql", {"label": "", "label.null": False}, "label::text", ""),
    ("postgresql", {"label": "", "label.null": True}, "label::text", None),
    ("mysql", {"clock": "-00:30:00"}, "clock::text", "-00:30:00.000000"),
    ("mysql", {"clock": "838:59:59"}, "clock::text", "838:59:59.000000"),
    ("mysql", {"clock": "PT25H"}, "clock::text", "25:00:00.000000"),
    ("mysql", {"clock": "later"}, "clock", None),
    ("mysql", {"perks": ["remote", "equity"]}, "perks::text", "remote,equity"),
    ("mysql", {"perks": []}, "perks::text", ""),
    ("mysql", {"perks": [], "perks.null": True}, "perks::text", None),
    ("mysql", {"perks": ["ceo"]}, "perks", None),
    ("mysql", {"doc": '{"a": [1]}'}, "doc", ("value", '{"a": [1]}')),
    ("mysql", {"doc": "{"}, "doc", None),
    ("mysql", {"flag": "false"}, "flag::text", "0"),
    ("mysql", {"dbl": "0.1"}, "dbl::text", "0.1"),
    ("mysql", {"qty": "-1"}, "qty", None),
    ("mysql", {"stamp": "2024-03-01T12:00:00.000007"}, "stamp::text",
     "2024-03-01 12:00:00.000007"),
    ("sqlite", {"stamp": "2024-03-01T12:00:00.25"}, "stamp::text", "2024-03-01 12:00:00.250000"),
    ("sqlite", {"doc": '{"a": 1}'}, "doc", ("value", {"a": 1})),
    ("sqlite", {"doc": "nope"}, "doc", None),
    ("sqlite", {"qty": "-1"}, "qty", None),
    ("sqlite", {"note": "a\r\nb"}, "note::text", "a\nb"),
]


def test_typed_input_is_stored_as_typed_and_bad_input_refused(served):
    client, engine, resource, dialect = served
    cases = [c for c in TYPED if c[0] == dialect]
    assert cases
    table = sa.Table(kinds_schema.TABLE, sa.MetaData(), autoload_with=engine)
    for _dialect, inputs, column, expected in cases:
        before = kinds_schema.snapshot(engine, table)[2]
        done = submit_typed(client, resource, 2, inputs)
        after = kinds_schema.snapshot(engine, table)[2]
        if expected is None and "::" not in column:
            assert done.status_int == 422, (inputs, done.status)
            assert after == before, inputs  # nothing of a refused form is kept
            continue
        assert done.status_int == 303, (inputs, done.text[-3000:])
        if isinstance(expected, tuple):
            assert after[column] == expected[1], inputs
        else:
            assert after[column] == expected, inputs


SAMPLES = {"integer": ["1", "x"], "float": ["1.5", "x"], "decimal": ["1.5", "x"],
           "boolean": ["true", "maybe"], "date": ["2024-01-01", "x"],
           "datetime": ["2024-01-01T10:00", "x"], "datetime_tz": ["2024-01-01T10:00+02:00", "x"],
           "time": ["10:00", "x"], "duration": ["-01:00:00", "x"], "interval": ["1 mon", "x"],
           "array": ["founder", "x"], "set": ["remote", "x"], "inet": ["10.0.0.1", "x"],
           "money": ["12.50", "x"], "uuid": ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "x"],
           "enum": ["happy", "x"], "string": ["a", "%_\\"], "text": ["a", "%"],
           "json": ["1"], "binary": ["1"], "unknown": ["1"]}
BY_NAME = {"nums": ["1", "x"], "days": ["2024-01-01", "x"]}  # arrays of other elements


def test_search_filter_and_sort_on_every_kind_answer_without_5xx(served):
    from rum.query import ops_for

    client, _engine, resource, _dialect = served
    fields = client.get("/_meta.json").json["resources"][0]["fields"]
    assert client.get(f"/{resource}?q=a%25").status_int == 200
    assert client.get(f"/{resource}.json?q=10").status_int == 200
    for f in fields:
        name, kind = f["name"], f["kind"]
        for op in (*ops_for(kind), *[o for o in ("lt", "contains", "in") if o not in ops_for(kind)]):
            samples = BY_NAME.get(name, SAMPLES[kind])
            for value in samples:
                got = client.get(f"/{resource}.json", {f"f.{name}.{op}": value},
                                 expect_errors=True)
                assert got.status_int < 500, (name, op, value, got.text)
                if op in ops_for(kind) and value == samples[0] and op != "is_null":
                    assert got.status_int == 200, (name, op, value, got.text)
        for sort in (name, "-" + name):
            got = client.get(f"/{resource}.json", {"sort": sort, "limit": 1}, expect_errors=True)
            assert got.status_int == (200 if f["sortable"] else 400), (sort, got.text)
            cursor = got.json.get("next_cursor") if got.status_int == 200 else None
            if cursor:
                assert client.get(f"/{resource}.json", {"sort": sort, "limit": 1,
                                                        "cursor": cursor}).status_int == 200


def test_unknown_types_are_read_only_and_never_queried(served):
    client, _engine, resource, dialect = served
    fields = {f["name"]: f for f in client.get("/_meta.json").json["resources"][0]["fields"]}
    unknown = [f for f in fields.values() if f["kind"] == "unknown"]
    assert bool(unknown) == (dialect != "sqlite")
    for f in unknown:
        assert f["read_only"] and not f["searchable"] and not f["sortable"]
        assert f["name"] not in edit_form(client, f"/{resource}/1/edit").fields


# (dialect, JSON body, column, expected text or ("value", ...)); None: refused with a 422
JSON_TYPED = [
    ("postgresql", {"doc": {"a": [1, 2.5]}}, "doc", ("value", {"a": [1, 2.5]})),
    ("postgresql", {"doc": "a string"}, "doc", ("value", "a string")),
    ("postgresql", {"doc": None}, "doc", ("value", None)),
    ("postgresql", {"tags": ["x", "y, z"]}, "tags::text", '{x,"y, z"}'),
    ("postgresql", {"tags": []}, "tags::text", "{}"),
    ("postgresql", {"nums": [4, "5"]}, "nums::text", "{4,5}"),
    ("postgresql", {"nums": ["five"]}, "nums", 422),
    ("postgresql", {"nums": {"a": 1}}, "nums", 422),
    ("postgresql", {"span": "P1M"}, "span::text", "1 mon"),
    ("postgresql", {"stamp_tz": "2024-03-01T12:00:00.5-01:00"}, "stamp_tz::text",
     "2024-03-01 13:00:00.5+00"),
    ("postgresql", {"flag": False}, "flag::text", "false"),
    ("postgresql", {"label": ""}, "label::text", ""),
    ("postgresql", {"label": None}, "label::text", None),
    ("mysql", {"perks": ["equity"]}, "perks::text", "equity"),
    ("mysql", {"perks": ["nope"]}, "perks", 422),
    ("mysql", {"doc": {"k": [True, None]}}, "doc", ("value", '{"k": [true, null]}')),
    ("mysql", {"clock": "-12:00:00"}, "clock::text", "-12:00:00.000000"),
    ("mysql", {"flag": True}, "flag::text", "1"),
    ("sqlite", {"doc": [1, {"b": "c"}]}, "doc", ("value", [1, {"b": "c"}])),
    ("sqlite", {"flag": False}, "flag::text", "0"),
]


def test_json_clients_send_real_values(served):
    client, engine, resource, dialect = served
    headers = csrf_headers(client)
    for _dialect, body, column, expected in [c for c in JSON_TYPED if c[0] == dialect]:
        got = client.get(f"/{resource}/2.json")
        put = client.put_json(f"/{resource}/2.json", {**got.json, **body}, expect_errors=True,
                              headers={**headers, "If-Match": got.headers["ETag"]})
        if expected == 422:
            assert put.status_int == 422, (body, put.text)
            continue
        assert put.status_int == 200, (body, put.text)
        after = kinds_schema.snapshot(engine)[2]
        assert after[column] == (expected[1] if isinstance(expected, tuple) else expected), body
        name = next(iter(body))
        assert put.json[name] == client.get(f"/{resource}/2.json").json[name]
        if name == "flag":
            assert put.json[name] is body[name]  # a boolean, tinyint(1) too


SHOWN = {  # what people read on the show page of row 1 (and, where listed, in the grid)
    "postgresql": ["founder, exec", "1 year 2 mons 3 days 04:05:06.5", "1.5", "0.1",
                   '{"n": 1, "s": "x", "nested": {"a": [1, 2.5, {"b": null}]}}',
                   "Jan 1, 2024, 4:30:00 AM +00:00", "Jan 1, 2024, NULL", "$1,234.56"],
    "mysql": ["-01:00:00", "remote, part_time", "1.5", '{"n": 1, "nested": {"a": [1, 2.5]}}'],
    "sqlite": ["1.5", '{"n": 1, "nested": {"a": [1, 2.5]}}', "Jan 1, 2024, 10:00:00 AM"],
}


def test_values_are_shown_as_people_read_them(served):
    from html import unescape

    client, _engine, resource, dialect = served
    # (Babel writes a narrow no-break space before AM/PM)
    shown = unescape(client.get(f"/{resource}/1").text).replace("\u202f", " ")
    for text in SHOWN[dialect]:
        assert text in shown, text
    assert "{'" not in shown and "Decimal(" not in shown and "1.5000000000" not in shown
    listed = unescape(client.get(f"/{resource}").text)
    assert "1.5000000000" not in listed and "{'" not in listed
    exported = client.get(f"/{resource}.csv")
    assert exported.status_int == 200 and "1.5000000000" not in exported.text


def test_a_new_form_left_empty_stores_no_values(served):
    client, engine, resource, _dialect = served
    form = next(f for f in client.get(f"/{resource}/new").forms.values()
                if "label" in f.fields)
    done = form.submit()
    assert done.status_int == 303, done.text[-2000:]
    created = max(kinds_schema.snapshot(engine).items())[1]
    assert {k: v for k, v in created.items() if v is not None and not k.startswith("id")} == {}
