"""One display by kind: a value reads the same in a grid cell, on a show page and in a
conflict page's stored column; a resource's formatters apply to all three."""

import datetime
import decimal
import re
import uuid

import markupsafe
import pytest
from genshi.core import Markup

from rum.builtin_actions import builtin_table
from rum.contracts import Record, Ref
from rum.fields import KINDS, Field
from rum.i18n import Catalogs
from rum.links import ListLinks
from rum.query import Page, Query
from rum.resources import Resource
from rum.urls import Urls
from rum_toscawidgets import ToscaWidgetsViewFactory
from rum_toscawidgets.display import EMPTY
from tests.conftest import edit_version
from tests.rum_toscawidgets.pages import display_client


class Point:
    """A value of a type Rum does not know (kind `unknown`): shown with str()."""

    def __str__(self):
        return "<point 1 2>"


TZ = datetime.timezone(datetime.timedelta(hours=2))
CHOICES = (("a", "A"), ("b", "B"), ("c", "C"))
CASES = [  # (kind, Field options, value, the HTML every page shows for it)
    ("string", {}, "a<b & 'c'", "a&lt;b &amp; 'c'"),
    ("string", {}, "", ""),
    ("text", {}, "two\nlines <i>", "two\nlines &lt;i&gt;"),
    ("integer", {}, 0, "0"),
    ("integer", {}, -12, "-12"),
    ("decimal", {}, decimal.Decimal("9.50"), "9.50"),
    ("float", {}, 2.5, "2.5"),
    ("float", {}, 3, "3.0"),  # a whole number in a float column reads as the float it is
    ("boolean", {}, True, "yes"),
    ("boolean", {}, False, "no"),
    ("date", {}, datetime.date(2024, 1, 2), "2024-01-02"),
    ("datetime", {}, datetime.datetime(2024, 1, 2, 3, 4), "2024-01-02 03:04"),
    ("datetime_tz", {}, datetime.datetime(2024, 1, 2, 3, 4, tzinfo=TZ), "2024-01-02 03:04+02:00"),
    ("time", {}, datetime.time(10, 30, 15), "10:30:15"),
    ("duration", {}, datetime.timedelta(hours=-1, minutes=-30), "-01:30:00"),
    ("interval", {}, "1 year 2 mons", "1 year 2 mons"),
    ("enum", {"choices": (("R<", "R<"),)}, "R<", "R&lt;"),
    ("binary", {}, b"abc", '<a href="/things/7/download/value">Download (3 bytes)</a>'),
    ("binary", {}, b"", EMPTY),
    ("json", {}, {"k": "<v>"}, '<code class="json">{"k": "&lt;v&gt;"}</code>'),
    ("uuid", {}, uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    ("to_one", {}, Ref("makers", "3", "Acme <&>"), '<a href="/makers/3">Acme &lt;&amp;&gt;</a>'),
    ("to_one", {}, Ref("makers", "3", "#3", opaque=True), '<span class="opaque">#3</span>'),
    ("to_one", {}, Ref("", "3", "no resource"), "no resource"),
    ("to_many", {}, [Ref("tags", "1", "<b>"), Ref("tags", "2", "#2", opaque=True)],
     '<ul class="refs"><li><a href="/tags/1">&lt;b&gt;</a></li>'
     '<li><span class="opaque">#2</span></li></ul>'),
    ("to_many", {}, [], EMPTY),
    ("array", {"options": {"item": "integer"}}, [1, None, [2, 3]], "1, NULL, [2, 3]"),
    ("set", {"choices": CHOICES}, ["c", "a"], "a, c"),
    ("inet", {}, "10.0.0.0/8", "10.0.0.0/8"),
    ("money", {}, "$1,000.00", "$1,000.00"),
    ("unknown", {}, Point(), "&lt;point 1 2&gt;"),
] + [(kind, {}, None, EMPTY) for kind in sorted(KINDS)]


def _resource(field: Field, formatters=None) -> Resource:
    fields = (Field("id", "integer", primary_key=True), field)
    return Resource(name="things", model=object, label="Thing", plural_label="Things",
                    fields=fields, list_fields=fields, form_fields=fields[1:],
                    formatters=formatters or {})


def grid_cell(resource: Resource, value) -> str:
    """The HTML of the second column's cell of a one-row grid."""
    views = ToscaWidgetsViewFactory({}, registry=[resource])
    records = [Record("7", "x", {"id": 7, "value": value})]
    page = Page(records, Query(), count=1)
    with views.scope():
        html = views.grid(resource).render(records, page, ListLinks(Urls("", builtin_table()), "things",
                                                                   page.query, 20))
    return re.findall(r"<td>(.*?)</td>", html, re.S)[1]


def shown_value(resource: Resource, value) -> str:
    """What show and conflict pages insert for the value: the view's `value`."""
    views = ToscaWidgetsViewFactory({}, registry=[resource])
    record = Record("7", "x", {"id": 7, "value": value})
    return views.value(resource, resource.fields[1], value, record, Urls("", builtin_table()))


def test_every_kind_has_cases():
    assert {kind for kind, *_ in CASES} == KINDS


@pytest.mark.parametrize("kind, options, value, expected", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_grid_cell_and_shown_value_are_one_display(kind, options, value, expected):
    resource = _resource(Field("value", kind, related="x" if kind.startswith("to_") else None,
                               **options))
    assert grid_cell(resource, value) == expected
    assert shown_value(resource, value) == expected


# -- formatters: text escaped, markup kept, the same on every page --------------------------

PLANTED = "<script>alert(1)</script>"
FORMATTERS = [  # (formatter, value, expected HTML)
    (lambda v, r: f"{PLANTED} {v}", "x", "&lt;script&gt;alert(1)&lt;/script&gt; x"),
    (lambda v, r: Markup(f"<b>{v}</b>"), "x", "<b>x</b>"),  # Genshi markup
    (lambda v, r: markupsafe.Markup("<i>{}</i>").format(v), "<x>", "<i>&lt;x&gt;</i>"),
    (lambda v, r: f"{r.label}: {v:,}", 12345, "the row: 12,345"),  # it sees the record
    (lambda v, r: 1 / 0, None, EMPTY),  # no value: not called
]


@pytest.mark.parametrize("formatter, value, expected", FORMATTERS)
def test_formatters_escape_text_and_keep_markup(formatter, value, expected):
    resource = _resource(Field("value", "string"), formatters={"value": formatter})
    record = Record("7", "the row", {"id": 7, "value": value})
    views = ToscaWidgetsViewFactory({}, registry=[resource])
    page = Page([record], Query(), count=1)
    with views.scope():
        grid = views.grid(resource).render([record], page, ListLinks(Urls("", builtin_table()), "things",
                                                                     page.query, 20))
    assert re.findall(r"<td>(.*?)</td>", grid, re.S)[1] == expected
    assert views.value(resource, resource.fields[1], value, record, Urls("", builtin_table())) == expected


# -- through the real pages ---------------------------------------------------------------

COLUMNS = ["id", "name", "body", "count", "price", "ratio", "flag", "day", "stamp", "clock",
           "size", "blob", "doc", "token", "maker", "tags"]


def _list_cells(html: str, ident: str) -> list[str]:
    row = re.search(rf'<tr>\s*<td class="select"><input[^>]*value="{ident}".*?</tr>',
                    html, re.S).group(0)
    return re.findall(r"<td>(.*?)</td>", row, re.S)


def _show_values(html: str) -> dict[str, str]:
    """dt label -> the dd's value (the show page's count of related rows left out)."""
    return {dt: re.sub(r'^<p class="size">.*?</p>', "", dd, flags=re.S)
            for dt, dd in re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)}


@pytest.mark.parametrize("row", [0, 1], ids=["full", "empty"])
def test_list_and_show_pages_show_each_value_alike(monkeypatch, tmp_path, row):
    client, app = display_client(monkeypatch, tmp_path,
                                 resources={"Thing": {"list_fields": COLUMNS}})
    labels = {f.name: f.label for f in app.registry.get("things").fields}
    ident = client.get("/things.json").json["items"][row]["id"]
    cells = dict(zip(COLUMNS, _list_cells(client.get("/things").text, ident), strict=True))
    shown = _show_values(client.get(f"/things/{ident}").text)
    cells["id"] = re.sub(r"^<a [^>]*>(.*)</a>$", r"\1", cells["id"])  # the row's own link
    for name in COLUMNS:
        assert cells[name] == shown[labels[name]], name
    if row == 0:
        assert cells["name"] == "Heat &lt;script&gt;x&lt;/script&gt;"
        assert cells["blob"] == f'<a href="/things/{ident}/download/blob">Download (3 bytes)</a>'
        assert cells["tags"].startswith('<ul class="refs"><li><a href="/tags/')
        assert cells["doc"].startswith('<code class="json">')
    else:
        assert cells["body"] == cells["tags"] == cells["maker"] == cells["blob"] == EMPTY
        assert cells["flag"] == "no"


def test_formatters_apply_on_list_show_and_conflict_pages(monkeypatch, tmp_path):
    formatters = {"name": lambda v, r: f"{PLANTED}{v}",
                  "maker": lambda v, r: Markup('<em class="maker">%s</em>') % v.label}
    client, _app = display_client(monkeypatch, tmp_path, Thing={"formatters": formatters},
                                  resources={"Thing": {"list_fields": ["name", "maker"]}})
    ident = client.get("/things.json").json["items"][0]["_url"].rsplit("/", 1)[1]
    pages = {"list": client.get("/things").text, "show": client.get(f"/things/{ident}").text}
    form = client.get(f"/things/{ident}/edit").forms[0]
    version = edit_version(client, f"/things/{ident}")
    form["_version"] = "stale" + version
    pages["conflict"] = form.submit(status=409).text
    for name, html in pages.items():
        assert "&lt;script&gt;alert(1)&lt;/script&gt;Heat" in html, name
        assert PLANTED not in html, name
        assert '<em class="maker">Acme &lt;&amp;&gt; \'co\'</em>' in html, name
    assert client.get(f"/things/{ident}.json").json["name"].startswith("Heat <script>")


# -- the page's locale: dates, times and numbers as it writes them ----------------------------

STAMP = datetime.datetime(2024, 1, 26, 5, 0)
NARROW = "\u202f"  # CLDR's narrow no-break space before AM/PM
LOCALIZED = [  # (locale, kind, value, the HTML grid cells and show pages show)
    ("en", "datetime", STAMP, f"Jan 26, 2024, 5:00:00{NARROW}AM"),
    ("de", "datetime", STAMP, "26.01.2024, 05:00:00"),
    ("es", "datetime", STAMP, "26 ene 2024, 5:00:00"),
    ("en", "datetime_tz", STAMP.replace(tzinfo=TZ), f"Jan 26, 2024, 5:00:00{NARROW}AM +02:00"),
    ("de", "datetime_tz", STAMP.replace(tzinfo=TZ), "26.01.2024, 05:00:00 +02:00"),
    ("en", "date", STAMP.date(), "Jan 26, 2024"),
    ("de", "date", STAMP.date(), "26.01.2024"),
    ("es", "date", STAMP.date(), "26 ene 2024"),
    ("en", "time", datetime.time(17, 30, 15), f"5:30:15{NARROW}PM"),
    ("de", "time", datetime.time(17, 30, 15), "17:30:15"),
    ("en", "integer", 1234567, "1,234,567"),
    ("de", "integer", 1234567, "1.234.567"),
    ("es", "integer", -1234567, "-1.234.567"),
    ("de", "integer", 2024, "2024"),  # a year reads as written: grouping from five digits
    ("en", "decimal", decimal.Decimal("12345.50"), "12,345.50"),
    ("de", "decimal", decimal.Decimal("12345.50"), "12.345,50"),  # its places are kept
    ("es", "decimal", decimal.Decimal("9.5"), "9,5"),
    ("en", "float", 2.5, "2.5"),
    ("de", "float", 0.1, "0,1"),
    ("de", "array", [decimal.Decimal("1.5"), None], "1,5, NULL"),
]


@pytest.mark.parametrize("locale, kind, value, expected", LOCALIZED,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(LOCALIZED)])
def test_values_read_the_way_the_pages_locale_writes_them(locale, kind, value, expected):
    options = {"options": {"item": "decimal"}} if kind == "array" else {}
    resource = _resource(Field("value", kind, **options))
    translations = Catalogs()[locale]
    views = ToscaWidgetsViewFactory({}, registry=[resource])
    record = Record("7", "x", {"id": 10001, "value": value})
    page = Page([record], Query(), count=12345)
    with views.scope():
        html = views.grid(resource).render([record], page, ListLinks(
            Urls("", builtin_table()), "things", page.query, 20), translations=translations)
    cells = re.findall(r"<td>(.*?)</td>", html, re.S)
    assert cells[1] == expected
    assert ">10001<" in cells[0]  # a key is a name: never grouped
    assert views.value(resource, resource.fields[1], value, record, Urls("", builtin_table()),
                       translations) == expected


@pytest.mark.parametrize("locale, count", [("en", "12,345 rows"), ("de", "12.345 Zeilen"),
                                           ("es", "12.345 filas")])
def test_the_row_count_reads_the_locales_way(locale, count):
    resource = _resource(Field("value", "integer"))
    views = ToscaWidgetsViewFactory({}, registry=[resource])
    page = Page([], Query(), count=12345)
    with views.scope():
        html = views.grid(resource).render([], page, ListLinks(
            Urls("", builtin_table()), "things", page.query, 20),
            translations=Catalogs()[locale])
    assert count in html
