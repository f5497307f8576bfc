"""What the admin serves, for people (`/_meta`) and for programs (`/openapi.json`).

Both describe only what the asking identity may see: readable resources, visible fields.
"""

from typing import Any

from .actions import Action, Doc, format_path
from .call import Call
from .results import Page, Result

JSON_TYPES: dict[str, dict[str, Any]] = {"integer": {"type": "integer"}, "float": {"type": "number"},
              "boolean": {"type": "boolean"}, "json": {}, "array": {"type": "array"},
              "set": {"type": "array", "items": {"type": "string"}}}
ERROR = {"type": "object", "properties": {
    "error": {"type": "string"}, "message": {"type": "string"}, "status": {"type": "integer"},
    "errors": {"type": "object", "additionalProperties": {"type": "string"}},
    "choices": {"type": "object", "additionalProperties": {"type": "object", "properties": {
        "name": {"type": "string"}, "more": {"type": "boolean"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "label": {"type": "string"}}}}}}}},
    "required": ["error", "message", "status"]}
REF = {"type": "object", "properties": {"id": {"type": "string"}, "label": {"type": "string"},
                                        "url": {"type": "string"},
                                        # a row the identity may not see: "#<id>", no url
                                        "opaque": {"type": "boolean"}}}


def _readable(call: Call):
    return call.app.readable(call.identity)


def _visible_fields(call: Call, resource):
    hidden = call.app.policy.hidden(call.identity, resource.name)
    return [f for f in resource.fields if f.name not in hidden]


def meta(call: Call) -> Result:
    """Every resource the identity may read, with its fields."""
    resources = []
    for r in _readable(call):
        tr = call.translations.resource(r)
        resources.append({"name": r.name, "label": tr.label, "plural_label": tr.plural_label,
                          "url": call.urls.index(r.name), "fields": [
                              {"name": f.name, "kind": f.kind, "label": f.label,
                               "required": f.required, "read_only": f.read_only,
                               "searchable": f.searchable, "sortable": f.sortable,
                               "primary_key": f.primary_key, "max_length": f.max_length,
                               "related": f.related, "choices": [c[0] for c in f.choices]}
                              for f in _visible_fields(call, tr)]})
    return Result(data={"resources": resources}, page=Page("meta.html", {
        "described": resources, "linkable": frozenset(r["name"] for r in resources)}))


def _output(field) -> dict:
    if field.kind == "to_one":
        return {"anyOf": [REF, {"type": "null"}]}
    if field.kind == "to_many":
        return {"type": "array", "items": REF}
    base = JSON_TYPES.get(field.kind, {"type": "string"})
    if field.kind == "enum" and field.choices:
        return {"anyOf": [{"enum": [str(c[0]) for c in field.choices]}, {"type": "null"}]}
    return {"anyOf": [base, {"type": "null"}]} if base else {}


def _input(field) -> dict:
    if field.kind == "to_many":
        return {"type": "array", "items": {"type": "string"}}
    if field.kind == "enum" and field.choices:
        return {"enum": [str(c[0]) for c in field.choices]}
    return JSON_TYPES.get(field.kind, {"type": "string"})


def _responses(*codes, ok=None) -> dict:
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    out: dict[str, dict[str, Any]] = {}
    for code in codes:
        if code == 204:
            out["204"] = {"description": "done"}
        elif code < 300:
            out[str(code)] = {"description": "ok", "content": {"application/json": {
                "schema": ok}}}
        else:
            out[str(code)] = {"description": "refused", **error}
    return out


def _schemas(fields) -> dict:
    """The JSON shapes of one resource: a record, a listing, full and partial bodies."""
    record = {"type": "object", "properties": {
        **{f.name: _output(f) for f in fields}, "_id": {"type": "string"},
        "_label": {"type": "string"}, "_url": {"type": "string"}},
        "required": ["_id", "_label", "_url"]}
    listing = {"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": record},
        "count": {"type": ["integer", "null"]}, "count_exact": {"type": "boolean"},
        "sort_unindexed": {"type": "boolean", "description": "sorted where no index serves "
                           "the sort: every page sorts the whole table"},
        "next": {"type": ["string", "null"]}, "prev": {"type": ["string", "null"]}}}
    writable = {f.name: _input(f) for f in fields if not f.read_only}
    done = {"type": "object", "properties": {"message": {"type": "string"},
                                             "count": {"type": "integer"}}}
    return {"record": record, "listing": listing, "done": done, "bodies": {
        "record": {"type": "object", "properties": writable,
                   "required": [f.name for f in fields if f.required and not f.read_only]},
        "partial": {"type": "object", "properties": writable},
        "ids": {"type": "object", "required": ["ids"], "properties": {
            "ids": {"type": "array", "items": {"type": "string"}}}}}}


