"""What a list page remembers between requests: where typed pages begin, "at least" counts.

`?page=2500` without a cursor makes the database skip 49,980 rows (OFFSET) on every
request, where Next seeks straight to its row. So every page the app reads by number
tells the app's read memory (`rum.read_memory`) the cursors that reach it and its
neighbours again; the next request for one of those numbers, with the same query by the
same reader, seeks by the cursor instead, and so costs what Next costs. Only cursors the
repository computed from an OFFSET read are kept, never those of a request's own
`after=`/`before=` (which anyone can write), nor those read through a remembered one (that
would outlive the memory's seconds, a page at a time).

A count that stopped at its cap ("10,000+", "200+" matches of a search) or is the
database's estimate ("about 100,000") scans up to the cap on every page of the list; it is
remembered too, and handed to the repository, which then skips its count. Exact counts
are always counted: a reader sees those change at once.
"""

from typing import Any

from .call import Call
from .query import Page, Query
from .read_memory import MISSING, reader_key


def select(call: Call, query: Query, fields) -> Page:
    """The page `query` asks for: by a remembered cursor where one reaches it, with a
    remembered count where one stands for this query."""
    reader = _reader(call)
    if reader is None:
        return call.repo.select(query, fields)
    memory, since = call.app.memory, call.since
    listing = query.but(page=1, cursor="", backward=False, count_known=None)
    count_key = ("count", *reader, listing.but(sort=()))  # the order changes no count
    known = memory.get(count_key, since)
    if known is not MISSING:
        query = query.but(count_known=known)
    pages = ("page", *reader, listing)
    numbered = not query.cursor and query.page > 1  # asked for by its number alone
    seen: Any = memory.get((*pages, query.page), since) if numbered else MISSING
    if seen is not MISSING:
        cursor, backward = seen
        page = call.repo.select(query.but(cursor=cursor, backward=backward), fields)
    else:
        page = call.repo.select(query, fields)
        if numbered:
            _remember(call, pages, query.page, page)
    if known is MISSING and page.count is not None and not page.count_exact:
        memory.put(count_key, (page.count, page.count_exact, page.count_estimated), since)
    return page


def _reader(call: Call) -> tuple | None:
    """The reader key of this request's lists; None when nothing is to be remembered
    (memory off, an identity that cannot be a key)."""
    return reader_key(call.access, call.served.name) if call.app.memory.enabled else None


def _remember(call: Call, pages: tuple, number: int, page: Page) -> None:
    """Keep the cursors that reach page `number` and its neighbours."""
    memory = call.app.memory
    if page.page_cursor:
        memory.put((*pages, number), (page.page_cursor, True), call.since)
    if page.next_cursor:
        memory.put((*pages, number + 1), (page.next_cursor, False), call.since)
    if page.prev_cursor and number > 2:
        memory.put((*pages, number - 1), (page.prev_cursor, True), call.since)
