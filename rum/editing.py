"""Creating and editing rows: forms (or JSON) in, validated values to the repository.

A refused write (form or database) dooms the unit of work, so nothing partial is kept,
and the form comes back with the user's input and a message beside each field. An edit
carries the version it started from; if the row changed since, the user gets a conflict
page with both versions instead of silently overwriting someone else's work.
"""

import hmac
import json
from typing import Any

from genshi.core import Markup
from webob.multidict import MultiDict

from . import history, merging
from .admin import Admin
from .breadcrumbs import trail
from .call import Call
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
from .formats import record_json
from .history_pages import mark_revert, recorded_as, revived_key
from .i18n import N_
from .next_page import after_save, return_to
from .results import Page, Result
from .values import Given

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_JSON_DEPTH = 20  # an object of fields to values (or lists of ids) needs 3 levels
PLAIN = Admin()  # the hooks of a resource without a resource class: none (it holds no state)


def admin(call: Call) -> Admin:
    """The resource class of the call's resource: its checks and hooks."""
    return call.served.admin or PLAIN


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
            complete_url=call.urls.complete(call.served.name, f.name),
            choices=related.choices(limit) if exact else None)
    return out


def _form(call: Call, record=None):
    """The form for this request; an edit form leaves out the to-many relations of which
    `record` holds only some rows (they are linked and unlinked on their nested pages).
    Its read-only fields are shown as text, never read from a submission."""
    fields = call.form_fields
    if record is not None and record.partial:
        fields = tuple(f for f in fields if f.name not in record.partial)
    return call.app.views.form(call.served, fields=fields)


def form_page(call: Call, action: str, values, errors, record=None,
              template="form.html", choices=None, **extra) -> Page:
    """The form page (new, edit, conflict), built only when HTML is wanted. `choices`: the
    rows a name typed for a field matches (`rum.names.Ambiguity`), offered beside it."""

    def data() -> dict:
        form = _form(call, record)
        html = form.render(_unwrapped(values), errors, relation_inputs(call, form.fields),
                           translations=call.translations, choices=choices)
        in_form = {f.name for f in form.read_only}  # the form shows these itself
        read_only = [f for f in call.visible(call.served.fields) if f.read_only
                     and not f.is_relation and f.kind != "binary"
                     and f.name not in in_form] if record is not None else []
        large = [f for f in call.form_fields if record is not None and f.name in record.partial]
        summary = form.error_summary(errors, call.translations) if errors else []
        version = call.version(record.version) if record is not None else ""
        base = merging.sign(call, record.id, version, form.texts(record.values)) \
            if record is not None else ""
        return dict(base=base, form=Markup(html), action=action, record=record, errors=errors,
                    error_summary=summary,
                    multipart=form.multipart, read_only=read_only,
                    version=version,
                    large_relations=large, value=call.value_of(record),
                    return_to=return_to(call),
                    breadcrumbs=trail(call, record.label) if record is not None else [],
                    can_add=call.allowed(
                        "nested_new" if call.parent else "new"),
                    post_to=call.urls.url("nested_create", *call.parent.key)
                    if call.parent else None, **extra)

    return Page(template, data)


def _unwrapped(values):
    """A JSON body's values as a form shows them: typed values (`Given`) as themselves."""
    if isinstance(values, dict):
        return {k: v.value if isinstance(v, Given) else v for k, v in values.items()}
    return values


