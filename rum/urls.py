"""URLs by action name, from the action table, under the request's SCRIPT_NAME (so Rum
works at any mount point). Templates and actions ask for a URL by name; nothing
concatenates paths."""

import re
from collections.abc import Callable
from urllib.parse import quote

from .actions import ActionTable
from .errors import NotFound
from .i18n import N_, Message
from .router import STATIC_PREFIX

PLAIN = re.compile(r"^[A-Za-z0-9_.~-]+$")  # needs no quoting


def _quoted(text: str, safe: str = "/") -> str:
    return text if PLAIN.match(text) else quote(text, safe=safe)


class Urls:
    """Builds absolute paths under one mount point."""

    def __init__(self, script_name: str, table: ActionTable):
        self.root = script_name.rstrip("/")
        self.table = table

    def has(self, name: str, resource: str = "") -> bool:
        """Whether the table has the action `name` for `resource` (links check this)."""
        return self.table.get(name, resource) is not None

    def url(self, name: str, resource: str = "", id: str = "", relation: str = "",
            fmt: str = "", query: str = "", path: str = "") -> str:
        """The URL of action `name`; NotFound when the table has no such action."""
        parts = self.table.path_parts(name, resource, bool(fmt), _quoted)
        if parts is None:
            raise NotFound(N_("no action %(name)s for %(resource)s"), name=repr(name),
                           resource=resource or Message(N_("this admin")))
        values = {"id": id, "relation": relation, "path": path, "format": fmt}
        out = [self.root]
        for i, part in enumerate(parts):  # literal, variable, literal, ...
            if i % 2 == 0:
                out.append(part)
            else:
                out.append(_quoted(values[part], safe="" if part == "id" else "/"))
        if query:
            out.append(f"?{query}")
        return "".join(out)

    def for_id(self, name: str, resource: str, then: str = "",
               escaped: Callable[[str], str] | None = None) -> Callable[[str], str]:
        """`ident -> self.url(name, resource, ident) + then`, the path worked out once: the
        links of a page's rows differ only in their id (a list page makes about 80).
        `escaped`: an escape for markup (HTML attributes), applied to the path once, as a
        quoted id has nothing to escape (letters, digits, `_.~-` and `%XX`)."""
        parts = self.table.path_parts(name, resource, False, _quoted)
        if parts is None or parts[1::2] != ["id"]:  # no such action, or more than an id
            if escaped is None:
                return lambda ident: self.url(name, resource, ident) + then
            return lambda ident: str(escaped(self.url(name, resource, ident) + then))
        before, after = self.root + parts[0], parts[2] + then
        if escaped is not None:
            before, after = str(escaped(before)), str(escaped(after))
        return lambda ident: before + _quoted(ident, safe="") + after

    def home(self) -> str:
        return self.root + "/"

    def static(self, path: str) -> str:
        return f"{self.root}{STATIC_PREFIX}{path}"

    def index(self, resource: str, fmt: str = "", query: str = "") -> str:
        return self.url("index", resource, fmt=fmt, query=query)

    def complete(self, resource: str, field: str) -> str:
        return self.url("complete", resource, query=f"field={quote(field)}")

    def delete_many(self, resource: str) -> str:
        return self.url("delete_many", resource)

    def download(self, resource: str, ident: str, field: str) -> str:
        return self.url("download", resource, ident, path=field)

    def nested(self, resource: str, ident: str, relation: str, fmt: str = "",
               query: str = "") -> str:
        return self.url("nested_index", resource, ident, relation, fmt=fmt, query=query)

    def new(self, resource: str) -> str:
        return self.url("new", resource)

    def show(self, resource: str, ident: str, fmt: str = "") -> str:
        return self.url("show", resource, ident, fmt=fmt)

    def edit(self, resource: str, ident: str) -> str:
        return self.url("edit", resource, ident)

    def confirm_delete(self, resource: str, ident: str) -> str:
        return self.url("confirm_delete", resource, ident)
