"""The view factory: rum fields -> tw2 forms, grids, filter bars and displayed values."""

import os

import tw2.core as twc
from genshi.template import TemplateLoader

from rum.errors import ConfigError

from .display import value_html
from .filter_bar import FilterBar
from .forms import ToscaWidgetsForm
from .grid import Grid
from .isolation import ENGINE, Tw2State
from .templated import WidgetTemplates

SECTION = "rum.viewfactory"
MAX_KEPT_BARS = 1000
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def _names(fields) -> tuple:
    # read-only can differ per request (a resource class's get_read_only_fields)
    return tuple((f.name, f.read_only) for f in fields)


def check_resource(resource) -> None:
    """`widgets` and `fieldsets` name fields of the resource; widgets are tw2 widget classes."""
    known = {f.name for f in resource.fields}
    key = f"resources.{resource.label}"
    for name, widget in resource.widgets.items():
        if name not in known:
            raise ConfigError(f"{key}.widgets", f"unknown field {name!r}; known: {sorted(known)}")
        if not (isinstance(widget, type) and issubclass(widget, twc.Widget)):
            raise ConfigError(f"{key}.widgets.{name}", f"must be a tw2 widget class, not {widget!r}")
    seen: set[str] = set()
    for title, names in resource.fieldsets:
        for name in names:
            if name not in known or name in seen:
                problem = "named twice" if name in seen else "unknown field"
                raise ConfigError(f"{key}.fieldsets", f"{problem} {name!r} in {title!r}")
            seen.add(name)


class ToscaWidgetsViewFactory:
    """`use = 'toscawidgets'`: forms with tw2 validation, grids and filter bars as tw2
    widgets over templates parsed once, one display by kind for every page."""

    def __init__(self, options: dict, *, registry, debug: bool = False):
        if options:
            raise ConfigError(f"{SECTION}.{sorted(options)[0]}", "unknown option; this view "
                              "factory takes none besides 'use'")
        self.tw2 = Tw2State(debug=debug)
        loader = WidgetTemplates(TemplateLoader([TEMPLATES], auto_reload=debug))
        self._grids = {r.name: Grid(resource=r, loader=loader) for r in registry}
        self._filter_bar = FilterBar(loader=loader)
        self._forms: dict[tuple, ToscaWidgetsForm] = {}
        self._bars: dict[tuple, str] = {}  # filter bars without filters, rendered once
        for r in registry:
            check_resource(r)
            try:
                self._forms[(r.name, _names(r.form_fields))] = self._build_form(
                    r, r.form_fields, r.label.replace(" ", ""))
            except ValueError as exc:
                raise ConfigError(f"resources.{r.label}.form_fields", str(exc)) from None

    @staticmethod
    def _build_form(resource, fields, name: str) -> ToscaWidgetsForm:
        return ToscaWidgetsForm(fields, name, widgets=resource.widgets,
                                fieldsets=resource.fieldsets)

    def form(self, resource, fields=None) -> ToscaWidgetsForm:
        """The form for `fields` (default: all form fields). A policy that hides fields asks
        for a subset; each distinct subset is built once and kept."""
        fields = resource.form_fields if fields is None else tuple(fields)
        key = (resource.name, _names(fields))
        form = self._forms.get(key)
        if form is None:
            form = self._forms.setdefault(key, self._build_form(
                resource, fields, resource.label.replace(" ", "") + str(len(self._forms))))
        return form

    def grid(self, resource) -> type[Grid]:
        return self._grids[resource.name]

    def filter_bar(self, resource, fields, query, list_url: str, urls,
                   translations=None, values=None, problems=None) -> str:
        """The list page's filter bar: a row per filterable field of `fields`.

        Without filters or a search (most list pages) the bar depends only on the fields,
        the URLs, the language and the values listed, so it is rendered once for them and
        kept."""
        key = None
        values = dict(values or {})
        if not query.filters and not query.search and not problems:
            key = (resource.name, tuple((f.name, f.label) for f in fields), list_url,
                   urls.root, getattr(translations, "lang", ""),
                   tuple(str(s) for s in query.sort),
                   tuple((name, tuple(refs)) for name, refs in sorted(values.items())))
            kept = self._bars.get(key)
            if kept is not None:
                return kept
        html = str(self._filter_bar.req(
            resource=resource, fields=tuple(fields), query=query, list_url=list_url, urls=urls,
            translations=translations, values=values, problems=dict(problems or {}),
        ).display(displays_on=ENGINE))
        if key is not None:
            if len(self._bars) >= MAX_KEPT_BARS:  # bounded: list URLs of nested pages vary
                self._bars.clear()
            self._bars[key] = html
        return html

    def value(self, resource, field, value, record, urls, translations=None) -> str:
        """One value of `record` as HTML, as grids show it too (`display.renderer`)."""
        return value_html(resource, field, value, record, urls, translations)

    def scope(self):
        return self.tw2.scope()

    def static_dirs(self) -> dict[str, str]:
        return {}
