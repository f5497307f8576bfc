"""Creating and editing rows: forms (or JSON) in, validated values to the repository.

A refused write (form or database) dooms the unit of work, so nothing partial is kept,
and the form comes back with the user's input and a message beside each field. An edit
carries the version it started from; if the row changed since, the user gets a conflict
page with both versions instead of silently overwriting someone else's work.
"""

import json
from typing import Any

import webob
from genshi.core import Markup

from .call import Call, only_html, page, redirect
from .contracts import RelationInput
from .errors import BadRequest, Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from .formats import json_response, record_json
from .values import Given

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")



def relation_inputs(call: Call, fields) -> dict[str, RelationInput]:
    """A select for small related tables, autocomplete beyond `relation_select_limit` rows."""
    limit = call.app.options["relation_select_limit"]
    out = {}
    for f in fields:
        if not (f.is_relation and f.related):
            continue
        related = call.uow.repository(f.related)
        _size, exact = related.size(limit)
        out[f.name] = RelationInput(
            complete_url=call.urls.complete(call.resource.name, f.name),
            choices=related.choices(limit) if exact else None)
    return out


def _form(call: Call, action: str):
    return call.app.views.form(call.resource, action, call.visible(call.resource.form_fields))


def form_page(call: Call, action: str, values, errors, record=None, status=200,
               template="form.html", **extra):
    form = _form(call, action)
    html = form.render(values, errors, relation_inputs(call, form.fields),
                       translations=call.translations)
    read_only = [f for f in call.visible(call.resource.fields) if f.read_only
                 and not f.is_relation and f.kind != "binary"] if record is not None else []
    return page(call, template, status=status, form=Markup(html), action=action,
                record=record, errors=errors, multipart=form.multipart, read_only=read_only,
                version=record.version if record is not None else "",
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
        if not isinstance(body, dict):
            raise BadRequest("send a JSON object of field names to values")
        fields = call.resource.fields_by_name
        return {k: json_param(fields.get(k), v) for k, v in body.items()}
    raise BadRequest("send a form (application/x-www-form-urlencoded or multipart/form-data) "
                     "or application/json")


def _check_scope(call: Call, row) -> None:
    """A write may not move a row out of what the policy lets this identity reach."""
    if call.scope:
        try:
            call.repo.get(call.repo.record(row, ()).id, scope=call.scope)
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


def create(call: Call, defaults: dict | None = None) -> webob.Response:
    html_or_json(call)
    params = submitted(call)
    if defaults:  # a nested create: the link back to the parent, unless the client set it
        merged = _as_params(defaults)
        merged.update(params.mixed() if hasattr(params, "mixed") else params)
        params = merged
    try:
        values = _form(call, "new").validate(params)
        row = call.repo.create(values)
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
        response.etag = record.version
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
    if call.wants_json:
        return _if_match(call) or params.get("_version", "") or ""
    version = params.get("_version")
    if not version:
        raise BadRequest("the form carries no version; reload the edit page")
    return version


def update(call: Call) -> webob.Response:
    html_or_json(call)
    row = call.get_row(call.match.id, for_update=True)
    params = submitted(call)
    expected = _expected_version(call, params)
    current = call.repo.version(row)
    if expected and expected != current:
        call.uow.doom()
        if call.wants_json:
            if _if_match(call):
                raise PreconditionFailed("the row changed since you read it (ETag differs)")
            raise Conflict("the row changed since you read it; fetch it again")
        return _conflict_page(call, row, params)
    try:
        values = _form(call, "edit").validate(params)
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
        response.etag = record.version
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
