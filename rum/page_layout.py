"""The layout applied to a page's finished body instead of to every event of the page.

A page template includes `layout.html`, whose `py:match` templates wrap the page's `<head>`
and `<body>`. Genshi applies them by testing every event of the page against each match
path, buffering the body and running it through its filters again: two thirds of a list
page's render. When the layout only wraps (matches `head` and `body`, and takes the body
whole with `select('*|text()')`), the page renders in two steps with the same result: the
page without the layout, its body serialized once, then the layout around that body as
one piece of markup, with the page's head as events (the layout may select in it).

Any other layout (other match paths, other selections of the body) or a page with match
templates of its own renders the ordinary way: overriding templates keeps working.
"""

import re

from genshi.core import END, START, TEXT, Markup, Stream
from genshi.template import MarkupTemplate, Template
from genshi.template.base import EXPR, INCLUDE, SUB
from genshi.template.directives import MatchDirective
from genshi.template.eval import Expression

LAYOUT_PATHS = {"head", "body"}
SELECT = re.compile(r"\bselect\s*\(")
SELECT_BODY = re.compile(r"""\bselect\s*\(\s*(['"])\*\|text\(\)\1\s*\)""")
SHELL = ('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:py="http://genshi.edgewall.org/" '
         'xmlns:xi="http://www.w3.org/2001/XInclude" py:strip="">'
         '<xi:include href="{href}"/>${{rum_page}}</html>')


def _expressions(stream):
    """Every expression of a prepared template stream (text, attributes, directives)."""
    for kind, data, _pos in stream:
        if kind is EXPR:
            yield data
        elif kind is START:
            for _name, value in data[1]:
                if isinstance(value, list):
                    yield from _expressions(value)
        elif kind is SUB:
            directives, substream = data
            for d in directives:
                yield from _directive_expressions(d)
            yield from _expressions(substream)


def _directive_expressions(directive):
    for slot in ("expr", "vars"):
        value = getattr(directive, slot, None)
        if isinstance(value, Expression):
            yield value
        elif isinstance(value, list):  # py:with: [(targets, expression)]
            yield from (v[1] for v in value if isinstance(v[1], Expression))


def _matches(stream):
    """(path source, substream) of every py:match in `stream`."""
    for kind, data, _pos in stream:
        if kind is SUB:
            directives, substream = data
            for d in directives:
                if isinstance(d, MatchDirective):
                    yield str(d.path.source).strip(), substream
            yield from _matches(substream)


def wraps_only(layout: Template) -> bool:
    """Whether `layout` matches only `head` and `body` and takes the body whole."""
    matches = list(_matches(layout.stream))
    if not matches or any(path not in LAYOUT_PATHS for path, _ in matches):
        return False
    for path, substream in matches:
        if path == "body":
            sources = [e.source for e in _expressions(substream)
                       if isinstance(e.source, str)]
            selects = sum(len(SELECT.findall(s)) for s in sources)
            if selects != sum(len(SELECT_BODY.findall(s)) for s in sources):
                return False
    return True


class BodyTemplate(MarkupTemplate):
    """A page template with its layout left out: an `xi:include` of a template that
    `is_layout(href, relative_to)` accepts is dropped (and its href kept in `dropped`).
    The renderer's loader callback sets `is_layout` before the template is prepared."""

    def is_layout(self, href: str, relative_to: str) -> bool:
        return False

    def _prepare(self, stream, inlined=None):
        # Genshi's MarkupTemplate._prepare, with the layout includes dropped before they
        # are inlined.
        included = self._extract_includes(self._interpolate_attrs(stream))
        return Template._prepare(self, self._without_layouts(included), inlined=inlined)

    def _without_layouts(self, stream):
        dropped = self.__dict__.setdefault("dropped", [])
        for event in stream:
            kind, data, pos = event
            if kind is INCLUDE and isinstance(data[0], str) and self.is_layout(data[0], pos[0]):
                dropped.append(data[0])
                continue
            yield event


def shell(page: Template, href: str, loader) -> MarkupTemplate:
    """A template that includes the layout `href` as `page` does and outputs `rum_page`."""
    return MarkupTemplate(SHELL.format(href=href), filepath=page.filepath,
                          filename=page.filename, loader=loader)


def has_own_matches(template: Template) -> bool:
    return any(True for _ in _matches(template.stream))


def collapse_body(events: list) -> Stream:
    """The page's events with the children of `<body>` serialized into one piece of
    markup, so the layout's filters see one event for the whole body."""
    depth, start = 0, None
    for i, (kind, data, _pos) in enumerate(events):
        if kind is START:
            depth += 1
            if start is None and depth == 2 and data[0].localname == "body":
                start, body_depth = i, depth
        elif kind is END:
            if start is not None and depth == body_depth:
                inner = Stream(events[start + 1:i]).render("html", encoding=None,
                                                           strip_whitespace=False)
                return Stream(events[:start + 1] + [(TEXT, Markup(inner), None)] + events[i:])
            depth -= 1
    return Stream(events)
