"""The list grid and its pager: one cached Genshi template, its rows joined in Python.

The rows are most of a list page's markup: through Genshi's event pipeline they cost about
5 µs an event, 20 rows x 40 events, more than the rest of the page together. So the frame
(headers, pager) is the template `grid.html` and the rows are strings built here, escaped
as Genshi escapes them.
"""

import os
from gettext import NullTranslations
from numbers import Number

from genshi.core import Markup, escape
from genshi.template import TemplateLoader

from rum.values import display

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """Page links to show: first, last and a window around the current page; None is a gap."""
    wanted = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
    out: list[int | None] = []
    for n in sorted(wanted):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def shown(value) -> str:
    """`${value}` of a Genshi template, escaped: text, numbers, else each item's str()."""
    if isinstance(value, str):
        return escape(value, quotes=False)
    if isinstance(value, Number):
        return str(value)
    if hasattr(value, "__iter__"):
        return "".join(escape(str(item), quotes=False) for item in value)
    return escape(str(value), quotes=False)


def _cell(record, field, value, links, gettext, show_url) -> str:
    if value is None:
        return "<td></td>"
    if field.kind == "to_one":
        label = escape(value.label, quotes=False)
        if not value.resource or value.opaque:  # opaque: a row this identity may not see
            return f"<td>{label}</td>"
        return f'<td><a href="{escape(links.ref(value))}">{label}</a></td>'
    if field.kind == "boolean":
        return f"<td>{escape(gettext('yes') if value else gettext('no'), quotes=False)}</td>"
    if field.kind == "to_many":
        return f"<td>{escape(', '.join(ref.label for ref in value), quotes=False)}</td>"
    text = shown(value) if type(value) is str or type(value) is int else \
        escape(display(field, value), quotes=False)
    if field.primary_key:
        return f'<td><a href="{show_url}">{text}</a></td>'
    return f"<td>{text}</td>"


def rows_html(records, fields, links, gettext) -> Markup:
    """The grid's body rows: a checkbox (when rows are selectable), the cells, the actions."""
    selectable = getattr(links, "selectable", "delete" in links.allowed)
    edit, delete = "update" in links.allowed, "delete" in links.allowed
    show_text = escape(gettext("Show"), quotes=False)
    edit_text = escape(gettext("Edit"), quotes=False)
    delete_text = escape(gettext("Delete"), quotes=False)
    select_text = gettext("Select %(record)s")
    out = []
    for r in records:
        show_url = escape(links.show(r.id))
        row = ["<tr>\n          "]
        if selectable:
            row.append(f'<td class="select"><input type="checkbox" name="ids" value="{escape(r.id)}"'
                       f' aria-label="{escape(select_text % {"record": r.label})}"></td>\n          ')
        values = r.values
        row.extend(_cell(r, f, values.get(f.name), links, gettext, show_url) for f in fields)
        row.append(f'\n          <td class="actions"><a href="{show_url}">{show_text}</a>')
        if edit:
            row.append(f'<a href="{escape(links.edit(r.id))}">{edit_text}</a>')
        if delete:
            row.append(f'<a href="{escape(links.confirm_delete(r.id))}">{delete_text}</a>')
        row.append("</td>\n        </tr>")
        out.append("".join(row))
    return Markup("".join(out))


class Grid:
    """GridView for one resource."""

    def __init__(self, resource, loader: TemplateLoader):
        self.resource = resource
        self.template = loader.load("grid.html")

    def render(self, records, page, links, translations=None, fields=None) -> str:
        """`translations`: anything with the stdlib's gettext/ngettext (English without);
        `fields`: the columns to show (the resource's list fields less any the policy hides)."""
        translations = translations or NullTranslations()
        last = page.pages
        if last and getattr(links, "max_page", None):
            last = min(last, links.max_page)  # deeper numbers would be refused: Next goes on
        numbers = page_numbers(page.query.page, last) if last else []
        fields = self.resource.list_fields if fields is None else fields
        rows = rows_html(records, fields, links, translations.gettext)
        stream = self.template.generate(resource=self.resource, fields=fields, rows=rows,
                                        records=records, page=page, links=links, numbers=numbers,
                                        _=translations.gettext, ngettext=translations.ngettext)
        return stream.render("html", encoding=None, strip_whitespace=False)
