"""tw2 forms built from rum fields: conversion, messages, kept input, relation choices."""

import datetime
import decimal
import re

import pytest
from webob.multidict import MultiDict

from rum.contracts import Ref, RelationInput
from rum.errors import Invalid
from rum.fields import Field
from rum_toscawidgets.forms import ToscaWidgetsForm
from rum_toscawidgets.isolation import Tw2State

FIELDS = (
    Field("title", "string", required=True, max_length=10),
    Field("year", "integer", required=True),
    Field("price", "decimal"),
    Field("ratio", "float"),
    Field("released", "date"),
    Field("shown_at", "datetime"),
    Field("starts", "time"),
    Field("active", "boolean"),
    Field("rating", "enum", choices=(("G", "G"), ("R", "R"))),
    Field("notes", "text"),
    Field("genre", "to_one", related="genres", required=True),
    Field("actors", "to_many", related="actors"),
)
CHOICES = {
    "genre": RelationInput("/m/complete?field=genre",
                           [Ref("genres", "1", "Drama"), Ref("genres", "2", "Comedy <&>")]),
    "actors": RelationInput("/m/complete?field=actors",
                            [Ref("actors", "7", "Ann"), Ref("actors", "8", "Bob")])}
COMPLETE = {"genre": RelationInput("/m/complete?field=genre"),
            "actors": RelationInput("/m/complete?field=actors")}


@pytest.fixture
def form():
    state = Tw2State()
    with state.scope():
        yield ToscaWidgetsForm(FIELDS, "Sample")


def test_converts_every_kind(form):
    values = form.validate(MultiDict([
        ("title", " Heat "), ("year", "1995"), ("price", "9.50"), ("ratio", "2.35"),
        ("released", "1995-12-15"), ("shown_at", "1995-12-15T20:30"), ("starts", "20:30"),
        ("active", "on"), ("rating", "R"), ("notes", ""), ("notes.null", "1"), ("genre", "2"),
        ("actors", "7"), ("actors", "8")]))
    assert values["title"] == " Heat "  # text is kept as typed: saving it unchanged is lossless
    assert values["year"] == 1995
    assert values["price"] == decimal.Decimal("9.50")
    assert values["ratio"] == 2.35
    assert values["released"] == datetime.date(1995, 12, 15)
    assert values["shown_at"] == datetime.datetime(1995, 12, 15, 20, 30)
    assert values["starts"] == datetime.time(20, 30)
    assert values["active"] is True
    assert values["rating"] == "R"
    assert values["notes"] is None  # the "no value" box: NULL, not empty text
    assert values["genre"] == "2"
    assert values["actors"] == ["7", "8"]


def test_unchecked_box_is_false_and_empty_multi_is_empty(form):
    values = form.validate(MultiDict([("title", "x"), ("year", "1"), ("genre", "1")]))
    assert values["active"] is False
    assert values["actors"] == []


def test_errors_by_field(form):
    with pytest.raises(Invalid) as info:
        form.validate(MultiDict([("title", "far too long a title"), ("year", "soon"),
                                 ("price", "NaN"), ("released", "1995-13-45"),
                                 ("rating", "X")]))
    errors = info.value.errors
    assert set(errors) == {"title", "year", "price", "released", "rating", "genre"}
    assert "10" in errors["title"]
    assert errors["year"] == "Enter a whole number"
    assert errors["genre"] == "Enter a value"


def test_render_keeps_input_and_shows_messages(form):
    html = form.render(MultiDict([("title", "<b>x</b>"), ("year", "soon"), ("genre", "2"),
                                  ("actors", "8")]),
                       {"year": "Enter a whole number"}, CHOICES)
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in html
    assert 'value="soon"' in html
    assert "Enter a whole number" in html
    assert '<option value="2" selected="selected">Comedy &lt;&amp;&gt;</option>' in html
    assert '<option value="8" selected="selected">Bob</option>' in html
    assert '<option value="7">Ann</option>' in html
    assert 'type="date"' in html and 'type="datetime-local"' in html and 'type="time"' in html


def test_render_from_python_values(form):
    html = form.render({"released": datetime.date(2001, 2, 3), "year": 2001,
                        "shown_at": datetime.datetime(2001, 2, 3, 4, 5), "active": True},
                       {}, CHOICES)
    assert 'value="2001-02-03"' in html
    assert 'value="2001-02-03T04:05"' in html
    assert 'checked="checked"' in html


def test_field_names_must_be_input_names():
    with pytest.raises(ValueError):
        ToscaWidgetsForm((Field("_secret", "string"),), "Bad")


def test_big_relations_render_as_autocomplete_text(form):
    html = form.render({"genre": Ref("genres", "2", "Comedy"),
                        "actors": [Ref("actors", "7", "Ann"), Ref("actors", "8", "Bob")]},
                       {}, COMPLETE)
    assert html.count("<select") == 1  # only the enum; both relations are text inputs
    assert 'value="Comedy [2]"' in html
    assert 'value="Ann [7], Bob [8]"' in html
    assert 'data-complete="/m/complete?field=actors"' in html
    assert 'data-multiple="true"' in html


def test_autocomplete_text_becomes_ids_or_names(form):
    values = form.validate(MultiDict([("title", "x"), ("year", "1"),
                                      ("genre", "Comedy [2]"),
                                      ("actors", "Ann [7], Bob Builder, 9,, ")]))
    assert values["genre"] == "2"
    assert values["actors"] == ["7", "Bob Builder", "9"]


STORED = {"title": " Heat ", "year": 1995, "price": decimal.Decimal("9.50"), "ratio": 0.1,
          "released": None, "shown_at": datetime.datetime(1995, 12, 15, 20, 30, 1, 123456),
          "starts": datetime.time(20, 30, 0, 250000), "active": True, "rating": None,
          "notes": "two\nlines", "genre": Ref("genres", "2", "Comedy"),
          "actors": [Ref("actors", "7", "Ann"), Ref("actors", "8", "Bob")]}


