"""tw2 widgets whose Genshi template is parsed once and rendered as HTML, as it is written.

tw2 renders a Genshi template by serializing it as XHTML with whitespace stripped: for the
grid's frame (then a template) that filter alone cost as much as rendering (≈0.4 ms of
0.9 ms, 20 rows), and with `auto_reload_templates` tw2 drops every parsed template on every
render. A page's templated widgets (the filter bar; a grid subclass that names a template)
therefore render their template through the view factory's `TemplateLoader`: parsed on
first use, reloaded only when the file changes in debug mode, and written by
`rum.page_writer` rather than through Genshi's generator pipeline.
"""

import importlib
import logging
import os

import tw2.core as twc
from genshi.core import Markup

from rum.page_static import compile_stream
from rum.page_writer import NotWritable, write_fragment

log = logging.getLogger(__name__)


def template_path(name: str) -> str:
    """`genshi:rum_toscawidgets.templates.grid` -> the path of its `grid.html`."""
    dotted = name.partition(":")[2] if ":" in name else name
    module, _, base = dotted.rpartition(".")
    where = importlib.import_module(module).__file__
    if where is None:
        raise ValueError(f"{module} is not a package of files: no template {name}")
    return os.path.join(os.path.dirname(os.path.abspath(where)), base + ".html")


class WidgetTemplates:
    """The view factory's widget templates: parsed once by Genshi's `loader`, their static
    markup compiled once (`rum.page_static`), written by `rum.page_writer`; with the
    loader's `auto_reload` (debug) reloaded when their file changes, not compiled."""

    def __init__(self, loader):
        self.loader = loader
        self._compiled: dict[int, list] = {}  # id(template) -> its stream compiled

    def render(self, path: str, data: dict) -> str:
        template = self.loader.load(path)
        stream = template.stream
        if not self.loader.auto_reload:
            stream = self._compiled.get(id(template))
            if stream is None:
                stream = self._compiled[id(template)] = compile_stream(template.stream)
        try:
            return write_fragment(template, data, stream)
        except NotWritable as e:  # Genshi's pipeline renders it (see rum.page_writer)
            log.debug("widget template %s rendered through Genshi: %s", path, e)
            return rendered(template, data)


class HtmlWidget(twc.Widget):
    """A widget rendered from `template` (a Genshi file named tw2's way) by `loader`."""

    loader = twc.Param("the view factory's WidgetTemplates", default=None)
    id = None  # a page's widget needs none (tw2 would make a random one every render)
    template_file = None  # the path `template` names, found once per class

    @classmethod
    def post_define(cls):
        template = getattr(cls, "template", None)
        if isinstance(template, str) and template:
            cls.template_file = template_path(template)

    def generate_output(self, displays_on):
        return Markup(self.loader.render(self.template_file, {"w": self}))


def rendered(template, data: dict) -> str:
    """The template through Genshi's own pipeline."""
    return template.generate(**data).render("html", encoding=None, strip_whitespace=False)
