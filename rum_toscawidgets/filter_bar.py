"""The list page's filter bar: one row per filterable column, an operator and a value each.

It reads the list's `Query` and sends back a GET form the core parses: `op.<field>` and
`v.<field>` per row, and the search, the sort and the filters it has no row for carried
along as hidden inputs, so applying filters changes nothing else of the list.
"""

from gettext import NullTranslations
from urllib.parse import urlencode

import tw2.core as twc

from rum.i18n import N_
from rum.query import Filter, ops_for

from .isolation import ENGINE
from .templated import HtmlWidget

OP_LABELS = {"eq": N_("is"), "ne": N_("is not"), "lt": "<", "le": "≤", "gt": ">", "ge": "≥",
             "contains": N_("contains"), "startswith": N_("starts with"), "in": N_("is one of"),
             "is_null": N_("is empty")}
INPUT_TYPES = {"integer": "number", "date": "date", "datetime": "datetime-local",
               "time": "time"}


def split_filters(fields, query) -> tuple[dict, list]:
    """(field name -> the filter its row shows, the other filters): a row shows the first
    filter on its field; any further ones, and those on fields without a row, stay hidden."""
    names = {f.name for f in fields}
    current, kept = {}, []
    for f in query.filters:
        if f.field in names and f.field not in current:
            current[f.field] = f
        else:
            kept.append(f)
    return current, kept


class FilterBar(HtmlWidget):
    """The `<details class="filters">` block of a list page."""

    template = f"{ENGINE}:rum_toscawidgets.templates.filter_bar"
    resource = twc.Param("the listed resource", default=None)
    fields = twc.Param("the list's columns; the filterable ones get a row", default=())
    query = twc.Param("the list's rum.query.Query", default=None)
    list_url = twc.Param("where the form goes: the list's URL without a query", default="")
    urls = twc.Param("rum.urls.Urls: `complete(resource, field)` for to-one rows", default=None)
    translations = twc.Param("anything with gettext (English without)", default=None)
    values = twc.Param("field name -> the Refs to choose its value from", default={})
    problems = twc.Param("field name -> rum.filter_names.NameProblem", default={})
    gettext = twc.Variable(default=None)
    current = twc.Variable("field name -> the filter its row shows", default={})
    kept = twc.Variable("the filters carried along unchanged", default=())
    clear_url = twc.Variable(default="")
    ops_for = staticmethod(ops_for)
    op_labels = OP_LABELS
    input_types = INPUT_TYPES

    def prepare(self):
        super().prepare()
        self.gettext = (self.translations or NullTranslations()).gettext
        self.fields = [f for f in self.fields if f.filterable and ops_for(f.kind)]
        self.current, self.kept = split_filters(self.fields, self.query)
        search = self.query.search
        self.clear_url = self.list_url + (f"?{urlencode({'q': search})}" if search else "")

    def complete_url(self, field) -> str:
        return self.urls.complete(self.resource.name, field.name)

    def listed(self, field) -> bool:
        """Whether the field's value is chosen from a list: a small relation whose
        current filter (if any) the list can show."""
        cur = self.current.get(field.name)
        return field.name in self.values and field.name not in self.problems and (
            cur is None or (cur.op != "in" and self.chosen(field, cur.value) is not None))

    def chosen(self, field, value: str):
        """The listed row a filter value names (by id, or by name ignoring case)."""
        text = (value or "").strip()
        return next((r for r in self.values.get(field.name, ()) if r.id == text
                     or r.label.lower() == text.lower()), None) if text else ""

    def pick_url(self, field, name: str, ident: str) -> str:
        """The list with `field`'s filter naming the row `ident` in the place of `name`."""
        cur = self.current[field.name]
        parts = [p.strip() for p in cur.value.split(",")] if cur.op == "in" else [cur.value]
        value = ",".join(ident if p.strip() == name else p.strip() for p in parts)
        filters = tuple(Filter(f.field, f.op, value) if f is cur else f
                        for f in self.query.filters)
        query = self.query.but(filters=filters, cursor="", backward=False, page=1)
        return f"{self.list_url}?{query.to_query_string()}"

    def missing_text(self, field, name: str) -> str:
        return self.gettext(N_("No %(field)s is called “%(name)s”.")) % {
            "field": self.gettext(field.label), "name": name}

    def shared_text(self, field, name: str) -> str:
        return self.gettext(N_("Several rows are called “%(name)s”: all of them are shown. "
                               "Choose one:")) % {"name": name}
