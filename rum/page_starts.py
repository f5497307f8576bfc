"""Typed page numbers at the price of a Next link: where a page begins, remembered.

`?page=2500` without a cursor makes the database skip 49,980 rows (OFFSET) on every
request, where Next seeks straight to its row. So every page the app reads by number
tells the app's read memory (`rum.read_memory`) the cursors that reach it and its
neighbours again; the next request for one of those numbers, with the same query by the
same reader, seeks by the cursor instead, and so costs what Next costs. Only cursors the
repository computed are kept, never those of a request's own `after=`/`before=` (which
anyone can write), so a remembered page is the one its number named when it was read,
within the memory's bounds.
"""


from .call import Call
from .query import Page, Query
from .read_memory import MISSING, reader_key


def select(call: Call, query: Query, fields) -> Page:
    """The page `query` asks for, by a remembered cursor where one reaches it."""
    key = _key(call, query)
    if key is None:
        return call.repo.select(query, fields)
    memory = call.app.memory
    seen = memory.get(key + (query.page,), call.since)
    if seen is not MISSING:  # what it leads to is not remembered: that would outlive
        cursor, backward = seen  # the memory's seconds, one page at a time
        return call.repo.select(query.but(cursor=cursor, backward=backward), fields)
    page = call.repo.select(query, fields)
    _remember(call, key, query.page, page)
    return page


def _key(call: Call, query: Query) -> tuple | None:
    """The memory key of `query`'s pages for this reader; None when nothing is to be
    remembered (a first page, a page by its own cursor, memory off)."""
    if query.cursor or query.page == 1 or not call.app.memory.enabled:
        return None
    reader = reader_key(call.access, call.served.name)
    if reader is None:
        return None
    return ("page", call.served.name, reader, query.but(page=1))


def _remember(call: Call, key: tuple, number: int, page: Page) -> None:
    """Keep the cursors that reach page `number` and its neighbours."""
    memory = call.app.memory
    if page.page_cursor:
        memory.put(key + (number,), (page.page_cursor, True), call.since)
    if page.next_cursor:
        memory.put(key + (number + 1,), (page.next_cursor, False), call.since)
    if page.prev_cursor and number > 2:
        memory.put(key + (number - 1,), (page.prev_cursor, True), call.since)
