"""The list page's filter bar: one row per filterable column, an operator and a value each.

It reads the list's `Query` and sends back a GET form the core parses: `op.<field>` and
`v.<field>` per row, and the search, the sort and the filters it has no row for carried
along as hidden inputs, so applying filters changes nothing else of the list.
"""

from gettext import NullTranslations
from urllib.parse import urlencode

import tw2.core as twc

from rum.i18n import N_
from rum.query import ops_for

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
