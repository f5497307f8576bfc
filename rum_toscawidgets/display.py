"""A field's value as HTML, by kind: one display for grid cells, show pages and conflict pages.

`renderer(...)` picks, once per field and page, a function `(value, record) -> markup`; the
grid calls it for every cell, so each kind's function does the least it can (text and whole
numbers are escaped or formatted directly). What each kind shows:

- no value (None, an empty file or relation list): `<span class="empty">—</span>`;
- to_one: a link to the row, its label alone when the row is opaque (a `<span class="opaque">`)
  or has no resource; to_many: a `<ul class="refs">` of such links;
- boolean: yes / no in the page's language; binary: a download link with the size;
- json: `<code class="json">`; every other kind: `rum.values.display`, escaped; dates, times
  and numbers as the page's locale writes them (`translations.formats`, built once per
  locale), keys of rows as they are (an id is a name, not a quantity).

A resource's formatter (`resource.formatters[name](value, record)`) replaces the kind's
display of a value: text it returns is escaped, markup (Genshi's `Markup`, or any object with
`__html__` such as markupsafe's) goes in as it is. Values of no value stay the empty mark, formatter or not.
"""

from collections.abc import Callable, Mapping
from typing import Any

from genshi.core import Markup, escape

from rum.contracts import Ref
from rum.fields import Field
from rum.i18n import N_
from rum.values import display

EMPTY = Markup('<span class="empty">—</span>')
DOWNLOAD = N_("Download (%(size)s bytes)")
TEXT_KINDS = frozenset({"string", "text", "enum"})  # display() is str() for their text

Render = Callable[[Any, Any], str]


def _text(value) -> str:
    return escape(value, quotes=False)


def ref_html(ref: Ref, urls, shows: dict | None = None) -> str:
    """A related row: a link, or its label alone when it may not be seen (or linked).

    `shows`: resource -> its `urls.for_id("show", resource, escaped=escape)`, filled in as
    refs come (a column's refs are mostly of one resource), kept by the caller for a page."""
    label = escape(ref.label, quotes=False)
    if ref.opaque:
        return f'<span class="opaque">{label}</span>'
    if not ref.resource or urls is None:
        return label
    if shows is None:
        return f'<a href="{escape(urls.show(ref.resource, ref.id))}">{label}</a>'
    show = shows.get(ref.resource)
    if show is None:
        show = shows[ref.resource] = urls.for_id("show", ref.resource, escaped=escape)
    return f'<a href="{show(ref.id)}">{label}</a>'


def _plain(field: Field, formats) -> Render:
    """Text and numbers: the grid's fast path (no call into `display` for str and int)."""
    fast = str if field.kind in TEXT_KINDS else int if field.kind == "integer" else None
    if field.primary_key:
        formats = None  # an id reads as it is written in links and filters
    number = str if formats is None else formats.integer

    def html(value, record):
        if value is None:
            return EMPTY
        if type(value) is fast:
            return _text(value) if fast is str else number(value)
        return _text(display(field, value, formats))
    return html


def _json(field: Field) -> Render:
    def html(value, record):
        if value is None:
            return EMPTY
        return f'<code class="json">{_text(display(field, value))}</code>'
    return html


def _boolean(gettext) -> Render:
    yes, no = _text(gettext("yes")), _text(gettext("no"))

    def html(value, record):
        return EMPTY if value is None else (yes if value else no)
    return html


def _to_one(urls) -> Render:
    shows: dict = {}  # one renderer serves one page: its links worked out once

    def html(value, record):
        return EMPTY if value is None else ref_html(value, urls, shows)
    return html


def _to_many(urls) -> Render:
    shows: dict = {}

    def html(value, record):
        if not value:
            return EMPTY
        items = "".join(f"<li>{ref_html(ref, urls, shows)}</li>" for ref in value)
        return f'<ul class="refs">{items}</ul>'
    return html


def _binary(field: Field, resource: str, urls, gettext, formats) -> Render:
    size = (lambda n: f"{n:,}") if formats is None else formats.count

    def html(value, record):
        if not value:
            return EMPTY
        text = _text(gettext(DOWNLOAD) % {"size": size(len(value))})
        if urls is None or record is None:
            return text
        return f'<a href="{escape(urls.download(resource, record.id, field.name))}">{text}</a>'
    return html


def _formatted(formatter: Callable, shown_empty: Render) -> Render:
    def html(value, record):
        if value is None:
            return shown_empty(value, record)
        out = formatter(value, record)
        if isinstance(out, Markup):  # Genshi's markup (it has no __html__)
            return out
        markup = getattr(out, "__html__", None)
        if markup is not None:  # markup already (markupsafe...): the formatter answers for it
            return Markup(markup())
        return _text("" if out is None else str(out))
    return html


def renderer(field: Field, resource: str, urls, translations=None,
             formatters: Mapping[str, Callable] | None = None) -> Render:
    """The function showing `field`'s values of `resource` as HTML.

    `urls` builds the links (`show(resource, id)`, `download(resource, id, field)`); None
    shows labels and sizes without links. `translations` is the page's language (its
    `gettext` and `formats`); None is English with ISO dates and plain numbers."""
    gettext = translations.gettext if translations is not None else str
    formats = getattr(translations, "formats", None)
    kind = field.kind
    if kind == "to_one":
        shown = _to_one(urls)
    elif kind == "to_many":
        shown = _to_many(urls)
    elif kind == "boolean":
        shown = _boolean(gettext)
    elif kind == "binary":
        shown = _binary(field, resource, urls, gettext, formats)
    elif kind == "json":
        shown = _json(field)
    else:
        shown = _plain(field, formats)
    formatter = (formatters or {}).get(field.name)
    return shown if formatter is None else _formatted(formatter, shown)


def value_html(resource, field: Field, value, record, urls, translations=None) -> Markup:
    """One value of one record as HTML (show and conflict pages)."""
    return Markup(renderer(field, resource.name, urls, translations,
                           resource.formatters)(value, record))
