"""The reading actions: home, index (lists, exports), show, download, complete.

Each takes the request's `Call` and returns a `Result`; `rum.responding` gives it the
format asked for. Writes live in `editing`, `deleting` and `nesting`.
"""

from functools import cache

from genshi.core import Markup

from . import list_memory
from .breadcrumbs import trail
from .call import Call
from .custom_actions import buttons
from .errors import BadRequest, Forbidden, NotFound
from .filter_names import resolve_names, value_choices
from .formats import json_value, record_json
from .history_pages import recent_changes_url, store_of
from .i18n import N_, Message, Term
from .links import ListLinks
from .next_page import return_query, return_to
from .query import Page as QueryPage
from .query import Query, QueryLimits, check_search, max_page, parse_query
from .results import File, Page, Result, Table

SIZE_LIMIT = 1000  # relation sizes on show pages are counted up to here
SEARCH_COUNT_PAGES = 10  # a search's matches are counted up to this many pages of them
MAX_EXCLUDED = 500  # ids an autocomplete request may leave out: a big to-many input's rows
MAX_ID_TEXT = 200  # characters of one such id


def home(call: Call) -> Result:
    readable = call.app.readable(call.identity)
    # unserved tables are named only to those who may read every resource (administrators)
    notes = call.app.table_notes if len(readable) == len(call.app.registry) else []
    data = {"resources": [
        {"name": r.name, "label": r.plural_label, "url": call.urls.index(r.name),
         "read_only": r.read_only} for r in readable],
        "tables": [{"table": n.table, "status": n.status, "reason": n.reason} for n in notes]}
    return Result(data=data, page=Page("home.html", {"table_notes": notes,
                                                     "history_url": recent_changes_url(call)}))


def list_query(call: Call) -> Query:
    """The list query of the request: its parameters, the resource's searchable fields
    and default sort, narrowed to the parent's rows on a nested page."""
    resource = call.served
    visible = call.visible(resource.fields)
    query = parse_query(call.request.GET, {f.name: f for f in visible},
                        resource.page_size, call.app.options["max_limit"],
                        max_offset=call.app.options["max_offset"],
                        limits=QueryLimits.from_options(call.app.options),
                        default_sort=resource.default_sort)
    query = query.but(search_in=tuple(f.name for f in visible if f.searchable))
    if call.parent is not None:
        query = query.but(parent=call.parent.key)
    return query


def index(call: Call, parent_record=None) -> Result:
    """A page of rows (HTML, JSON) or every row (CSV), of the resource or of a relation."""
    resource = call.served
    fields = call.list_fields
    query = list_query(call)
    run, problems = resolve_names(call, query)  # `query` as asked stays in links and the bar
    translated = call.translations.resource(resource).fields_by_name
    labelled = tuple(translated[f.name] for f in fields)
    # an export writes values only: no keys to read for records
    table = Table(lambda: call.repo.stream(run, fields, records=False), labelled, resource.name)
    count_limit = resource.count_limit
    if query.search:
        # A search uses no index, so counting every match reads the whole table: it counts
        # up to ten pages of matches, past what anyone pages through ("200+ rows").
        count_limit = min(count_limit, SEARCH_COUNT_PAGES * query.limit)

    @cache
    def listing():
        result = list_memory.select(call, run.but(count_limit=count_limit), fields)
        return result, call.repo.records(result.rows, fields, versioned=False)

    def data():
        result, records = listing()
        links = _links(call, query, "json", current=result)  # a JSON page's links stay JSON
        return {"items": [record_json(r, resource.name, call.urls) for r in records],
                "count": result.count, "count_exact": result.count_exact,
                "sort_unindexed": result.sort_unindexed,
                "next": links.next(result) or None, "prev": links.prev(result) or None}

    def page():
        result, records = listing()
        menu = buttons(call, "list") if call.parent is None else []
        links = _links(call, query, "", bool(menu), result)
        grid = call.app.views.grid(resource).render(records, result, links,
                                                    translations=call.translations,
                                                    fields=fields)
        list_url = call.urls.nested(*call.parent.key) if call.parent else \
            call.urls.index(resource.name)
        bar = call.app.views.filter_bar(resource, fields, query, list_url, call.urls,
                                        call.translations, values=value_choices(call, fields),
                                        problems=problems)
        return dict(grid=Markup(grid), query=query, result=result, links=links,
                    parent=call.parent, parent_record=parent_record, buttons=menu,
                    filter_bar=Markup(bar), exports=_exports(call, links))

    return Result(data=data, page=Page("index.html", page), table=table)


