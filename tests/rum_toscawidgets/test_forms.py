"""tw2 forms built from rum fields: conversion, messages, kept input, relation choices,
widget overrides, fieldsets and read-only fields."""

import dataclasses
import datetime
import decimal
import re

import pytest
import tw2.forms as twf
from webob.multidict import MultiDict

from rum.contracts import Ref, RelationInput
from rum.errors import ConfigError, Invalid
from rum.fields import Field
from rum.resources import Resource
from rum_toscawidgets import ToscaWidgetsViewFactory
from rum_toscawidgets.forms import ToscaWidgetsForm
from rum_toscawidgets.isolation import Tw2State
from tests.rum_toscawidgets.pages import display_client

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


# -- widget overrides, fieldsets, read-only fields -------------------------------------------

OVERRIDES = [  # (field, the tw2 widget shown instead, what it renders, bad text, its message)
    (Field("title", "string", max_length=5), twf.TextArea,
     '<textarea id="title" name="title">Heat</textarea>', "far too long",
     "Enter at most 5 characters"),
    (Field("year", "integer"), twf.TextField,
     '<input id="year" value="1995" name="year" type="text" />', "soon", "Enter a whole number"),
    (Field("rating", "enum", choices=(("G", "G"), ("R", "R"))), twf.RadioButtonList,
     '<input value="R" type="radio" name="rating" id="rating:1" checked="checked" />', "X",
     "Pick one of the choices"),
    (Field("genre", "to_one", related="genres", required=True), twf.TextField,
     '<input id="genre" value="2" name="genre" type="text" />', "", "Enter a value"),
]


@pytest.mark.parametrize("field, widget, rendered, bad, message", OVERRIDES,
                         ids=[o[0].name for o in OVERRIDES])
def test_an_overriding_widget_renders_and_rums_converter_validates(field, widget, rendered,
                                                                    bad, message):
    extra = {"options": [("G", "G"), ("R", "R")]} if widget is twf.RadioButtonList else {}
    form = ToscaWidgetsForm((field,), "Over", widgets={field.name: widget(**extra)})
    stored = {"title": "Heat", "year": 1995, "rating": "R",
              "genre": Ref("genres", "2", "Comedy")}[field.name]
    with Tw2State().scope():  # one request: shown, sent back unchanged, stored
        html = form.render({field.name: stored}, {}, {})
        sent = sent_by_browser(form, {field.name: stored}, {})
        assert form.changed(sent, {field.name: stored}) == set()
        expected = {"title": "Heat", "year": 1995, "rating": "R", "genre": "2"}[field.name]
        assert form.validate(sent) == {field.name: expected}
    assert rendered in html, html
    with Tw2State().scope():  # another: refused by the kind's converter, not by the widget
        with pytest.raises(Invalid) as info:
            form.validate(MultiDict([(field.name, bad)]))
    assert info.value.errors == {field.name: message}


SECTIONED = (Field("title", "string"), Field("year", "integer"), Field("budget", "decimal"),
             Field("notes", "text"), Field("genre", "to_one", related="genres"))
FIELDSETS = (("Basics", ("title", "year")), ("Money", ("budget",)), ("Unused", ("missing",)))


def test_fieldsets_group_inputs_under_legends_and_the_rest_last():
    with Tw2State().scope():
        form = ToscaWidgetsForm(SECTIONED, "Sections", fieldsets=FIELDSETS)
        html = form.render({}, {"year": "Enter a whole number"}, COMPLETE)
        again = ToscaWidgetsForm(SECTIONED, "Flat").render({}, {}, COMPLETE)
    sections = re.findall(r'<fieldset class="section">(.*?)</fieldset>', html, re.S)
    names = [re.findall(r'<li [^>]*id="(\w+):container"', s) for s in sections]
    assert names == [["title", "year"], ["budget"], ["notes", "genre"]]
    legends = [re.findall(r"<legend>(.*?)</legend>", s) for s in sections]
    assert legends == [["Basics"], ["Money"], []]  # the untitled rest, and no empty section
    assert 'id="year:error" class="error">Enter a whole number<' in html
    assert "<fieldset" not in again and again.startswith('<ul class="fields"')
    assert form.validate(MultiDict([("title", "x"), ("year", "1")]))["year"] == 1


def test_legends_are_translated():
    class Pseudo:
        def gettext(self, message):
            return {"Basics": "Básico"}.get(message, message)

        def ngettext(self, singular, plural, n):
            return singular if n == 1 else plural

    with Tw2State().scope():
        form = ToscaWidgetsForm(SECTIONED, "Spanish", fieldsets=FIELDSETS)
        assert "<legend>Básico</legend>" in form.render({}, {}, COMPLETE, translations=Pseudo())


READ_ONLY = (Field("title", "string"), Field("created", "date", read_only=True),
             Field("owner", "to_one", related="people", read_only=True))


def test_read_only_fields_are_text_never_inputs_nor_values():
    with Tw2State().scope():
        form = ToscaWidgetsForm(READ_ONLY, "Frozen")
        html = form.render({"title": "t", "created": datetime.date(2024, 1, 2),
                            "owner": Ref("people", "4", "Ann <A>")}, {}, {})
        assert [f.name for f in form.fields] == ["title"]
        assert [f.name for f in form.read_only] == ["created", "owner"]
        assert 'name="created"' not in html and 'name="owner"' not in html
        assert '<span class="read-only" id="created">2024-01-02</span>' in html
        assert '<span class="read-only" id="owner">Ann &lt;A&gt;</span>' in html
        sent = MultiDict([("title", "t"), ("created", "1999-01-01"), ("owner", "9")])
        assert form.validate(sent) == {"title": "t"}
        assert form.changed(sent, {"title": "t", "created": None}) == set()