def _as_text(value) -> Any:
    """A submitted value as the conflict page's "yours" column shows it."""
    if isinstance(value, Given):
        value = value.value
    if isinstance(value, dict) or (isinstance(value, list) and not all(
            isinstance(v, str) for v in value)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


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
            raise BadRequest(N_("the body is not valid JSON")) from None
        except RecursionError:  # the parser's own limit (about 1,000 levels) came first
            raise _too_deep() from None
        if _depth(body) > MAX_JSON_DEPTH:
            raise _too_deep()
        if not isinstance(body, dict):
            raise BadRequest(N_("send a JSON object of field names to values"))
        fields = call.served.fields_by_name
        # `_base` stays as sent: an object of what the client read (rum.merging)
        return {k: v if k == merging.FIELD else json_param(fields.get(k), v)
                for k, v in body.items()}
    raise BadRequest(N_("send a form (application/x-www-form-urlencoded or multipart/form-data) "
                        "or application/json"))


def _too_deep() -> BadRequest:
    return BadRequest(N_("the JSON body is nested more than %(levels)s levels deep"),
                      levels=MAX_JSON_DEPTH)


def _depth(value, level: int = 1) -> int:
    """How deeply `value` nests, counted no further than just past MAX_JSON_DEPTH."""
    if level > MAX_JSON_DEPTH or not isinstance(value, dict | list):
        return level
    children = value.values() if isinstance(value, dict) else value
    return max((_depth(v, level + 1) for v in children), default=level)


def _check_scope(call: Call, row) -> None:
    """A write may not move a row out of what the policy lets this identity reach."""
    if call.access.scope(call.served.name):
        try:
            call.repo.get(call.repo.record(row, (), versioned=False).id)
        except NotFound:
            raise Forbidden(N_("You may not store a row you could not see afterwards.")) from None


def new(call: Call) -> Result:
    defaults = {f.name: f.default for f in call.form_fields
                if f.default is not None and not callable(f.default)}
    return Result(page=form_page(call, "new", defaults, {}))


def _as_params(values: dict) -> dict:
    """Preset values (refs included) as the strings a form would send."""
    out = {}
    for name, value in values.items():
        if isinstance(value, list):
            out[name] = [getattr(v, "id", v) for v in value]
        else:
            out[name] = getattr(value, "id", value)
    return out


def _refused(call: Call, exc: Invalid, page: Page) -> Result:
    """A write the form, a check or a hook refused: nothing of it is kept (422)."""
    call.uow.doom()
    return Result(status=422, error=exc, page=page)


def create(call: Call, defaults: dict | None = None, attach=None, saved_to: str = "") -> Result:
    """`defaults`/`attach`: a nested create presets the link back to the parent and attaches
    the new row to it before the scope check, so what is checked is what is stored.
    `saved_to`: where a plain Save goes (default: the new row's show page)."""
    params = submitted(call)
    if defaults:  # a nested create: the link back to the parent, unless the client set it
        merged = _as_params(defaults)
        merged.update(params.mixed() if hasattr(params, "mixed") else params)
        params = merged
    mark_revert(call, params)
    hooks = admin(call)
    try:
        values = _form(call).validate(params)
        hooks.validate(call, values)
        hooks.before_create(call, values)
        watch = history.watch(call, names=values)
        row = call.repo.create(values, revived_key(call))
        if attach is not None:
            attach(row)
        hooks.after_create(call, row)
    except Invalid as exc:
        return _refused(call, exc, form_page(call, "new", params, exc.errors,
                                             choices=exc.choices))
    _check_scope(call, row)
    record = call.repo.record(row, call.visible(call.served.fields))
    if watch is not None:
        watch.done(recorded_as(call, "create"), row, known=record)
    url = call.urls.show(call.served.name, record.id)
    return Result(status=201, data=lambda: record_json(record, call.served.name, call.urls),
                  location=url, redirect=after_save(call, record.id, saved_to or url),
                  etag=call.version(record.version),
                  message=call.gettext("%(resource)s %(record)s created.",
                                       resource=call.gettext(call.served.label),
                                       record=record.label))


def edit(call: Call) -> Result:
    row = call.get_row(call.match.id)
    record = call.repo.record(row, call.visible(call.served.fields))
    return Result(page=form_page(call, "edit", record.values, {}, record=record))


def _if_match(call: Call) -> str:
    """The entity tag of an If-Match header ('' when absent or '*')."""
    header = (call.request.headers.get("If-Match") or "").strip()
    if not header or header == "*":
        return ""
    return header.split(",")[0].strip().removeprefix("W/").strip('"')


def _expected_version(call: Call, params) -> str:
    """The version the client read: If-Match, else `_version`. A JSON body without either
    is 428 unless `[rum] blind_writes` (`If-Match: *` is an explicit blind write); a form
    always carries `_version` (400 without: the page is not an edit page of ours)."""
    expected = _if_match(call) or params.get("_version", "") or ""
    if not isinstance(expected, str):
        raise BadRequest(N_("_version must be the text of an ETag"))
    if expected:
        return expected
    if call.request.content_type in FORM_TYPES:
        raise BadRequest(N_("the form carries no version; reload the edit page"))
    if not call.app.options["blind_writes"] and \
            call.request.headers.get("If-Match", "").strip() != "*":
        raise PreconditionRequired(N_("send the ETag you read in If-Match (or `_version`), so "
                                      "a change made since is not overwritten"))
    return ""


def _named(params) -> set[str]:
    """The fields a PATCH names: the keys it sends, without the form's own (`_csrf`...)."""
    return {k for k in params.keys() if not k.startswith("_")}


def update(call: Call) -> Result:
    """PUT stores the form (or JSON object); PATCH only the fields it names. Either way only
    fields whose text differs from what the edit form shows for the stored row are written.
    A save on a version changed since merges when no field was changed on both sides."""
    params = submitted(call)
    expected = _expected_version(call, params)
    mark_revert(call, params)
    row = call.get_row(call.match.id, for_update=True)
    current = call.version(call.repo.version(row))
    stale = bool(expected) and not hmac.compare_digest(expected.encode(), current.encode())
    stored = call.repo.record(row, call.visible(call.served.fields))
    form = _form(call, stored)
    names = form.changed(params, stored.values)
    if call.request.effective_method == "PATCH":
        names &= _named(params)
    split = None
    if stale:
        base = _base(call, params, stored.id, expected, form)
        if base is None and _if_match(call):
            call.uow.doom()
            raise PreconditionFailed(N_("the row changed since you read it (ETag differs)"))
        if base is not None:
            named = _named(params) if call.request.effective_method == "PATCH" else None
            split = merging.split(form, params, base, stored.values, named)
        if split is None or split.conflicts:
            call.uow.doom()
            return _conflict(call, row, params, split)
        names &= split.mine
    hooks = admin(call)
    try:
        values = form.validate(params, only=names)
        hooks.validate(call, values, row)
        hooks.before_update(call, row, values)
        watch = history.watch(call, row, names=values, known=stored)
        row = call.repo.update(row, values)
        hooks.after_update(call, row)
    except Invalid as exc:
        shown = _prefilled(form, params, split, stored) if split else params
        return _refused(call, exc, form_page(call, "edit", shown, exc.errors, record=stored,
                                             choices=exc.choices))
    _check_scope(call, row)
    record = call.repo.record(row, call.visible(call.served.fields))
    if watch is not None:
        watch.done(recorded_as(call, "update"), row, known=record)
    shown_url = call.urls.show(call.served.name, record.id)
    saved = N_("%(resource)s %(record)s saved; merged with the changes made meanwhile.") \
        if stale else N_("%(resource)s %(record)s saved.")
    return Result(data=lambda: record_json(record, call.served.name, call.urls),
                  etag=call.version(record.version),
                  redirect=after_save(call, record.id, shown_url),
                  message=call.gettext(saved, resource=call.gettext(call.served.label),
                                       record=record.label))


def _base(call: Call, params, ident: str, version: str, form) -> dict | None:
    """The values the client started from: a form's signed `_base`, or a JSON object of
    the values a JSON client read. None when missing or not ours (no merge then)."""
    sent = params.get(merging.FIELD)
    if isinstance(sent, dict) and call.request.content_type == "application/json":
        fields = {f.name: f for f in form.fields}
        return {k: json_param(fields[k], v) for k, v in sent.items() if k in fields}
    return merging.verified(call, sent, ident, version)


def _prefilled(form, params, split: merging.Split, stored) -> Any:
    """The user's input with the fields only the other side changed as stored now, so
    saving it again keeps their changes."""
    theirs = split.theirs_only
    if not hasattr(params, "mixed"):  # a JSON body: typed values
        return {**params, **{k: stored.values.get(k) for k in theirs}}
    texts = form.texts(stored.values)
    out = MultiDict((k, v) for k, v in params.items() if k.partition(".")[0] not in theirs)
    for name in theirs:
        text = texts.get(name)
        for item in text if isinstance(text, list) else [text]:
            if item is not None:
                out.add(name, item)
    return out


def _conflict(call: Call, row, params, split: merging.Split | None = None) -> Result:
    """409: the stored values beside the user's; the form, with their input, re-applies it.
    After a three-way merge only the fields both sides changed are marked and the form
    keeps the other side's changes to the rest."""
    fields = call.form_fields
    stored = call.repo.record(row, call.visible(call.served.fields))
    mine = {k: _as_text(v) for k, v in
            (params.mixed() if hasattr(params, "mixed") else dict(params)).items()}
    mine, resolved = merging.labelled(call, fields, mine)
    conflicts = split.conflicts if split is not None else frozenset()
    shown = _prefilled(_form(call, stored), params, split, stored) if split else params
    page = form_page(call, "edit", shown, {}, record=stored, template="conflict.html",
                     fields=fields, mine=mine, resolved=resolved,
                     conflicts=conflicts)
    error = Conflict(N_("the row changed since you read it; fetch it again"),
                     errors={name: N_("changed meanwhile by someone else too")
                             for name in sorted(conflicts)})
    return Result(status=409, error=error, page=page)
