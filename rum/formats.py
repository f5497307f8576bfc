"""Rows and errors as JSON."""

import base64
import datetime
import decimal
import json
import uuid
from typing import Any

import webob

from .contracts import Record, Ref
from .durations import timedelta_text
from .urls import Urls


def json_value(value: Any, urls: Urls) -> Any:
    """A field value in JSON terms: ISO dates, decimals as strings, refs as objects."""
    if isinstance(value, Ref):
        if value.opaque:  # a row this identity may not see: its id only, no name, no link
            return {"id": value.id, "label": value.label, "opaque": True}
        return {"id": value.id, "label": value.label, "url": urls.show(value.resource, value.id)}
    if isinstance(value, list | tuple):
        return [json_value(v, urls) for v in value]
    if isinstance(value, set | frozenset):  # a SET's members
        return sorted(json_value(v, urls) for v in value)
    if isinstance(value, datetime.timedelta):
        return timedelta_text(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "value") and hasattr(value, "name") and type(value).__module__ != "builtins":
        return value.value  # enum members
    return value


def record_json(record: Record, resource: str, urls: Urls) -> dict:
    """A row as JSON; files become download links, collections link their nested list."""
    out = {}
    for k, v in record.values.items():
        if isinstance(v, bytes):
            out[k] = urls.download(resource, record.id, k) if v else None
        else:
            out[k] = json_value(v, urls)
        if isinstance(v, list) and all(isinstance(x, Ref) for x in v):
            out[f"_{k}_url"] = urls.nested(resource, record.id, k)
    out["_id"] = record.id
    out["_label"] = record.label
    out["_url"] = urls.show(resource, record.id)
    return out


def error_body(exc: Any, gettext=None) -> dict:
    """A domain error as a program reads it: title, message, status, messages by field.

    `gettext`: the request's language for the messages; `error` (the title) and `status`
    stay as they are, for programs to match."""
    shown = gettext or str
    body = {"error": exc.title, "message": shown(exc.message), "status": exc.status}
    if getattr(exc, "errors", None):
        body["errors"] = {k: shown(v) if isinstance(v, str) else v for k, v in exc.errors.items()}
    if getattr(exc, "choices", None):  # the rows a name given for a field matches
        body["choices"] = {name: {"name": a.text, "more": a.more, "items": [
            {"id": r.id, "label": r.label} for r in a.refs]} for name, a in exc.choices.items()}
    return body


def json_response(data: Any, status: int = 200) -> webob.Response:
    # Escape '<', '>' and '&' so a JSON body is inert even if a browser sniffs it as HTML.
    body = (json.dumps(data, ensure_ascii=False, default=str)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    response = webob.Response(body=body.encode("utf-8"), status=status,
                              content_type="application/json", charset="utf-8")
    return response
