"""URL -> (action, resource, id, format), with Routes. Methods pick the action on shared paths."""

from dataclasses import dataclass

from routes import Mapper

from .errors import MethodNotAllowed, NotFound

FORMATS = ("html", "json", "csv")
# path kind -> {HTTP method: action}
METHODS = {
    "home": {"GET": "home"},
    "static": {"GET": "static"},
    "collection": {"GET": "index", "POST": "create"},
    "new": {"GET": "new"},
    "complete": {"GET": "complete"},
    "delete_many": {"GET": "confirm_delete_many", "POST": "delete_many"},
    "download": {"GET": "download"},
    "nested": {"GET": "nested_index", "POST": "nested_create"},
    "nested_new": {"GET": "nested_new"},
    "link": {"POST": "link"},
    "unlink": {"POST": "unlink"},
    "meta": {"GET": "meta"},
    "openapi": {"GET": "openapi"},
    "member": {"GET": "show", "PUT": "update", "PATCH": "update", "DELETE": "delete"},
    "edit": {"GET": "edit"},
    "confirm_delete": {"GET": "confirm_delete"},
}


@dataclass(frozen=True)
class Match:
    action: str
    resource: str = ""
    id: str = ""
    format: str = "html"
    path: str = ""
    relation: str = ""


def build_mapper() -> Mapper:
    m = Mapper(explicit=True)
    m.minimization = False
    fmt = {"format": "|".join(FORMATS)}
    m.connect("home", "/", kind="home")
    m.connect("home_fmt", "/index.{format}", kind="home", requirements=fmt)
    m.connect("static", "/_static/{path:.+}", kind="static")
    m.connect("meta", "/_meta", kind="meta")
    m.connect("meta_fmt", "/_meta.{format}", kind="meta", requirements={"format": "html|json"})
    m.connect("openapi", "/openapi.json", kind="openapi", format="json")
    m.connect("new", "/{resource}/new", kind="new")
    m.connect("complete", "/{resource}/complete", kind="complete")
    m.connect("complete_fmt", "/{resource}/complete.{format}", kind="complete",
              requirements={"format": "json"})
    m.connect("delete_many", "/{resource}/delete_many", kind="delete_many")
    m.connect("edit", "/{resource}/{id}/edit", kind="edit")
    m.connect("download", "/{resource}/{id}/download/{path}", kind="download")
    m.connect("confirm_delete", "/{resource}/{id}/confirm_delete", kind="confirm_delete")
    m.connect("nested_new", "/{resource}/{id}/{relation}/new", kind="nested_new")
    for kind in ("link", "unlink"):
        m.connect(kind, f"/{{resource}}/{{id}}/{{relation}}/{kind}", kind=kind)
        m.connect(f"{kind}_fmt", f"/{{resource}}/{{id}}/{{relation}}/{kind}.{{format}}",
                  kind=kind, requirements={"format": "json"})
    m.connect("nested_fmt", "/{resource}/{id}/{relation}.{format}", kind="nested",
              requirements=fmt)
    m.connect("nested", "/{resource}/{id}/{relation}", kind="nested")
    m.connect("collection_fmt", "/{resource}.{format}", kind="collection", requirements=fmt)
    m.connect("collection", "/{resource}", kind="collection")
    m.connect("member_fmt", "/{resource}/{id}.{format}", kind="member", requirements=fmt)
    m.connect("member", "/{resource}/{id}", kind="member")
    return m


class Router:
    """Matches a path and method to a Match; raises NotFound or MethodNotAllowed."""

    def __init__(self):
        self.mapper = build_mapper()

    def match(self, path: str, method: str) -> Match:
        found = self.mapper.match(path or "/")
        if not found:
            raise NotFound(f"no page at {path!r}")
        actions = METHODS[found["kind"]]
        allowed = actions if method != "HEAD" else {"HEAD": actions.get("GET")}
        action = allowed.get(method)
        if not action:
            raise MethodNotAllowed(tuple(actions))
        return Match(action=action, resource=found.get("resource", ""), id=found.get("id", ""),
                     format=found.get("format") or "html", path=found.get("path", ""),
                     relation=found.get("relation", ""))
