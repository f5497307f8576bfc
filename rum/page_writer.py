"""A page template written straight to a string, as Genshi would render it.

Genshi renders a page as a pipeline of generators: the template's events are flattened
(expressions evaluated, directives applied), matched against the layout's `py:match`
templates, then passed through four serializer filters, each event resumed in every
stage. `PageWriter` walks the same prepared stream (compiled by `rum.page_static`) once
and appends the markup as it goes: the expressions, directives, match templates and
escaping are Genshi's own (`_eval_expr`, the directive objects, the match tests,
`escape`), only the pipeline is gone. `py:if`, `py:for` and `py:with` are applied here;
every other directive runs as Genshi's object and its events are walked like the rest.

What the writer does not do the way Genshi's pipeline does, it refuses (`NotWritable`)
before anything is sent, and the page is rendered the ordinary way: elements or
attributes of other namespaces, `xi:include` left in the stream (debug reloading),
match templates whose path is more than an element's name, `select()` paths other
than `*|text()`, `text()` and `NAME/text()`, a selection used inside an attribute, an
expression that yields a stream inside an attribute, processing instructions, a doctype
in a widget's template. The expressions evaluated before a refusal are evaluated again
by Genshi, and that template is rendered by Genshi from then on. Tests render every page and widget
both ways and compare the bytes (tests/rum/test_page_writer.py, tests/conftest.py).
"""

import re

from genshi.core import (
    COMMENT,
    DOCTYPE,
    END,
    END_NS,
    PI,
    START,
    START_NS,
    TEXT,
    XML_DECL,
    Markup,
    QName,
    _ensure,
    escape,
)
from genshi.output import HTMLSerializer
from genshi.template import Context
from genshi.template.base import EXEC, EXPR, INCLUDE, SUB, _eval_expr, _exec_suite
from genshi.template.directives import ForDirective, IfDirective, WithDirective

XHTML = "http://www.w3.org/1999/xhtml"
VOID = frozenset(str(q) for q in HTMLSerializer._EMPTY_ELEMS)
BOOLEAN = frozenset(str(q) for q in HTMLSerializer._BOOLEAN_ATTRS)
RAW = frozenset({"script", "style"})
NUMBERS = (int, float)
SIMPLE_PATH = re.compile(r"^[A-Za-z_][\w.-]*$")
TEXT_OF = re.compile(r"^([A-Za-z_][\w.-]*)/text\(\)$")
HINTS = frozenset({"match_once", "not_buffered", "not_recursive"})
DOCTYPE_HTML5 = "<!DOCTYPE html>\n"
GENSHI_FILTERS = frozenset({"_flatten", "_match", "_include"})
ALL = (0, None)  # the match templates a stream is matched against: (start, end) indices


class NotWritable(Exception):
    """The page needs Genshi's own pipeline; it is rendered that way instead."""


class _Selection(Markup):
    """What `select()` gave: markup, which an attribute would take as its text instead."""

    __slots__ = ()


def _local(name) -> str:
    """A tag's name as the HTML serializer writes it; other namespaces are refused."""
    namespace = getattr(name, "namespace", None)
    if namespace and namespace != XHTML:
        raise NotWritable(f"element or attribute of namespace {namespace}")
    return getattr(name, "localname", None) or str(name)


def _inner(events) -> list:
    """The events up to the end tag closing an element whose start tag was just read;
    the end tag is read too (Genshi's `_match` reads the same way)."""
    inner: list = []
    depth = 1
    for event in events:
        kind = event[0]
        if kind is START:
            depth += 1
        elif kind is END:
            depth -= 1
            if depth == 0:
                return inner
        inner.append(event)
    raise NotWritable("a matched element not closed in its stream")