def sent_by_browser(form, stored, relations) -> MultiDict:
    """What a browser submits from the form rendered for `stored`, untouched."""
    from webtest.forms import Form
    html = str(form.render(stored, {}, relations))
    fields = Form(None, f"<form>{html}</form>").submit_fields()
    return MultiDict((k, v.replace("\n", "\r\n")) for k, v in fields)


@pytest.mark.parametrize("relations", [CHOICES, COMPLETE], ids=["selects", "autocomplete"])
def test_an_untouched_form_has_no_changes(form, relations):
    assert form.changed(sent_by_browser(form, STORED, relations), STORED) == set()


@pytest.mark.parametrize("name,sent,changed", [
    ("title", " Heat ", False),  # text is shown as stored, spaces too: sent back, it is kept
    ("title", "Heat", True),  # the spaces removed is a change
    ("title", "Heat!", True),
    ("year", "1996", True),
    ("price", "9.5", True),
    ("ratio", "0.10", True),
    ("released", "", False),  # NULL shown as '' and sent back as '': left alone
    ("released", "2001-01-01", True),
    ("shown_at", "1995-12-15T20:30:01.123456", False),
    ("shown_at", "1995-12-15T20:30:01", True),  # the fraction dropped is a change
    ("starts", "20:30:00.250", False),
    ("active", None, True),  # unchecked
    ("rating", "G", True),
    ("notes", "two\r\nlines", False),
    ("notes", "two\nlines", False),
    ("notes", "two lines", True),
    ("genre", "Comedy [2]", False),
    ("genre", "2", False),
    ("genre", "Drama [1]", True),
    ("genre", "", True),
    ("actors", ["8", "7"], False),  # the same rows, in another order
    ("actors", ["Bob [8], Ann [7]"], False),
    ("actors", ["7"], True),
    ("actors", [], True),
])
def test_only_fields_whose_text_changed_are_changed(form, name, sent, changed):
    params = sent_by_browser(form, STORED, CHOICES)
    del params[name]
    for value in sent if isinstance(sent, list) else [] if sent is None else [sent]:
        params.add(name, value)
    assert form.changed(params, STORED) == ({name} if changed else set())


def test_empty_text_and_null_stay_apart(form):
    for stored in ("", None):
        values = {**STORED, "notes": stored}
        assert "notes" not in form.changed(sent_by_browser(form, values, CHOICES), values)


@pytest.mark.parametrize("kind", ["string", "text"])
@pytest.mark.parametrize("stored, box, changed", [
    (None, False, True),   # "no value" unchecked on an empty input: now the empty string
    ("", True, True),      # checked: now NULL
    (None, True, False),
    ("", False, False),
])
def test_the_no_value_box_alone_is_a_change(kind, stored, box, changed):
    """'' and NULL show as the same empty input; the box is what tells them apart."""
    fields = (Field("memo", kind, options={"nullable": True}),)
    with Tw2State().scope():
        form = ToscaWidgetsForm(fields, "Memo")
        params = sent_by_browser(form, {"memo": stored}, {})
        assert ("memo.null" in params) == (stored is None)  # rendered as stored
        params.pop("memo.null", None)
        if box:
            params["memo.null"] = "1"
        assert form.changed(params, {"memo": stored}) == ({"memo"} if changed else set())


def test_validate_only_checks_and_returns_the_named_fields(form):
    # title and genre are required and absent: not named, so not checked
    assert form.validate(MultiDict([("year", "2001")]), only={"year"}) == {"year": 2001}
    assert form.validate(MultiDict([("year", "x")]), only=set()) == {}
    with pytest.raises(Invalid) as info:
        form.validate(MultiDict([("year", "soon"), ("price", "1")]), only={"year", "price"})
    assert set(info.value.errors) == {"year"}


def test_times_keep_their_fractions_and_inputs_accept_them(form):
    html = form.render({"shown_at": datetime.datetime(2001, 2, 3, 4, 5, 6, 120000),
                        "starts": datetime.time(4, 5, 6, 123456)}, {}, CHOICES)
    assert 'value="2001-02-03T04:05:06.120"' in html and 'type="datetime-local"' in html
    # a browser's time input holds milliseconds: the whole value rides in a hidden companion
    # input, so saved unchanged it is kept to the microsecond
    starts = re.search(r'<input[^>]*name="starts"[^>]*>', html).group(0)
    assert 'type="time"' in starts, starts
    keeper = re.search(r'<input[^>]*name="starts.us"[^>]*>', html).group(0)
    assert "04:05:06.123456" in keeper, keeper
    assert html.count('step="any"') == 2


@pytest.mark.parametrize("stored", [{"k": [1, 2, {"b": None}]}, [1, "two"], 3, True])
def test_json_fields_edit_as_json_and_round_trip(stored):
    """A stored JSON value shows as JSON text and comes back as the same value when the form
    is saved unchanged (not as the string of Python's repr)."""
    import html
    import json
    import re
    with Tw2State().scope():
        form = ToscaWidgetsForm((Field("doc", "json"),), "Doc")
        markup = form.render({"doc": stored}, {}, {})
        shown = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", markup, re.S)[1])
        assert json.loads(shown) == stored
        assert form.validate(MultiDict([("doc", shown)]))["doc"] == stored
        assert form.validate(MultiDict([("doc", "")]))["doc"] is None
        with pytest.raises(Invalid) as info:
            form.validate(MultiDict([("doc", "{'k': 1}")]))
        assert "JSON" in info.value.errors["doc"]
