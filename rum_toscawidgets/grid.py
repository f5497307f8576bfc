"""The list grid and its pager: a tw2 widget whose template is the frame, its rows joined here.

The rows are most of a list page's markup: through Genshi's event pipeline they cost about
5 µs an event, 20 rows x 40 events, more than the rest of the page together. So the frame
(headers, pager) is the widget's template `grid.html`, parsed once (see `templated`), and
`prepare()` builds the rows as strings, escaped as Genshi escapes them, each cell through
the one display by kind (`display.renderer`, picked once per column).

`factory.grid(resource)` is a subclass of `Grid` per resource; `render` is the GridView.
Like every call into tw2 it runs inside the view factory's `scope()`.
"""

from gettext import NullTranslations

import tw2.core as twc
from genshi.core import Markup, escape

from .display import renderer
from .isolation import ENGINE
from .templated import HtmlWidget


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """Page links to show: first, last and a window around the current page; None is a gap."""
    wanted = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
    out: list[int | None] = []
    for n in sorted(wanted):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


UNTABBED = ' tabindex="-1"'


def rows_html(resource, records, fields, links, translations) -> Markup:
    """The grid's body rows: a checkbox (when rows are selectable), the cells, the actions."""
    gettext = translations.gettext
    selectable = getattr(links, "selectable", "delete" in links.allowed)
    edit, delete = "update" in links.allowed, "delete" in links.allowed
    show_text = escape(gettext("Show"), quotes=False)
    edit_text = escape(gettext("Edit"), quotes=False)
    delete_text = escape(gettext("Delete"), quotes=False)
    select_text = gettext("Select %(record)s")
    urls = getattr(links, "urls", None)
    columns = [(f.name, f.primary_key, renderer(f, resource.name, urls, translations,
                                                 resource.formatters)) for f in fields]
    out = []
    for r in records:
        show_url = escape(links.show(r.id))
        row = ["<tr>\n          "]
        if selectable:
            row.append(f'<td class="select"><input type="checkbox" name="ids" value="{escape(r.id)}"'
                       f' aria-label="{escape(select_text % {"record": r.label})}"></td>\n          ')
        values = r.values
        key_linked = False
        for name, key, shown in columns:
            value = values.get(name)
            if key and value is not None:  # the row's key links to the row
                key_linked = True
                row.append(f'<td><a href="{show_url}">{shown(value, r)}</a></td>')
            else:
                row.append(f"<td>{shown(value, r)}</td>")
        # One tab stop per row for its actions: the key link (else Show) opens the row, whose
        # page offers Edit and Delete; these links stay for the mouse and screen readers.
        show_stop = "" if not key_linked else UNTABBED
        row.append(f'\n          <td class="actions"><a href="{show_url}"{show_stop}>{show_text}</a>')
        if edit:
            row.append(f'<a href="{escape(links.edit(r.id))}"{UNTABBED}>{edit_text}</a>')
        if delete:
            row.append(f'<a href="{escape(links.confirm_delete(r.id))}"{UNTABBED}>'
                       f'{delete_text}</a>')
        row.append("</td>\n        </tr>")
        out.append("".join(row))
    return Markup("".join(out))


class Grid(HtmlWidget):
    """GridView: one resource's rows, sortable headers and a pager."""

    template = f"{ENGINE}:rum_toscawidgets.templates.grid"
    resource = twc.Param("the resource whose rows these are", default=None)
    records = twc.Param("the page's rows (rum.contracts.Record)", default=())
    page = twc.Param("the page (rum.query.Page): counts, next and previous", default=None)
    links = twc.Param("the list's links (rum.links.ListLinks)", default=None)
    fields = twc.Param("the columns (default: the resource's list fields)", default=None)
    translations = twc.Param("anything with gettext/ngettext (English without)", default=None)
    rows = twc.Variable("the body rows, as markup", default="")
    numbers = twc.Variable("the page links to show; None is a gap", default=())
    gettext = twc.Variable(default=None)
    ngettext = twc.Variable(default=None)
    integer = twc.Variable("a count as the locale writes it", default=None)

    def prepare(self):
        super().prepare()
        translations = self.translations or NullTranslations()
        self.gettext, self.ngettext = translations.gettext, translations.ngettext
        formats = getattr(translations, "formats", None)
        self.integer = formats.count if formats is not None else "{:,}".format
        if self.fields is None:
            self.fields = self.resource.list_fields
        last = self.page.pages
        if last and getattr(self.links, "max_page", None):
            last = min(last, self.links.max_page)  # deeper numbers would be refused: Next goes on
        self.numbers = page_numbers(self.page.query.page, last) if last else []
        self.rows = rows_html(self.resource, self.records, self.fields, self.links,
                              translations)

    @classmethod
    def render(cls, records, page, links, translations=None, fields=None) -> str:
        """`fields`: the columns to show (the resource's list fields less any the policy
        hides); `translations`: the request's language (gettext/ngettext)."""
        return str(cls.req(records=records, page=page, links=links, translations=translations,
                           fields=fields).display(displays_on=ENGINE))
