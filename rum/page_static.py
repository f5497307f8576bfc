"""A page template's static markup serialized once per language instead of per render.

Genshi pushes every event of a template (each start tag, end tag and piece of
indentation) through its filters and serializer on every render, at some microseconds an
event. Most of a page's events never change: `compile_stream` replaces each run of them
with one piece of markup, serialized as the page's serializer would, after the static
text was translated into the request's language (Genshi's Translator, run once per
template and language).

Left as events, so the template's directives and the layout see what they expect: the
first and last event under a directive (`py:attrs`, `py:strip`, `py:content` act on
them), everything under an `i18n:` directive (it reads its message from the events),
`html`, `head`, `body` and `title` (the layout matches and selects them), `script`,
`style`, `pre` and `textarea` and what they hold, elements of other namespaces, void
elements (`input`, `br`) not closed right away, and every element not opened and closed
at the same level of the template, or whose start or end tag stays an event: start and
end tags stay paired (match templates count them). Pages whose match templates would see
less of the page are not compiled at all (`rum.page_matches`).
"""

from genshi.core import END, END_NS, START, START_NS, TEXT, Markup, Stream
from genshi.output import HTMLSerializer
from genshi.template.base import SUB

XHTML = "http://www.w3.org/1999/xhtml"
KEPT = frozenset({"html", "head", "body", "title"})
RAW = frozenset({"script", "style", "pre", "textarea"})
VOID = frozenset(str(q).rpartition("}")[2] for q in HTMLSerializer._EMPTY_ELEMS)


def _name(tag) -> str | None:
    """The tag's local name if it is plain HTML, else None."""
    return tag.localname if tag.namespace in (None, "", XHTML) else None


def _i18n(directives) -> bool:
    return any(type(d).__module__.startswith("genshi.filters.i18n") for d in directives)


def _serialize(run: list) -> Markup:
    """`run` as the page's serializer writes it, where HTML's namespace is the default."""
    events = [(START_NS, ("", XHTML), None), *run, (END_NS, "", None)]
    return Markup(Stream(events).render("html", encoding=None, strip_whitespace=False))


def _pairs(events: list) -> dict[int, int]:
    """Start tag index <-> end tag index, for the elements opened and closed in `events`."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, (kind, _data, _pos) in enumerate(events):
        if kind is START:
            stack.append(i)
        elif kind is END and stack:
            j = stack.pop()
            pairs[j], pairs[i] = i, j
    return pairs


def compile_stream(stream, raw: bool = False, keep_ends: bool = False,
                   parent: str | None = None) -> list:
    """`stream` (a prepared, translated template stream) with its static runs serialized.
    `raw`: inside an element whose text is not escaped (script, style...); `keep_ends`:
    the first and last event stay events (a directive's element); `parent`: the element
    the stream is in."""
    events = list(stream)
    pairs = _pairs(events)
    kept = {0, len(events) - 1} if keep_ends else set()
    collapsed: set[int] = set()  # start tags serialized
    out: list = []
    run: list = []
    parents = [parent]  # the elements open here that stay events

    def flush():
        # A lone text is escaped here once too, unless select() may take it as text
        # (`text()`, `title/text()`): in an attribute markup would be escaped again.
        if len(run) > 1 or (run and (run[0][0] is not TEXT or parents[-1] not in KEPT)):
            out.append((TEXT, _serialize(run), run[0][2]))
        else:
            out.extend(run)
        run.clear()

    for i, event in enumerate(events):
        kind, data, pos = event
        name = _name(data[0]) if kind is START else _name(data) if kind is END else None
        end = pairs.get(i)
        if kind is SUB:
            flush()
            directives, sub = data
            if not _i18n(directives):
                sub = compile_stream(sub, raw, keep_ends=True, parent=parents[-1])
            out.append((SUB, (directives, sub), pos))
        elif kind is TEXT and isinstance(data, str) and not raw and i not in kept:
            run.append(event)
        elif kind is START and name and name not in KEPT | RAW and end is not None \
                and i not in kept and end not in kept and _static_attrs(data[1]) \
                and (name not in VOID or end == i + 1):
            run.append(event)
            collapsed.add(i)
        elif kind is END and end in collapsed:  # its start tag went into markup too
            run.append(event)
        else:
            flush()
            out.append(event)
            if name in RAW:
                raw = kind is START
            if kind is START:
                parents.append(name)
            elif kind is END and len(parents) > 1:
                parents.pop()
    flush()
    return out


def _static_attrs(attrs) -> bool:
    return all(isinstance(value, str) for _name, value in attrs)
