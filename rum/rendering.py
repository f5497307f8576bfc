"""Genshi page templates: loaded once, looked up per resource first (`movies/show.html`)."""

import os

from genshi.template import TemplateLoader
from genshi.template.loader import TemplateNotFound

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


class Renderer:
    """Renders pages; a user's template directories come before Rum's own."""

    def __init__(self, search_path: list[str], auto_reload: bool = False):
        self.loader = TemplateLoader(list(search_path) + [TEMPLATES], auto_reload=auto_reload,
                                     max_cache_size=200)
        self.auto_reload = auto_reload
        self._names: dict[tuple[str, str], str] = {}  # (resource, name) -> template file found

    def template(self, name: str, resource: str = ""):
        found = self._names.get((resource, name))
        if found is None or self.auto_reload:
            found = name
            if resource:
                try:
                    self.loader.load(f"{resource}/{name}")
                    found = f"{resource}/{name}"
                except TemplateNotFound:
                    pass
            self._names[(resource, name)] = found
        return self.loader.load(found)

    def render(self, name: str, data: dict, resource: str = "") -> str:
        stream = self.template(name, resource).generate(**data)
        return stream.render("html", doctype="html5", encoding=None)
