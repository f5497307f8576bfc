"""The actions: home, index, show, new, create, edit, update, confirm_delete, delete.

Each takes the request's `Call` and returns a WebOb response. Writes run inside the
request's unit of work; a failed write dooms it so nothing partial is committed.
"""

from dataclasses import dataclass
from typing import Any

import webob
from genshi.core import Markup

from .contracts import Record, Ref, UnitOfWork
from .errors import BadRequest, Invalid, NotFound
from .flash import pop_flash, set_flash
from .formats import json_response, record_json
from .links import ListLinks
from .query import parse_query
from .request import RumRequest
from .resources import Resource
from .router import Match
from .urls import Urls


@dataclass
class Call:
    """Everything one request's action needs, passed explicitly."""

    app: Any  # the RumApp
    request: RumRequest
    match: Match
    urls: Urls
    resource: Resource | None = None
    uow: UnitOfWork | None = None

    @property
    def repo(self):
        return self.uow.repository(self.resource.name)

    @property
    def wants_json(self) -> bool:
        return self.match.format == "json"


def page(call: Call, template: str, status: int = 200, **data) -> webob.Response:
    """Render a Genshi page with the layout's common data."""
    response = webob.Response(status=status, content_type="text/html", charset="utf-8")
    flash = pop_flash(call.request, response)
    data.update(urls=call.urls, app_title=call.app.options["title"], flash=flash,
                resources=list(call.app.registry), resource=call.resource, Markup=Markup)
    name = call.resource.name if call.resource else ""
    response.text = call.app.renderer.render(template, data, resource=name)
    return response


def redirect(call: Call, location: str, message: str = "") -> webob.Response:
    response = webob.Response(status=303, location=location)
    if message:
        set_flash(response, call.request, message)
    return response


def only_html(call: Call) -> None:
    if call.match.format not in ("html",):
        raise NotFound(f"no {call.match.format} form of this page")


def home(call: Call) -> webob.Response:
    if call.wants_json:
        return json_response({"resources": [
            {"name": r.name, "label": r.plural_label, "url": call.urls.index(r.name)}
            for r in call.app.registry]})
    return page(call, "home.html")


def index(call: Call) -> webob.Response:
    resource = call.resource
    query = parse_query(call.request.GET, resource.fields_by_name, resource.page_size,
                        call.app.options["max_limit"]).but(count_limit=resource.count_limit)
    result = call.repo.select(query)
    records = [call.repo.record(row, resource.list_fields) for row in result.rows]
    links = ListLinks(call.urls, resource.name, query, resource.page_size,
                      "json" if call.wants_json else "")
    if call.wants_json:
        return json_response({
            "items": [record_json(r, resource.name, call.urls) for r in records],
            "count": result.count, "count_exact": result.count_exact,
            "next": links.next(result) or None, "prev": links.prev(result) or None,
        })
    if call.match.format != "html":
        raise NotFound(f"no {call.match.format} form of this page")
    grid = call.app.views.grid(resource).render(records, result, links)
    return page(call, "index.html", grid=Markup(grid), query=query, result=result, links=links)


def show(call: Call) -> webob.Response:
    row = call.repo.get(call.match.id)
    record = call.repo.record(row, call.resource.fields)
    if call.wants_json:
        return json_response(record_json(record, call.resource.name, call.urls))
    only_html(call)
    return page(call, "show.html", record=record)


def _choices(call: Call) -> dict[str, list[Ref]]:
    limit = call.app.options["relation_choices_limit"]
    return {f.name: call.uow.repository(f.related).choices(limit)
            for f in call.resource.form_fields if f.is_relation and f.related}


def form_values(record: Record) -> dict[str, Any]:
    """Record values as form values: relations become ids."""
    out = {}
    for name, value in record.values.items():
        if isinstance(value, Ref):
            value = value.id
        elif isinstance(value, list) and all(isinstance(v, Ref) for v in value):
            value = [v.id for v in value]
        out[name] = value
    return out


def _form_page(call: Call, action: str, values, errors, record=None, status=200):
    form = call.app.views.form(call.resource, action)
    html = form.render(values, errors, _choices(call))
    return page(call, "form.html", status=status, form=Markup(html), action=action,
                record=record, errors=errors)


def new(call: Call) -> webob.Response:
    only_html(call)
    defaults = {f.name: f.default for f in call.resource.form_fields
                if f.default is not None and not callable(f.default)}
    return _form_page(call, "new", defaults, {})


def _submitted(call: Call) -> dict[str, Any]:
    if call.request.content_type not in ("application/x-www-form-urlencoded",
                                         "multipart/form-data"):
        raise BadRequest("send the form as application/x-www-form-urlencoded or multipart/form-data")
    return call.request.POST


def create(call: Call) -> webob.Response:
    only_html(call)
    params = _submitted(call)
    try:
        values = call.app.views.form(call.resource, "new").validate(params)
        row = call.repo.create(values)
    except Invalid as exc:
        call.uow.doom()
        return _form_page(call, "new", params, exc.errors, status=422)
    record = call.repo.record(row, ())
    return redirect(call, call.urls.show(call.resource.name, record.id),
                    f"{call.resource.label} {record.label} created.")


def edit(call: Call) -> webob.Response:
    only_html(call)
    row = call.repo.get(call.match.id)
    record = call.repo.record(row, call.resource.form_fields)
    return _form_page(call, "edit", form_values(record), {}, record=record)


def update(call: Call) -> webob.Response:
    only_html(call)
    row = call.repo.get(call.match.id)
    params = _submitted(call)
    try:
        values = call.app.views.form(call.resource, "edit").validate(params)
        row = call.repo.update(row, values)
    except Invalid as exc:
        call.uow.doom()
        record = call.repo.record(call.repo.get(call.match.id), ())
        return _form_page(call, "edit", params, exc.errors, record=record, status=422)
    record = call.repo.record(row, ())
    return redirect(call, call.urls.show(call.resource.name, record.id),
                    f"{call.resource.label} {record.label} saved.")


def confirm_delete(call: Call) -> webob.Response:
    only_html(call)
    row = call.repo.get(call.match.id)
    return page(call, "confirm_delete.html", record=call.repo.record(row, ()))


def delete(call: Call) -> webob.Response:
    only_html(call)
    row = call.repo.get(call.match.id)
    record = call.repo.record(row, ())
    call.repo.delete(row)
    return redirect(call, call.urls.index(call.resource.name),
                    f"{call.resource.label} {record.label} deleted.")


def complete(call: Call) -> webob.Response:
    """`/movies/complete?field=director&q=spi`: matching rows of the related resource, as JSON."""
    name = call.request.GET.get("field", "")
    fields = call.resource.fields_by_name
    if name not in fields or not fields[name].is_relation or not fields[name].related:
        raise BadRequest(f"'field' must name a relation of {call.resource.label}, not {name!r}")
    try:
        limit = min(max(int(call.request.GET.get("limit", 20)), 1), 50)
    except ValueError:
        raise BadRequest("'limit' must be a whole number") from None
    related = fields[name].related
    refs = call.uow.repository(related).complete(call.request.GET.get("q", ""), limit)
    return json_response({"items": [{"id": r.id, "label": r.label,
                                     "url": call.urls.show(r.resource, r.id)} for r in refs]})


ACTIONS = {
    "home": home, "index": index, "show": show, "new": new, "create": create, "edit": edit,
    "update": update, "confirm_delete": confirm_delete, "delete": delete, "complete": complete,
}
