"""The list grid and its pager: a tw2 widget whose markup is built here as strings.

A list page's grid went through Genshi's event pipeline at about 5 µs an event: the rows
(20 x 40 events) and then the frame around them (headers, pager) cost more than the rest of
the page together. So `rows_html` builds the rows and `frame_html` the frame as strings,
escaped as Genshi's HTML serializer escapes (attribute values with quotes, text without),
each cell through the one display by kind (`display.renderer`, picked once per column).
The markup is the one the former Genshi frame gave, byte for byte (tests/rum_toscawidgets
keeps that template and compares). A subclass that names a Genshi `template` is rendered
through it instead (see `templated`), with the same variables (`w.rows`, `w.numbers`...).

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
    # the links' paths escaped once for the page: a quoted id needs no escaping
    show, edit_of, delete_of = (links.of_rows(name, escape) for name in (
        "show", "edit", "confirm_delete"))
    out = []
    for r in records:
        show_url = show(r.id)
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
            row.append(f'<a href="{edit_of(r.id)}"{UNTABBED}>{edit_text}</a>')
        if delete:
            row.append(f'<a href="{delete_of(r.id)}"{UNTABBED}>{delete_text}</a>')
        row.append("</td>\n        </tr>")
        out.append("".join(row))
    return Markup("".join(out))


ARIA_SORT = {"asc": ' aria-sort="ascending"', "desc": ' aria-sort="descending"'}


def _text(text: str) -> str:
    return escape(text, quotes=False)


# Messages are asked for outside f-strings: the catalogs' extraction (`make i18n`) does not
# look inside them.
def header_html(fields, links, gettext, selectable: bool) -> str:
    """The header row: the select-all box, each column's label (a link that sorts by it
    when it is sortable, its direction in aria-sort) and the actions column."""
    out = ["<tr>\n          "]
    if selectable:
        select_all = escape(gettext("Select all rows"))
        out.append('<td class="select"><input type="checkbox" data-select-all="ids" '
                   f'aria-label="{select_all}" hidden="hidden"></td>')
    out.append("\n          ")
    for f in fields:
        direction = links.sorted_by(f.name)
        label = _text(gettext(f.label))
        out.append(f'<th scope="col"{ARIA_SORT.get(direction, "")}>\n            ')
        if f.sortable and f.kind != "to_many":
            shown = f' class="{escape(direction)}"' if direction else ""
            out.append(f'<a href="{escape(links.sort(f.name))}"{shown}>{label}</a>'
                       "\n            \n          </th>")
        else:
            out.append(f"\n            {label}\n          </th>")
    actions = _text(gettext("Actions"))
    out.append(f'\n          <th scope="col"><span class="sr-only">{actions}</span></th>'
               "\n        </tr>")
    return "".join(out)


def pager_html(page, links, numbers, translations, integer) -> str:
    """The pager: the count (exact, "+" when at least, "about" when estimated), Previous,
    the page numbers (None is a gap) and Next."""
    gettext, ngettext = translations.gettext, translations.ngettext
    pages = escape(gettext("Pages"))
    out = [f'<nav id="pages" class="pager" aria-label="{pages}">\n    ']
    count = page.count
    if count is not None:
        n = integer(count) + ("" if page.count_exact or page.count_estimated else "+")
        if page.count_estimated:
            said = ngettext("about %(count)s row", "about %(count)s rows", count)
        else:
            said = ngettext("%(count)s row", "%(count)s rows", count)
        out.append(f'<span class="count">{_text(said % {"count": n})}</span>')
    out.append("\n    ")
    prev = links.prev(page)
    if prev:
        previous = _text(gettext("Previous"))
        out.append(f'<a href="{escape(prev)}" rel="prev">{previous}</a>')
    out.append("\n    ")
    current = page.query.page
    for number in numbers:
        if number is None:
            out.append("<span>…</span>")
        elif number == current:
            out.append(f'<span class="current" aria-current="page">{number}</span>')
        else:
            out.append(f'<a href="{escape(links.page(number))}">{number}</a>')
    out.append("\n    ")
    if page.has_next:
        following = _text(gettext("Next"))
        out.append(f'<a href="{escape(links.next(page))}" rel="next">{following}</a>')
    out.append("\n  </nav>")
    return "".join(out)


def frame_html(grid: "Grid") -> str:
    """The whole grid of a prepared `Grid`: headers, its rows (or "Nothing found."), pager."""
    gettext, fields, selectable = grid.gettext, grid.fields, grid.selectable
    empty = ""
    if not grid.records:
        nothing = _text(gettext("Nothing found."))
        empty = (f'<tr><td colspan="{len(fields) + (2 if selectable else 1)}" class="empty">'
                 f"{nothing}</td></tr>")
    return "".join((
        '<div class="grid-block">\n  <div class="grid-wrap">\n    <table class="grid">\n'
        "      <thead>\n        ", header_html(fields, grid.links, gettext, selectable),
        "\n      </thead>\n      <tbody>\n        ", grid.rows, "\n        ", empty,
        "\n      </tbody>\n    </table>\n  </div>\n  ",
        pager_html(grid.page, grid.links, grid.numbers, grid.translations, grid.integer),
        "\n</div>"))


class Grid(HtmlWidget):
    """GridView: one resource's rows, sortable headers and a pager."""

    template = None  # a subclass may name a Genshi template for the whole grid
    resource = twc.Param("the resource whose rows these are", default=None)
    records = twc.Param("the page's rows (rum.contracts.Record)", default=())
    page = twc.Param("the page (rum.query.Page): counts, next and previous", default=None)
    links = twc.Param("the list's links (rum.links.ListLinks)", default=None)
    fields = twc.Param("the columns (default: the resource's list fields)", default=None)
    translations = twc.Param("anything with gettext/ngettext (English without)", default=None)
    rows = twc.Variable("the body rows, as markup", default="")
    numbers = twc.Variable("the page links to show; None is a gap", default=())
    selectable = twc.Variable("whether rows have checkboxes for a bulk action", default=False)
    gettext = twc.Variable(default=None)
    ngettext = twc.Variable(default=None)
    integer = twc.Variable("a count as the locale writes it", default=None)

    def prepare(self):
        super().prepare()
        translations = self.translations = self.translations or NullTranslations()
        self.gettext, self.ngettext = translations.gettext, translations.ngettext
        formats = getattr(translations, "formats", None)
        self.integer = formats.count if formats is not None else "{:,}".format
        if self.fields is None:
            self.fields = self.resource.list_fields
        links = self.links
        self.selectable = getattr(links, "selectable", "delete" in links.allowed)
        last = self.page.pages
        if last and getattr(links, "max_page", None):
            last = min(last, links.max_page)  # deeper numbers would be refused: Next goes on
        self.numbers = page_numbers(self.page.query.page, last) if last else []
        self.rows = rows_html(self.resource, self.records, self.fields, links, translations)

    def generate_output(self, displays_on):
        if self.template_file is not None:
            return super().generate_output(displays_on)
        return Markup(frame_html(self))

    @classmethod
    def render(cls, records, page, links, translations=None, fields=None) -> str:
        """`fields`: the columns to show (the resource's list fields less any the policy
        hides); `translations`: the request's language (gettext/ngettext)."""
        return str(cls.req(records=records, page=page, links=links, translations=translations,
                           fields=fields).display(displays_on=ENGINE))
