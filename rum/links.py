"""Links a list page needs (sorting, paging, rows), handed to the grid view."""

from .contracts import Ref
from .query import Page, Query
from .urls import Urls


class ListLinks:
    """Every URL of one list page, keeping the rest of the query as it is."""

    def __init__(self, urls: Urls, resource: str, query: Query, default_limit: int):
        self.urls = urls
        self.resource = resource
        self.query = query
        self.default_limit = default_limit

    def _list(self, query: Query, fmt: str = "") -> str:
        return self.urls.index(self.resource, fmt, query.to_query_string(self.default_limit))

    def sort(self, name: str) -> str:
        return self._list(self.query.toggled_sort(name))

    def sorted_by(self, name: str) -> str:
        """'asc', 'desc' or '' for the column header of `name`."""
        if self.query.sort and self.query.sort[0].field == name:
            return "desc" if self.query.sort[0].descending else "asc"
        return ""

    def page(self, number: int) -> str:
        return self._list(self.query.but(page=number, cursor=""))

    def next(self, page: Page) -> str:
        if not page.has_next:
            return ""
        if page.next_cursor:
            return self._list(self.query.but(cursor=page.next_cursor, page=self.query.page + 1))
        return self.page(self.query.page + 1)

    def prev(self) -> str:
        return self.page(self.query.page - 1) if self.query.page > 1 and not self.query.cursor \
            else ""

    def first(self) -> str:
        return self.page(1)

    def export(self, fmt: str) -> str:
        return self._list(self.query.but(page=1, cursor=""), fmt)

    def show(self, ident: str) -> str:
        return self.urls.show(self.resource, ident)

    def edit(self, ident: str) -> str:
        return self.urls.edit(self.resource, ident)

    def confirm_delete(self, ident: str) -> str:
        return self.urls.confirm_delete(self.resource, ident)

    def ref(self, ref: Ref) -> str:
        return self.urls.show(ref.resource, ref.id)