def _links(call: Call, query: Query, fmt: str, has_menu: bool = False,
           current: QueryPage | None = None) -> ListLinks:
    """The list's links in format `fmt`, with the row actions this identity may use;
    `current`: the page shown, whose cursors its neighbours' numbered links carry."""
    resource = call.served
    return ListLinks(call.urls, resource.name, query, resource.page_size, fmt,
                     allowed=frozenset(p for p, a in (("update", "edit"),
                                                      ("delete", "confirm_delete"))
                                       if call.allowed(a)),
                     selectable=_selectable(call, has_menu),
                     max_page=max_page(call.app.options["max_offset"], query.limit),
                     returns=bool(call.request.query_string), current=current)


def _exports(call: Call, links: ListLinks) -> list[tuple[str, str]]:
    """(label, URL) of this very list as CSV and JSON, in the formats its action serves."""
    action = call.app.actions.get("nested_index" if call.parent else "index", call.served.name)
    formats = action.formats if action is not None else ()
    return [(label, links.export(fmt)) for fmt, label in (("csv", "CSV"), ("json", "JSON"))
            if fmt in formats]


def _selectable(call: Call, has_menu: bool) -> bool:
    """Checkboxes on rows: for a bulk action (delete, the resource class's own), or to
    unlink them from a nested page's parent."""
    parent = call.parent
    if parent is not None and not parent.field.read_only:
        return call.allowed("unlink", parent.resource.name)
    return call.allowed("delete_many") or has_menu


def show(call: Call) -> Result:
    row = call.get_row(call.match.id)
    record = call.repo.record(row, call.visible(call.served.fields))

    def page():
        sizes = call.repo.related_sizes(row, call.visible(call.served.fields), SIZE_LIMIT)
        return dict(record=record, sizes=sizes, buttons=buttons(call, "show", record.id),
                    back_to=return_to(call) or call.urls.index(call.served.name),
                    return_query=return_query(return_to(call)),
                    breadcrumbs=trail(call, record.label),
                    value=call.value_of(record),
                    history_url=call.urls.url("history", call.served.name, record.id)
                    if store_of(call) is not None and call.allowed("history") else "",
                    fields=call.visible(call.translations.resource(call.served).fields))

    return Result(data=lambda: record_json(record, call.served.name, call.urls),
                  page=Page("show.html", page), etag=call.version(record.version))


def download(call: Call) -> Result:
    """The bytes of a binary field, as an attachment."""
    field = call.served.field(call.match.path)
    if field.kind != "binary" or field.name in call.hidden:
        raise NotFound(N_("%(label)s is not a file"), label=Message(field.label))
    row = call.get_row(call.match.id)
    data = call.repo.record(row, (field,)).values.get(field.name)
    if data is None:
        raise NotFound(N_("%(label)s is empty"), label=Message(field.label))
    return Result(file=File(bytes(data), f"{call.served.name}-{call.match.id}-{field.name}.bin"))


def complete(call: Call) -> Result:
    """`/movies/complete?field=director&q=spi`: matching rows of the related resource, as JSON."""
    name = call.request.GET.get("field", "")
    fields = {f.name: f for f in call.visible(call.served.fields)}
    relation = fields.get(name)
    if relation is None or not relation.is_relation or not relation.related:
        raise BadRequest(N_("'field' must name a relation of %(label)s, not %(name)s"),
                         label=Message(call.served.label), name=repr(name))
    try:
        limit = min(max(int(call.request.GET.get("limit", 20)), 1), 50)
    except ValueError:
        raise BadRequest(N_("'limit' must be a whole number")) from None
    related = relation.related
    if not call.access.can_read(related):
        raise Forbidden(N_("You may not read %(things)s."), things=Term(relation.label))
    term = check_search(call.request.GET.get("q", ""), QueryLimits.from_options(call.app.options))
    refs = call.uow.repository(related).complete(term, limit, _excluded(call))
    return Result(data={"items": [json_value(r, call.urls) for r in refs]})


def _excluded(call: Call) -> tuple[str, ...]:
    """`exclude=3,7` (or repeated): ids of rows the input holds already, not offered again."""
    ids = [part.strip() for value in call.request.GET.getall("exclude")
           for part in value.split(",") if part.strip()]
    if len(ids) > MAX_EXCLUDED or any(len(i) > MAX_ID_TEXT for i in ids):
        raise BadRequest(N_("'exclude' takes at most %(most)s ids"), most=MAX_EXCLUDED)
    return tuple(dict.fromkeys(ids))