LIST_PARAMS = [{"name": n, "in": "query", "required": False, "schema": s} for n, s in (
    ("q", {"type": "string"}), ("sort", {"type": "string"}),
    ("page", {"type": "integer", "minimum": 1}), ("limit", {"type": "integer", "minimum": 1}))]
ALL_MATCHING = [{"name": "all", "in": "query", "required": False,
                 "description": "1: every row the list parameters (q, sort, f.*) match, up to "
                 "[rum] max_bulk (413 above); no `ids` then",
                 "schema": {"type": "string", "enum": ["1"]}}]
IF_MATCH = {"name": "If-Match", "in": "header", "required": False,
            "description": "the ETag read (or `_version` in the body); without either: 428",
            "schema": {"type": "string"}}


def _operation(doc: Doc, shapes: dict, names: dict) -> dict:
    ok = shapes.get(doc.ok) if doc.ok else None
    if doc.ok == "listing" and names.get("relation"):
        ok = {"type": "object", "required": ["items"]}
    op: dict = {"summary": doc.summary % names,
                "responses": _responses(doc.status, *doc.codes, ok=ok)}
    params = (LIST_PARAMS if doc.query or doc.matching else []) + \
        (ALL_MATCHING if doc.matching else []) + ([IF_MATCH] if doc.if_match else [])
    if params:
        op["parameters"] = list(params)
    if doc.body:
        op["requestBody"] = {"required": not doc.matching, "content": {"application/json": {
            "schema": shapes["bodies"][doc.body]}}}
    return op


def _action_paths(action: Action, r, fields, shapes: dict) -> dict:
    """The OpenAPI paths of one JSON action of resource `r` (one per relation on nested
    actions)."""
    template = format_path(action.path).replace("{format}", "json") \
        .replace("{resource}", r.name)
    relations = [f for f in fields if f.kind == "to_many" and f.related] \
        if "{relation}" in template else [None]
    paths: dict = {}
    for rel in relations:
        path = template.replace("{relation}", rel.name) if rel is not None else template
        names = {"label": r.label, "plural": r.plural_label,
                 "relation": rel.label if rel is not None else ""}
        item = paths.setdefault(path, {})
        if "{id}" in path:
            item["parameters"] = [{"name": "id", "in": "path", "required": True,
                                   "schema": {"type": "string"}}]
        for method, doc in action.docs.items():
            item[method.lower()] = _operation(doc, shapes, names)
    return paths


def _resource_paths(call: Call, r) -> dict:
    fields = _visible_fields(call, r)
    shapes = _schemas(fields)
    paths: dict = {}
    for action in call.app.actions.for_resource(r.name):
        if action.docs and "json" in action.formats and action.target != "site":
            for path, item in _action_paths(action, r, fields, shapes).items():
                paths.setdefault(path, {}).update(item)
    return paths


def openapi(call: Call) -> Result:
    """An OpenAPI 3.1 document of the JSON side of this admin."""
    paths = {}
    for r in _readable(call):
        paths.update(_resource_paths(call, r))
    root = call.urls.home().rstrip("/")
    return Result(data={
        "openapi": "3.1.0",
        "info": {"title": call.app.options["title"], "version": "1"},
        "servers": [{"url": root or "/"}],
        "paths": paths,
        "components": {"schemas": {"Error": ERROR}, "securitySchemes": {"csrf": {
            "type": "apiKey", "in": "header", "name": "X-CSRF-Token",
            "description": "From the X-CSRF-Token header of any GET; unsafe methods need it"}}},
    })