# -- through the real pages ------------------------------------------------------------------

def _record_form(page):
    return next(f for f in page.forms.values() if "_csrf" in f.fields and "name" in f.fields)


def test_a_resources_widgets_show_and_post_through_its_converters(monkeypatch, tmp_path):
    client, _app = display_client(monkeypatch, tmp_path,
                                  Thing={"widgets": {"name": twf.TextArea, "count": twf.TextField}})
    page = client.get("/things/new")
    assert re.search(r'<textarea id="name" name="name">', page.text)
    assert '<input id="count" name="count" type="text" />' in page.text
    form = _record_form(page)
    form["name"], form["count"] = "x" * 81, "many"
    refused = form.submit(status=422).text
    assert "Enter at most 80 characters" in refused and "Enter a whole number" in refused
    form = _record_form(page)
    form["name"], form["count"] = "Made <here>", "12"
    shown = form.submit(status=303).follow().text
    assert "Made &lt;here&gt;" in shown and "<dd>12</dd>" in shown


def test_fieldsets_section_the_edit_form_and_the_show_page(monkeypatch, tmp_path):
    fieldsets = (("Basics", ("name", "count")), ("Money", ("price", "ratio")))
    client, _app = display_client(monkeypatch, tmp_path, Thing={"fieldsets": fieldsets})
    edit = client.get("/things/1/edit").text
    legends = re.findall(r'<fieldset class="section">\s*(?:<legend>(.*?)</legend>)?', edit)
    assert legends == ["Basics", "Money", ""]
    basics = re.search(r"<legend>Basics</legend>(.*?)</fieldset>", edit, re.S).group(1)
    assert re.findall(r'id="(\w+):container"', basics) == ["name", "count"]
    show = client.get("/things/1").text
    assert re.findall(r"<h2>(.*?)</h2>", show) == ["Basics", "Money"]
    money = re.search(r"<h2>Money</h2>\s*<dl[^>]*>(.*?)</dl>", show, re.S).group(1)
    assert re.findall(r"<dt>(.*?)</dt>", money) == ["Price", "Ratio"]
    rest = show.split("</section>")[-1]  # the untitled section: every other field
    assert "<dt>Name</dt>" not in rest and "<dt>Body</dt>" in rest and "<dt>Tags</dt>" in rest


def test_a_read_only_form_field_is_text_and_never_written(monkeypatch, tmp_path):
    resources = {"Thing": {"fields": {"body": {"read_only": True}},
                           "form_fields": ["name", "body", "count"]}}
    client, _app = display_client(monkeypatch, tmp_path, resources=resources)
    edit = client.get("/things/1/edit")
    assert 'name="body"' not in edit.text
    assert edit.text.count("two\nlines &amp; &lt;i&gt;") == 1  # in the form, not twice
    assert '<span class="read-only" id="body">two\nlines &amp; &lt;i&gt;</span>' in edit.text
    form = _record_form(edit)
    fields = dict(form.submit_fields())
    fields.update(body="overwritten", count="7")
    client.post("/things/1", fields, status=303)
    stored = client.get("/things/1.json").json
    assert stored["body"] == "two\nlines & <i>" and stored["count"] == 7


MOVIE = Resource(name="movies", model=object, label="Movie", plural_label="Movies",
                 fields=FIELDS, list_fields=FIELDS, form_fields=FIELDS)


@pytest.mark.parametrize("changes, key", [
    ({"widgets": {"nope": twf.TextArea}}, "resources.Movie.widgets"),
    ({"widgets": {"title": "textarea"}}, "resources.Movie.widgets.title"),
    ({"widgets": {"title": twf.TextArea.req()}}, "resources.Movie.widgets.title"),  # an instance
    ({"fieldsets": (("A", ("nope",)),)}, "resources.Movie.fieldsets"),
    ({"fieldsets": (("A", ("title",)), ("B", ("year", "title")))}, "resources.Movie.fieldsets"),
])
def test_bad_widgets_and_fieldsets_are_refused_at_start_up(changes, key):
    with pytest.raises(ConfigError) as info:
        ToscaWidgetsViewFactory({}, registry=[dataclasses.replace(MOVIE, **changes)])
    assert info.value.key == key


def test_forms_are_kept_per_fields_and_read_only_flags():
    views = ToscaWidgetsViewFactory({}, registry=[MOVIE])
    assert views.form(MOVIE) is views.form(MOVIE, MOVIE.form_fields)
    frozen = tuple(f.but(read_only=True) if f.name == "title" else f for f in FIELDS)
    assert [f.name for f in views.form(MOVIE, frozen).read_only] == ["title"]
    assert "title" in views.form(MOVIE).fields_by_name  # the editable form is still there


@pytest.mark.parametrize("relations", [CHOICES, COMPLETE])
def test_every_invalid_input_is_marked_and_described_by_its_message(form, relations):
    names = [f.name for f in FIELDS]
    html = form.render({}, {n: "Enter a value" for n in names}, relations)
    for name in names:
        box = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{name}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in box, name
        described = re.search(r'aria-describedby="([^"]*)"', box).group(1).split()
        assert f"{name}:error" in described and f'id="{name}:error"' in html
    valid = form.render({}, {"title": "Enter a value"}, relations)
    assert valid.count('aria-invalid="true"') == 1


def test_the_error_summary_lists_inputs_in_form_order_form_errors_first(form):
    summary = form.error_summary({"year": "Enter a value", "": "Out of stock",
                                  "title": "Enter a value"})
    assert summary == [(None, "", "Out of stock"), ("title", "Title", "Enter a value"),
                       ("year", "Year", "Enter a value")]