class PageWriter:
    """Writes one page: `write(stream)` then `text()`. `lang` goes on `<html>` unless the
    page gives its own, as rum.rendering's filter does; a fragment (a widget's template)
    has neither `lang` nor the doctype."""

    def __init__(self, ctxt, lang: str = "", fragment: bool = False):
        self.ctxt = ctxt
        self.lang = lang
        self.fragment = fragment
        self.out: list[str] = [] if fragment else [DOCTYPE_HTML5]
        self.noescape = False
        self.void_open = False  # the last event was the start tag of a void element
        self.lang_set = False
        self.depth = 0  # elements open
        self.kept: dict | None = None  # a matched element's content: text by parent's name
        self.top = ""  # the name of the content's element being written

    def text(self) -> str:
        return "".join(self.out)

    def write(self, events, vars: dict | None = None, window=ALL) -> None:
        """Flatten, match and serialize `events` as Genshi would. An iterator is walked as
        it goes (a `py:choose` generator keeps its choice open while its events are read)."""
        vars = vars or {}
        ctxt = self.ctxt
        events = iter(events)
        for event in events:
            kind, data, _pos = event
            if kind is TEXT:
                self._text(data)
            elif kind is START:
                if not (ctxt._match_templates and window[1] != 0
                        and self._match(event, events, vars, window)):
                    self._start(data, vars)
            elif kind is END:
                self._end(data)
            elif kind is EXPR:
                self._value(_eval_expr(data, ctxt, vars), vars, window)
            elif kind is SUB:
                self._sub(data[1], data[0], vars, window)
            else:
                self._other(kind, data, vars)

    def _other(self, kind, data, vars) -> None:
        if kind is START_NS or kind is END_NS:
            self.void_open = False  # an event between a start and an end tag: not empty
        elif kind is COMMENT:
            if self.kept is not None and self.depth == 0:
                return  # a matched element's own comments: no select() path keeps them
            self._markup(Markup(f"<!--{data}-->"))
        elif kind is EXEC:
            _exec_suite(data, self.ctxt, vars)
        elif kind is DOCTYPE and self.fragment:
            raise NotWritable("a doctype in a fragment")  # Genshi writes the first one
        elif kind is DOCTYPE or kind is XML_DECL:
            self.void_open = False  # a page's is written first, once; a declaration dropped
        elif kind is INCLUDE or kind is PI:
            raise NotWritable(f"{kind} event")
        else:
            raise NotWritable(f"unknown event {kind!r}")

    def _markup(self, markup: str) -> None:
        self.void_open = False
        self.out.append(markup)

    def _text(self, data) -> None:
        self.void_open = False
        if not isinstance(data, Markup) and not self.noescape:
            data = escape(data, quotes=False)
        self.out.append(data)
        kept = self.kept
        if kept is not None and self.depth <= 1:  # text() and NAME/text() of the content
            kept.setdefault(self.top if self.depth else "", []).append(data)

    def _value(self, result, vars, window) -> None:
        """An expression's value as text, markup or a stream of events (`_flatten`)."""
        if result is None:
            return
        if isinstance(result, str):
            self._text(result)
        elif isinstance(result, NUMBERS):
            self._text(Markup(result))
        elif hasattr(result, "__iter__"):
            self.write(_ensure(result), vars, window)
        else:
            self._text(str(result))

    def _sub(self, substream, directives, vars, window) -> None:
        """A directive's element: `py:if`, `py:for` and `py:with` here, the rest Genshi's."""
        if not directives:
            self.write(substream, vars, window)
            return
        first, rest = directives[0], directives[1:]
        ctxt = self.ctxt
        kind = type(first)
        if kind is IfDirective:
            if _eval_expr(first.expr, ctxt, vars):
                self._sub(substream, rest, vars, window)
        elif kind is ForDirective:
            iterable = _eval_expr(first.expr, ctxt, vars)
            if iterable is None:
                return
            assign = first.assign
            scope: dict = {}  # one frame for every item, as Genshi's py:for
            for item in iterable:
                assign(scope, item)
                ctxt.push(scope)
                self._sub(substream, rest, vars, window)
                ctxt.pop()
        elif kind is WithDirective:
            frame: dict = {}
            ctxt.push(frame)
            for targets, expr in first.vars:
                value = _eval_expr(expr, ctxt, vars)
                for assign in targets:
                    assign(frame, value)
            self._sub(substream, rest, vars, window)
            ctxt.pop()
        else:
            self.write(first(iter(substream), rest, ctxt, **vars), vars, window)

    def _attrs(self, attrs, vars) -> list:
        """The start tag's attributes with their expressions evaluated (`_flatten`)."""
        out = []
        for name, value in attrs:
            if type(value) is list:
                values = []
                for kind, data, _pos in value:
                    if kind is TEXT:
                        values.append(data)
                    elif kind is EXPR:
                        result = _eval_expr(data, self.ctxt, vars)
                        if result is None:
                            continue
                        if isinstance(result, _Selection) or (
                                not isinstance(result, str) and hasattr(result, "__iter__")):
                            raise NotWritable("a stream inside an attribute")
                        values.append(str(result))
                    else:
                        raise NotWritable(f"{kind} event inside an attribute")
                if not values:
                    continue
                value = "".join(values)
            out.append((name, value))
        return out

    def _start(self, data, vars) -> None:
        tag, attrs = data
        local = _local(tag)
        attrs = self._attrs(attrs, vars) if attrs else []
        if local == "html" and self.lang and not self.lang_set:
            self.lang_set = True
            if not any(name == "lang" and value is not None for name, value in attrs):
                attrs = [*(a for a in attrs if a[0] != "lang"), (QName("lang"), self.lang)]
        buf = ["<", local]
        for name, value in attrs:
            attr = _local(name)
            if attr in BOOLEAN:
                if value:
                    buf += [" ", attr]
            elif attr != "xmlns":
                buf += [" ", attr, '="', escape(value), '"']
        buf.append(">")
        self.out.append("".join(buf))
        self.void_open = local in VOID
        if local in RAW:
            self.noescape = True
        if self.depth == 0:
            self.top = local
        self.depth += 1

    def _end(self, tag) -> None:
        local = _local(tag)
        if not (self.void_open and local in VOID):
            self.out.append(f"</{local}>")
        self.void_open = False
        self.noescape = False
        self.depth -= 1

    def _match(self, event, events, vars, window) -> bool:
        """Apply the first match template whose path matches the start tag `event`, as
        Genshi's `_match` does, the element's content taken from `events`; whether one did."""
        ctxt = self.ctxt
        templates = ctxt._match_templates
        start, end = window
        for idx, (test, path, template, hints, namespaces, directives) in enumerate(templates):
            if idx < start or (end is not None and idx >= end):
                continue
            if not SIMPLE_PATH.match(str(path.source).strip()) or not hints <= HINTS:
                raise NotWritable(f"match path {path.source!r}")
            if test(event, namespaces, ctxt) is not True:
                continue
            if "match_once" in hints:
                del templates[idx]
                idx -= 1
            pre_end = idx + 1
            if "match_once" not in hints and "not_recursive" in hints:
                pre_end -= 1
            select = self._content(_inner(events), (start, pre_end if pre_end > 0 else 0), vars)
            self._sub(template, directives, {"select": select}, (idx + 1, None))
            return True
        return False

    def _content(self, inner: list, window, vars):
        """Writes a matched element's content aside; `select` over what was written."""
        saved = self.out, self.depth, self.kept, self.top
        self.out, self.depth, self.kept, self.top = [], 0, {}, ""
        try:
            self.write(inner, vars, window)
            written, kept = "".join(self.out), self.kept
        finally:
            self.out, self.depth, self.kept, self.top = saved

        def select(path: str):
            if path == "*|text()":
                return _Selection(written)
            if path == "text()":
                return _Selection("".join(kept.get("", ())))
            found = TEXT_OF.match(path)
            if found is None:
                raise NotWritable(f"select({path!r})")
            return _Selection("".join(kept.get(found.group(1), ())))
        return select


def write_fragment(template, data: dict, stream=None) -> str:
    """A template without a doctype, as `template.generate(**data).render("html",
    strip_whitespace=False)` gives it, from `stream` (default: the template's, or the same
    compiled by `rum.page_static`); NotWritable if its filters are not Genshi's own."""
    if not pipeline_known(template.filters):
        raise NotWritable("a stream filter other than Genshi's")
    writer = PageWriter(Context(**data), fragment=True)
    writer.write(template.stream if stream is None else stream)
    return writer.text()


def pipeline_known(filters, also=()) -> bool:
    """Whether a template's filters are Genshi's own (and `also`): what PageWriter does in
    their place."""
    return all(f in also or getattr(f, "__name__", None) in GENSHI_FILTERS for f in filters)
