"""The view factory: rum fields -> tw2 forms and a Genshi grid, built once per RumApp."""

import os

from genshi.template import TemplateLoader

from rum.errors import ConfigError

from .forms import ToscaWidgetsForm
from .grid import TEMPLATES, Grid
from .isolation import Tw2State

SECTION = "rum.viewfactory"
STATIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")


def _names(fields) -> tuple[str, ...]:
    return tuple(f.name for f in fields)


class ToscaWidgetsViewFactory:
    """`use = 'toscawidgets'`: forms with tw2 validation, one template loop for grids."""

    def __init__(self, options: dict, registry, debug: bool = False):
        if options:
            raise ConfigError(f"{SECTION}.{sorted(options)[0]}", "unknown option; this view "
                              "factory takes none besides 'use'")
        self.tw2 = Tw2State(debug=debug)
        loader = TemplateLoader([TEMPLATES], auto_reload=debug)
        self._grids = {r.name: Grid(r, loader) for r in registry}
        self._forms: dict[tuple, ToscaWidgetsForm] = {}
        for r in registry:
            try:
                self._forms[(r.name, _names(r.form_fields))] = ToscaWidgetsForm(
                    r.form_fields, r.label.replace(" ", ""))
            except ValueError as exc:
                raise ConfigError(f"resources.{r.label}.form_fields", str(exc)) from None

    def form(self, resource, fields=None) -> ToscaWidgetsForm:
        """The form for `fields` (default: all form fields). A policy that hides fields asks
        for a subset; each distinct subset is built once and kept."""
        fields = resource.form_fields if fields is None else tuple(fields)
        key = (resource.name, _names(fields))
        form = self._forms.get(key)
        if form is None:
            form = self._forms.setdefault(key, ToscaWidgetsForm(fields, resource.label.replace(
                " ", "") + str(len(self._forms))))
        return form

    def grid(self, resource) -> Grid:
        return self._grids[resource.name]

    def scope(self):
        return self.tw2.scope()

    def static_dirs(self) -> dict[str, str]:
        return {}
