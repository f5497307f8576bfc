"""Links a list page needs (sorting, paging, rows), handed to the grid view."""

from collections.abc import Callable
from functools import cached_property

from .contracts import Ref
from .next_page import return_query
from .query import Page, Query
from .urls import Urls


class ListLinks:
    """Every URL of one list page, keeping the rest of the query as it is."""

    def __init__(self, urls: Urls, resource: str, query: Query, default_limit: int,
                 fmt: str = "", allowed: frozenset = frozenset({"update", "delete"}),
                 selectable: bool | None = None, max_page: int | None = None,
                 returns: bool = True, current: Page | None = None):
        self.urls = urls
        self.returns = returns  # False: the page was asked for as it comes (no parameters)
        self.resource = resource
        self.query = query
        self.default_limit = default_limit
        self.fmt = fmt  # links of a JSON page stay JSON
        self.allowed = allowed  # row actions the policy allows ("update", "delete")
        # rows get checkboxes for a bulk action (delete, or unlink on a nested page)
        self.selectable = "delete" in allowed if selectable is None else selectable
        self.max_page = max_page  # numbered links stop here (`[rum] max_offset`)
        self.current = current  # the page shown: its cursors serve the numbers beside it

    def _list(self, query: Query, fmt: str | None = None) -> str:
        fmt = self.fmt if fmt is None else fmt
        qs = query.to_query_string(self.default_limit)
        if self.query.parent:  # a nested list keeps its place under the parent row
            return self.urls.nested(*self.query.parent, fmt=fmt, query=qs)
        return self.urls.index(self.resource, fmt, qs)

    def sort(self, name: str) -> str:
        return self._list(self.query.toggled_sort(name))

    def sorted_by(self, name: str) -> str:
        """'asc', 'desc' or '' for the column header of `name`."""
        if self.query.sort and self.query.sort[0].field == name:
            return "desc" if self.query.sort[0].descending else "asc"
        return ""

    def page(self, number: int) -> str:
        """A numbered page: the page just after or before the one shown goes by its
        cursor (a seek, as Next and Previous do), any other by its number."""
        here, current = self.query.page, self.current
        if current is not None and number == here + 1 and current.next_cursor:
            return self.next(current)
        if current is not None and number == here - 1 > 1 and current.prev_cursor:
            return self.prev(current)
        return self._list(self.query.but(page=number, cursor="", backward=False))

    def next(self, page: Page) -> str:
        """Keyset link when the repository gave a cursor, else the next page number."""
        if not page.has_next:
            return ""
        if page.next_cursor:
            return self._list(self.query.but(cursor=page.next_cursor, backward=False,
                                             page=self.query.page + 1))
        return self.page(self.query.page + 1)

    def prev(self, page: Page) -> str:
        if not page.has_prev or self.query.page <= 1:
            return ""
        if page.prev_cursor and self.query.page > 2:
            return self._list(self.query.but(cursor=page.prev_cursor, backward=True,
                                             page=self.query.page - 1))
        return self.page(self.query.page - 1)

    def export(self, fmt: str) -> str:
        """This list in `fmt` ("csv", "json"): the same search, filters and sort. CSV is
        every matching row, so it drops the page and cursor; JSON is this very page."""
        if fmt == "csv":
            return self._list(self.query.but(page=1, cursor="", backward=False), fmt)
        return self._list(self.query, fmt)

    @cached_property
    def _return(self) -> str:
        """`?return_to=` this list page, for the row links of an HTML list with a query, or
        of any nested list (a save or delete there comes back to its parent row's list,
        search, filters, sort and page; the row's page offers a way back to the parent);
        '' elsewhere."""
        if self.fmt:
            return ""
        if not self.query.parent and (not self.returns or
                                      not self.query.to_params(self.default_limit)):
            return ""
        return "?" + return_query(self._list(self.query))

    def of_rows(self, name: str, escaped: Callable[[str], str] | None = None,
                ) -> Callable[[str], str]:
        """`show`, `edit` or `confirm_delete` as one function of a row's id, worked out
        once for a page's rows (`escaped`: see `Urls.for_id`)."""
        return self.urls.for_id(name, self.resource, self._return, escaped)

    def show(self, ident: str) -> str:
        return self.urls.show(self.resource, ident) + self._return

    def edit(self, ident: str) -> str:
        return self.urls.edit(self.resource, ident) + self._return

    def confirm_delete(self, ident: str) -> str:
        return self.urls.confirm_delete(self.resource, ident) + self._return

    def ref(self, ref: Ref) -> str:
        return self.urls.show(ref.resource, ref.id)
