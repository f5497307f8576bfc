"""URL -> (action, resource, id, format), with a Routes mapper built from the action table.

Each distinct path of the table is one route (and `path.{format}` when an action on it
speaks more than HTML); the method, then the resource's own actions, pick the action.
"""

from dataclasses import dataclass

from routes import Mapper

from .actions import Action, ActionTable, format_path
from .errors import MethodNotAllowed, NotFound
from .i18n import N_

STATIC_PREFIX = "/_static/"


@dataclass(frozen=True)
class Match:
    """A routed request: its action and the path's parts. `format` is the extension's
    ("" when the path has none: then `Accept` chooses among the action's formats)."""

    action: Action
    resource: str = ""
    id: str = ""
    format: str = ""
    path: str = ""
    relation: str = ""


def build_mapper(table: ActionTable) -> Mapper:
    mapper = Mapper(explicit=True)
    mapper.minimization = False
    formats: dict[str, set[str]] = {}
    bound: dict[str, set[str]] = {}
    for a in table:
        formats.setdefault(a.path, set()).update(a.formats)
        bound.setdefault(a.path, set()).add(a.resource)
    for path, offered in formats.items():  # the table's order: literal paths first
        defaults = {"rum_path": path}
        owners = bound[path]
        if len(owners) == 1 and "" not in owners:  # a resource's own action: a literal path
            defaults["resource"] = next(iter(owners))
        if not path.endswith(".json"):
            mapper.connect(format_path(path), format_path(path),
                           requirements={"format": "|".join(sorted(offered))}, **defaults)
        mapper.connect(path, path, **defaults)
    return mapper


class Router:
    """Matches a path and method to a Match; raises NotFound or MethodNotAllowed."""

    def __init__(self, table: ActionTable):
        self.table = table
        self.mapper = build_mapper(table)
        self._by_path: dict[str, tuple[Action, ...]] = {}
        for a in table:
            self._by_path[a.path] = (*self._by_path.get(a.path, ()), a)

    def match(self, path: str, method: str) -> Match:
        found = self.mapper.match(path or "/")
        if not found:
            raise NotFound(N_("no page at %(path)s"), path=repr(path))
        resource = found.get("resource", "")
        actions = [a for a in self._by_path[found["rum_path"]]
                   if self.table.get(a.name, resource) is a]
        if not actions:
            raise NotFound(N_("no page at %(path)s"), path=repr(path))
        wanted = "GET" if method == "HEAD" else method
        chosen = next((a for a in actions if wanted in a.methods), None)
        if chosen is None:
            raise MethodNotAllowed(tuple(m for a in actions for m in a.methods))
        fmt = found.get("format") or ""
        if fmt and fmt not in chosen.formats:
            raise NotFound(N_("no %(format)s form of this page"), format=fmt)
        return Match(action=chosen, resource=resource, id=found.get("id", ""), format=fmt,
                     path=found.get("path", ""),
                     relation=found.get("relation", ""))
