"""Acting on every row a list query matches ("Delete all matching…"), not only ticked ones.

A bulk request carries `all=1` and the list's own search, filters and sort in its query
string, instead of `ids`. The rows are the repository's select of that query, so the
policy's row filters apply exactly as on the list, and each row is then fetched again,
locked, through the same scoped repository. At most `[rum] max_bulk` rows: more is refused
(413) before anything is touched. Counts are capped at that maximum, so no request counts
a whole big table: the confirmation page says "more than N" past it.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from .call import Call
from .errors import Conflict, RumError
from .i18n import N_
from .next_page import FORM_TYPES
from .query import Query

PREVIEW = 10  # rows named on a confirmation page


class TooManyRows(RumError):
    status = 413
    title = N_("Too many rows")


@dataclass(frozen=True)
class Matching:
    """What a confirmation page says about the rows a query matches."""

    count: int
    records: list  # the first PREVIEW rows
    params: str  # the query string that names these rows again: `all=1&q=...`


def wants_all(call: Call) -> bool:
    """Whether the request is about every row its list query matches."""
    return call.request.GET.get("all", "") in ("1", "true")


def _query(call: Call) -> Query:
    from .controller import list_query  # (the list imports the bulk actions' buttons)

    return list_query(call).but(page=1, cursor="", backward=False)


def _params(call: Call, query: Query) -> str:
    return urlencode([("all", "1"), *query.to_params(call.served.page_size)])


def _too_many(call: Call, limit: int) -> TooManyRows:
    return TooManyRows(call.translations.ngettext(
        "More than %(count)s row matches: narrow the search or filters to at most "
        "%(count)s rows and try again.",
        "More than %(count)s rows match: narrow the search or filters to at most "
        "%(count)s rows and try again.", limit) % {
            "count": call.translations.formats.count(limit)})


def preview(call: Call) -> Matching:
    """The count (exact up to `max_bulk`) and the first rows; 413 above the maximum."""
    limit = call.app.options["max_bulk"]
    query = _query(call)
    page = call.repo.select(query.but(limit=PREVIEW, count_limit=limit), None)
    count = page.count if page.count is not None else len(page.rows)
    if not page.count_exact or count > limit:
        raise _too_many(call, limit)
    records = [call.repo.record(row, (), versioned=False) for row in page.rows]
    return Matching(count, records, _params(call, query))


def matching_rows(call: Call) -> tuple[list[str], list[Any]]:
    """The ids and rows the query matches, locked for the write; 413 above `max_bulk`."""
    limit = call.app.options["max_bulk"]
    page = call.repo.select(_query(call).but(limit=limit + 1, count_limit=1), None)
    if len(page.rows) > limit:
        raise _too_many(call, limit)
    _check_expected(call, len(page.rows))
    ids = [call.repo.record(row, (), versioned=False).id for row in page.rows]
    return ids, [call.get_row(i, for_update=True) for i in ids]


def _check_expected(call: Call, found: int) -> None:
    """409 when a confirmation page named another count (`expect`) than match now: rows
    came or went meanwhile, and the person confirmed something else."""
    form = call.request.POST if call.request.content_type in FORM_TYPES else {}
    expected = form.get("expect", "")
    if isinstance(expected, str) and expected.isdigit() and int(expected) != found:
        raise Conflict(call.translations.ngettext(
            "The list changed since you confirmed: %(count)s row matches now. Nothing was "
            "done; confirm again.",
            "The list changed since you confirmed: %(count)s rows match now. Nothing was "
            "done; confirm again.", found) % {
                "count": call.translations.formats.count(found)})
