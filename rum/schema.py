"""What the admin serves, for people (`/_meta`) and for programs (`/openapi.json`).

Both describe only what the asking identity may see: readable resources, visible fields.
"""

import webob

from .call import Call, page
from .formats import json_response

JSON_TYPES = {"integer": {"type": "integer"}, "float": {"type": "number"},
              "boolean": {"type": "boolean"}, "json": {}, "array": {"type": "array"},
              "set": {"type": "array", "items": {"type": "string"}}}
ERROR = {"type": "object", "properties": {
    "error": {"type": "string"}, "message": {"type": "string"}, "status": {"type": "integer"},
    "errors": {"type": "object", "additionalProperties": {"type": "string"}}},
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


def meta(call: Call) -> webob.Response:
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
    if call.match.format == "json":
        return json_response({"resources": resources})
    return page(call, "meta.html", described=resources,
                linkable=frozenset(r["name"] for r in resources))


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
    out = {}
    for code in codes:
        if code == 204:
            out["204"] = {"description": "done"}
        elif code < 300:
            out[str(code)] = {"description": "ok", "content": {"application/json": {
                "schema": ok}}}
        else:
            out[str(code)] = {"description": "refused", **error}
    return out


def _resource_paths(call: Call, r) -> dict:
    fields = _visible_fields(call, r)
    record = {"type": "object", "properties": {
        **{f.name: _output(f) for f in fields}, "_id": {"type": "string"},
        "_label": {"type": "string"}, "_url": {"type": "string"}},
        "required": ["_id", "_label", "_url"]}
    listing = {"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": record},
        "count": {"type": ["integer", "null"]}, "count_exact": {"type": "boolean"},
        "next": {"type": ["string", "null"]}, "prev": {"type": ["string", "null"]}}}
    body = {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "properties": {f.name: _input(f) for f in fields if not f.read_only},
        "required": [f.name for f in fields if f.required and not f.read_only]}}}}
    list_params = [{"name": n, "in": "query", "required": False, "schema": s} for n, s in (
        ("q", {"type": "string"}), ("sort", {"type": "string"}),
        ("page", {"type": "integer", "minimum": 1}),
        ("limit", {"type": "integer", "minimum": 1}))]
    ident = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    partial_body = {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "properties": {f.name: _input(f) for f in fields if not f.read_only}}}}}
    if_match = [{"name": "If-Match", "in": "header", "required": False,
                 "description": "the ETag read (or `_version` in the body); without either: 428",
                 "schema": {"type": "string"}}]
    base = f"/{r.name}"
    paths = {
        f"{base}.json": {
            "get": {"summary": f"List {r.plural_label}", "parameters": list_params,
                    "responses": _responses(200, 400, 401, 403, ok=listing)},
            "post": {"summary": f"Create a {r.label}", "requestBody": body,
                     "responses": _responses(201, 400, 401, 403, 404, 409, 413, 422, ok=record)},
        },
        f"{base}/{{id}}.json": {
            "parameters": ident,
            "get": {"summary": f"Show a {r.label}",
                    "responses": _responses(200, 400, 401, 403, 404, ok=record)},
            "put": {"summary": f"Update a {r.label}", "requestBody": body,
                    "parameters": if_match,
                    "responses": _responses(200, 400, 401, 403, 404, 409, 412, 413, 422, 428,
                                            ok=record)},
            "patch": {"summary": f"Change the fields named of a {r.label}",
                      "requestBody": partial_body, "parameters": if_match,
                      "responses": _responses(200, 400, 401, 403, 404, 409, 412, 413, 422,
                                              428, ok=record)},
            "delete": {"summary": f"Delete a {r.label}",
                       "responses": _responses(204, 400, 401, 403, 404, 409)},
        },
    }
    for f in fields:
        if f.kind == "to_many" and f.related:
            paths[f"{base}/{{id}}/{f.name}.json"] = {"parameters": ident, "get": {
                "summary": f"{f.label} of a {r.label}", "parameters": list_params,
                "responses": _responses(200, 400, 401, 403, 404,
                                        ok={"type": "object", "required": ["items"]})}}
    return paths


def openapi(call: Call) -> webob.Response:
    """An OpenAPI 3.1 document of the JSON side of this admin."""
    paths = {}
    for r in _readable(call):
        paths.update(_resource_paths(call, r))
    root = call.urls.home().rstrip("/")
    return json_response({
        "openapi": "3.1.0",
        "info": {"title": call.app.options["title"], "version": "1"},
        "servers": [{"url": root or "/"}],
        "paths": paths,
        "components": {"schemas": {"Error": ERROR}, "securitySchemes": {"csrf": {
            "type": "apiKey", "in": "header", "name": "X-CSRF-Token",
            "description": "From the X-CSRF-Token header of any GET; unsafe methods need it"}}},
    })
