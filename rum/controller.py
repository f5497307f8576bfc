"""The reading actions (home, index, show, complete) and the table of every action.

Each action takes the request's `Call` and returns a WebOb response. Writes live in
`editing` and `deleting`; they run inside the request's unit of work.
"""

import webob
from genshi.core import Markup

from . import deleting, editing, nesting, schema
from .call import Call, only_html, page, value_of
from .csv_export import csv_response
from .errors import BadRequest, Forbidden, NotFound
from .formats import json_response, json_value, record_json
from .links import ListLinks
from .query import QueryLimits, check_search, max_page, parse_query

SIZE_LIMIT = 1000  # relation sizes on show pages are counted up to here
SEARCH_COUNT_PAGES = 10  # a search's matches are counted up to this many pages of them


def home(call: Call) -> webob.Response:
    readable = call.app.readable(call.identity)
    # unserved tables are named only to those who may read every resource (administrators)
    notes = call.app.table_notes if len(readable) == len(call.app.registry) else []
    if call.wants_json:
        return json_response({"resources": [
            {"name": r.name, "label": r.plural_label, "url": call.urls.index(r.name),
             "read_only": r.read_only} for r in readable],
            "tables": [{"table": n.table, "status": n.status, "reason": n.reason}
                       for n in notes]})
    return page(call, "home.html", table_notes=notes)


def index(call: Call, parent_record=None) -> webob.Response:
    resource = call.resource
    fields = call.visible(resource.list_fields)
    query = parse_query(call.request.GET, {f.name: f for f in call.visible(resource.fields)},
                        resource.page_size, call.app.options["max_limit"],
                        max_offset=call.app.options["max_offset"],
                        limits=QueryLimits.from_options(call.app.options))
    query = query.but(search_in=tuple(f.name for f in call.visible(resource.fields)
                                      if f.searchable))
    if call.parent is not None:
        query = query.but(parent=call.parent.key)
    if call.match.format == "csv":
        labelled = call.visible(call.translations.resource(resource).list_fields)
        return csv_response(call.repo.stream(query, fields),
                            labelled, resource.name)
    count_limit = resource.count_limit
    if query.search:
        # A search uses no index, so counting every match reads the whole table: it counts
        # up to ten pages of matches, past what anyone pages through ("200+ rows").
        count_limit = min(count_limit, SEARCH_COUNT_PAGES * query.limit)
    result = call.repo.select(query.but(count_limit=count_limit), fields)
    records = [call.repo.record(row, fields, versioned=False) for row in result.rows]
    links = ListLinks(call.urls, resource.name, query, resource.page_size,
                      "json" if call.wants_json else "",
                      allowed=frozenset(p for p in ("update", "delete") if call.can(p)),
                      selectable=_selectable(call),
                      max_page=max_page(call.app.options["max_offset"], query.limit))
    if call.wants_json:
        return json_response({
            "items": [record_json(r, resource.name, call.urls) for r in records],
            "count": result.count, "count_exact": result.count_exact,
            "next": links.next(result) or None, "prev": links.prev(result) or None,
        })
    if call.match.format != "html":
        raise NotFound(f"no {call.match.format} form of this page")
    views = call.app.views
    grid = views.grid(resource).render(records, result, links, translations=call.translations,
                                       fields=fields)
    list_url = call.urls.nested(*call.parent.key) if call.parent else call.urls.index(resource.name)
    bar = views.filter_bar(resource, fields, query, list_url, call.urls, call.translations)
    return page(call, "index.html", grid=Markup(grid), query=query, result=result, links=links,
                parent=call.parent, parent_record=parent_record, filter_bar=Markup(bar))


def _selectable(call: Call) -> bool:
    """Checkboxes on rows: for bulk delete, or to unlink them from a nested page's parent."""
    parent = call.parent
    if parent is not None and not parent.field.read_only:
        return call.can("update", parent.resource.name)
    return call.can("delete")


def show(call: Call) -> webob.Response:
    row = call.get_row(call.match.id)
    record = call.repo.record(row, call.visible(call.resource.fields))
    if call.wants_json:
        response = json_response(record_json(record, call.resource.name, call.urls))
        response.etag = call.version(record.version)
        return response
    only_html(call)
    sizes = call.repo.related_sizes(row, call.visible(call.resource.fields), SIZE_LIMIT)
    return page(call, "show.html", record=record, sizes=sizes, value=value_of(call, record),
                fields=call.visible(call.translations.resource(call.resource).fields))


def download(call: Call) -> webob.Response:
    """The bytes of a binary field, as an attachment."""
    field = call.resource.field(call.match.path)
    if field.kind != "binary" or field.name in call.hidden:
        raise NotFound(f"{field.label} is not a file")
    row = call.get_row(call.match.id)
    data = call.repo.record(row, (field,)).values.get(field.name)
    if data is None:
        raise NotFound(f"{field.label} is empty")
    response = webob.Response(body=bytes(data), content_type="application/octet-stream")
    response.content_disposition = (
        f'attachment; filename="{call.resource.name}-{call.match.id}-{field.name}.bin"')
    return response


def complete(call: Call) -> webob.Response:
    """`/movies/complete?field=director&q=spi`: matching rows of the related resource, as JSON."""
    name = call.request.GET.get("field", "")
    fields = {f.name: f for f in call.visible(call.resource.fields)}
    if name not in fields or not fields[name].is_relation or not fields[name].related:
        raise BadRequest(f"'field' must name a relation of {call.resource.label}, not {name!r}")
    try:
        limit = min(max(int(call.request.GET.get("limit", 20)), 1), 50)
    except ValueError:
        raise BadRequest("'limit' must be a whole number") from None
    related = fields[name].related
    if not call.access.can_read(related):
        raise Forbidden(f"You may not read {fields[name].label.lower()}.")
    term = check_search(call.request.GET.get("q", ""), QueryLimits.from_options(call.app.options))
    refs = call.uow.repository(related).complete(term, limit)
    return json_response({"items": [json_value(r, call.urls) for r in refs]})


ACTIONS = {
    "home": home, "index": index, "show": show, "complete": complete, "download": download,
    "new": editing.new, "create": editing.create, "edit": editing.edit, "update": editing.update,
    "confirm_delete": deleting.confirm_delete, "delete": deleting.delete,
    "nested_index": nesting.nested_index, "nested_new": nesting.nested_new,
    "nested_create": nesting.nested_create, "link": nesting.link, "unlink": nesting.unlink,
    "meta": schema.meta, "openapi": schema.openapi,
    "confirm_delete_many": deleting.confirm_delete_many, "delete_many": deleting.delete_many,
}
