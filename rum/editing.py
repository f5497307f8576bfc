"""Creating and editing rows: forms (or JSON) in, validated values to the repository.

A refused write (form or database) dooms the unit of work, so nothing partial is kept,
and the form comes back with the user's input and a message beside each field. An edit
carries the version it started from; if the row changed since, the user gets a conflict
page with both versions instead of silently overwriting someone else's work.
"""

import hmac
import json
from typing import Any

import webob
from genshi.core import Markup

from .call import Call, only_html, page, redirect, value_of
from .contracts import RelationInput
from .errors import (
    BadRequest,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from .formats import json_response, record_json
from .values import Given

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_JSON_DEPTH = 20  # an object of fields to values (or lists of ids) needs 3 levels


def relation_inputs(call: Call, fields) -> dict[str, RelationInput]:
    """A select for small related tables, autocomplete beyond `relation_select_limit` rows.

    Both offer only the related rows this identity may read (the repository scopes them);
    an unreadable resource offers none."""
    limit = call.app.options["relation_select_limit"]
    out = {}
    for f in fields:
        if not (f.is_relation and f.related):
            continue
        if not call.access.can_read(f.related):
            out[f.name] = RelationInput(complete_url="", choices=[])
            continue
        related = call.uow.repository(f.related)
        _size, exact = related.size(limit)
        out[f.name] = RelationInput(
            complete_url=call.urls.complete(call.resource.name, f.name),
            choices=related.choices(limit) if exact else None)
    return out


def _form(call: Call, action: str, record=None):
    """The form for this identity; an edit form leaves out the to-many relations of which
    `record` holds only some rows (they are linked and unlinked on their nested pages)."""
    fields = call.visible(call.resource.form_fields)
    if record is not None and record.partial:
        fields = tuple(f for f in fields if f.name not in record.partial)
    return call.app.views.form(call.resource, fields)


def form_page(call: Call, action: str, values, errors, record=None, status=200,
               template="form.html", **extra):
    form = _form(call, action, record)
    html = form.render(values, errors, relation_inputs(call, form.fields),
                       translations=call.translations)
    read_only = [f for f in call.visible(call.resource.fields) if f.read_only
                 and not f.is_relation and f.kind != "binary"
                 and f not in form.read_only] if record is not None else []  # form: its own
    large = [f for f in call.visible(call.resource.form_fields)
             if record is not None and f.name in record.partial]
    return page(call, template, status=status, form=Markup(html), action=action,
                record=record, errors=errors, multipart=form.multipart, read_only=read_only,
                version=call.version(record.version) if record is not None else "",
                large_relations=large, value=value_of(call, record),
                post_to=call.urls.nested(*call.parent.key) if call.parent else None, **extra)


def json_param(field, value) -> Any:
    """A JSON body's value as a form would send it. JSON, array and SET fields take the
    value itself (`Given`); a relation as the show JSON gives it (`{"id": ...}`) is its id."""
    if field is not None and field.kind in ("json", "array", "set"):
        return Given(value)
    if isinstance(value, dict) and "id" in value and field is not None and field.is_relation:
        return value["id"]
    if isinstance(value, list):
        return [v["id"] if isinstance(v, dict) and "id" in v else v for v in value]
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, dict) else str(value)


