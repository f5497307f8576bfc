"""Whether a page template's static markup may be compiled (`rum.page_static`): when its
match templates (those of `layout.html`, inlined) see no more of the page than compiling
keeps.

Compiling keeps `html`, `head`, `body` and `title` as events and turns other static
elements into pieces of markup. A layout that matches only `head` and `body` and selects
the title's text and the body whole (`select('*|text()')`), as Rum's does, sees the same
page either way. A template matching other elements, or selecting parts of the body (a
`select('div')` would miss a div that went into markup), is rendered the ordinary way.
"""

import re

from genshi.core import START
from genshi.template import Template
from genshi.template.base import EXPR, SUB
from genshi.template.directives import MatchDirective
from genshi.template.eval import Expression

MATCHED = frozenset({"head", "body"})
SELECT = re.compile(r"\bselect\s*\(")
KEPT_SELECTIONS = re.compile(
    r"""\bselect\s*\(\s*(['"])(\*\|text\(\)|title/text\(\)|text\(\))\1\s*\)""")


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
    """(path, substream) of every py:match in `stream`."""
    for kind, data, _pos in stream:
        if kind is SUB:
            directives, substream = data
            for d in directives:
                if isinstance(d, MatchDirective):
                    yield str(d.path.source).strip(), substream
            yield from _matches(substream)


def compilable(template: Template) -> bool:
    """Whether `template`'s match templates match only `head` and `body` and select
    only what compiling keeps (see the module's docstring)."""
    for path, substream in _matches(template.stream):
        if path not in MATCHED:
            return False
        sources = [e.source for e in _expressions(substream) if isinstance(e.source, str)]
        if sum(len(SELECT.findall(s)) for s in sources) != \
                sum(len(KEPT_SELECTIONS.findall(s)) for s in sources):
            return False
    return True