def submitted(call: Call) -> Any:
    """The request's values: a form, or a JSON object for JSON clients."""
    if call.request.content_type in FORM_TYPES:
        return call.request.form
    if call.request.content_type == "application/json":
        try:
            body = json.loads(call.request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("the body is not valid JSON") from None
        except RecursionError:  # the parser's own limit (about 1,000 levels) came first
            raise BadRequest(_too_deep()) from None
        if _depth(body) > MAX_JSON_DEPTH:
            raise BadRequest(_too_deep())
        if not isinstance(body, dict):
            raise BadRequest("send a JSON object of field names to values")
        fields = call.resource.fields_by_name
        return {k: json_param(fields.get(k), v) for k, v in body.items()}
    raise BadRequest("send a form (application/x-www-form-urlencoded or multipart/form-data) "
                     "or application/json")


def _too_deep() -> str:
    return f"the JSON body is nested more than {MAX_JSON_DEPTH} levels deep"


def _depth(value, level: int = 1) -> int:
    """How deeply `value` nests, counted no further than just past MAX_JSON_DEPTH."""
    if level > MAX_JSON_DEPTH or not isinstance(value, dict | list):
        return level
    children = value.values() if isinstance(value, dict) else value
    return max((_depth(v, level + 1) for v in children), default=level)


def _check_scope(call: Call, row) -> None:
    """A write may not move a row out of what the policy lets this identity reach."""
    if call.access.scope(call.resource.name):
        try:
            call.repo.get(call.repo.record(row, (), versioned=False).id)
        except NotFound:
            raise Forbidden("You may not store a row you could not see afterwards.") from None


def new(call: Call) -> webob.Response:
    only_html(call)
    defaults = {f.name: f.default for f in call.visible(call.resource.form_fields)
                if f.default is not None and not callable(f.default)}
    return form_page(call, "new", defaults, {})


def html_or_json(call: Call) -> None:
    if call.match.format not in ("html", "json"):
        raise NotFound(f"no {call.match.format} form of this action")


def _as_params(values: dict) -> dict:
    """Preset values (refs included) as the strings a form would send."""
    out = {}
    for name, value in values.items():
        if isinstance(value, list):
            out[name] = [getattr(v, "id", v) for v in value]
        else:
            out[name] = getattr(value, "id", value)
    return out


def create(call: Call, defaults: dict | None = None, attach=None) -> webob.Response:
    """`defaults`/`attach`: a nested create presets the link back to the parent and attaches
    the new row to it before the scope check, so what is checked is what is stored."""
    html_or_json(call)
    params = submitted(call)
    if defaults:  # a nested create: the link back to the parent, unless the client set it
        merged = _as_params(defaults)
        merged.update(params.mixed() if hasattr(params, "mixed") else params)
        params = merged
    try:
        values = _form(call, "new").validate(params)
        row = call.repo.create(values)
        if attach is not None:
            attach(row)
    except Invalid as exc:
        call.uow.doom()
        if call.wants_json:
            raise
        return form_page(call, "new", params, exc.errors, status=422)
    _check_scope(call, row)
    record = call.repo.record(row, call.visible(call.resource.fields))
    url = call.urls.show(call.resource.name, record.id)
    if call.wants_json:
        response = json_response(record_json(record, call.resource.name, call.urls), status=201)
        response.location = url
        response.etag = call.version(record.version)
    else:
        response = redirect(call, url, call.gettext("%(resource)s %(record)s created.",
                                                    resource=call.gettext(call.resource.label),
                                                    record=record.label))
    response.rum_created_id = record.id
    return response


def edit(call: Call) -> webob.Response:
    only_html(call)
    row = call.get_row(call.match.id)
    record = call.repo.record(row, call.visible(call.resource.fields))
    return form_page(call, "edit", record.values, {}, record=record)


def _if_match(call: Call) -> str:
    """The entity tag of an If-Match header ('' when absent or '*')."""
    header = (call.request.headers.get("If-Match") or "").strip()
    if not header or header == "*":
        return ""
    return header.split(",")[0].strip().removeprefix("W/").strip('"')


def _expected_version(call: Call, params) -> str:
    """The version the client read. JSON clients name it (If-Match or `_version`) or get
    428, unless `[rum] blind_writes`; `If-Match: *` is an explicit blind write."""
    if call.wants_json:
        expected = _if_match(call) or params.get("_version", "") or ""
        if not isinstance(expected, str):
            raise BadRequest("_version must be the text of an ETag")
        if not expected and not call.app.options["blind_writes"] and \
                call.request.headers.get("If-Match", "").strip() != "*":
            raise PreconditionRequired("send the ETag you read in If-Match (or `_version`), so "
                                       "a change made since is not overwritten")
        return expected
    version = params.get("_version")
    if not version:
        raise BadRequest("the form carries no version; reload the edit page")
    return version


def _named(params) -> set[str]:
    """The fields a PATCH names: the keys it sends, without the form's own (`_csrf`...)."""
    return {k for k in params.keys() if not k.startswith("_")}


def update(call: Call) -> webob.Response:
    """PUT stores the form (or JSON object); PATCH only the fields it names. Either way only
    fields whose text differs from what the edit form shows for the stored row are written."""
    html_or_json(call)
    params = submitted(call)
    expected = _expected_version(call, params)
    row = call.get_row(call.match.id, for_update=True)
    current = call.version(call.repo.version(row))
    if expected and not hmac.compare_digest(expected.encode(), current.encode()):
        call.uow.doom()
        if call.wants_json:
            if _if_match(call):
                raise PreconditionFailed("the row changed since you read it (ETag differs)")
            raise Conflict("the row changed since you read it; fetch it again")
        return _conflict_page(call, row, params)
    stored = call.repo.record(row, call.visible(call.resource.fields))
    form = _form(call, "edit", stored)
    names = form.changed(params, stored.values)
    if call.request.effective_method == "PATCH":
        names &= _named(params)
    try:
        values = form.validate(params, only=names)
        row = call.repo.update(row, values)
    except Invalid as exc:
        call.uow.doom()
        if call.wants_json:
            raise
        record = call.repo.record(call.get_row(call.match.id), call.visible(call.resource.fields))
        return form_page(call, "edit", params, exc.errors, record=record, status=422)
    _check_scope(call, row)
    record = call.repo.record(row, call.visible(call.resource.fields))
    if call.wants_json:
        response = json_response(record_json(record, call.resource.name, call.urls))
        response.etag = call.version(record.version)
        return response
    return redirect(call, call.urls.show(call.resource.name, record.id),
                    call.gettext("%(resource)s %(record)s saved.",
                                 resource=call.gettext(call.resource.label), record=record.label))


def _conflict_page(call: Call, row, params) -> webob.Response:
    """409: the stored values beside the user's; the form, with their input, re-applies it."""
    fields = call.visible(call.resource.form_fields)
    stored = call.repo.record(row, call.visible(call.resource.fields))
    mine = params.mixed() if hasattr(params, "mixed") else dict(params)
    return form_page(call, "edit", params, {}, record=stored, status=409,
                      template="conflict.html", fields=fields, mine=mine)
