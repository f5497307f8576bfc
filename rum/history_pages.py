"""History pages: one row's changes (`/movies/3/history`) and the recent changes across
resources (`/_history`), newest first, in HTML, JSON and CSV.

Pages go by keyset (`before=<entry id>`, the last one shown): no OFFSET, no COUNT. What
a reader sees of each entry is `rum.history_view`'s business. History is there when the
unit of work offers a store (`call.uow.history()`); without one these pages are 404.
"""

import datetime
from dataclasses import replace
from urllib.parse import urlencode

from . import history
from .call import Call
from .contracts import Entry, HistoryQuery, HistoryStore, Record
from .errors import BadRequest, NotFound
from .fields import Field
from .history_view import Reader, ShownEntry, as_json, text
from .i18n import N_, Message
from .results import Page, Result, Table

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_TEXT = 200  # characters of an entry id or an identity in the query
ACTION_KEY = "rum.history.action"  # environ: the action a write records ('revert')
REVERTS_KEY = "rum.history.reverts"  # environ: the entry id a revert restores
REVIVES_KEY = "rum.history.revives"  # environ: the key of a deleted row a revert re-creates
ACTIONS = {"create": N_("created"), "update": N_("changed"), "delete": N_("deleted"),
           "link": N_("linked"), "unlink": N_("unlinked"), "revert": N_("restored")}
# entry action -> the action whose page restores the state before it (rum.revert); any
# other (an update, a link, a custom action) is undone by the row's edit form
RESTORED_BY = {"delete": "new", "create": "confirm_delete"}
CSV_FIELDS = (Field("at", "string", label=N_("When")), Field("identity", "string", label=N_("Who")),
              Field("action", "string", label=N_("Action")),
              Field("resource", "string", label=N_("Resource")),
              Field("row", "string", label=N_("Row")), Field("field", "string", label=N_("Field")),
              Field("old", "string", label=N_("Before")), Field("new", "string", label=N_("After")))


def store_of(call: Call) -> HistoryStore | None:
    """The request's history store (the host's when `[rum.history] use` names one, else the
    unit of work's), None when history is off."""
    return history.store_of(call.app, call.uow)


def require_store(call: Call) -> HistoryStore:
    found = store_of(call)
    if found is None:
        raise NotFound(N_("This admin keeps no history."))
    return found


def _limit(call: Call) -> int:
    raw = call.request.GET.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(N_("'limit' must be a whole number from 1 to %(most)s"), most=MAX_LIMIT)
    return limit


def _text_param(call: Call, name: str) -> str:
    value = call.request.GET.get(name, "")
    if len(value) > MAX_TEXT or not value.isprintable():
        raise BadRequest(N_("'%(name)s' is too long or not text"), name=name)
    return value


def _when(call: Call, name: str) -> datetime.datetime | None:
    """An ISO date or date and time (UTC unless it says otherwise); 400 when malformed."""
    raw = call.request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        value = datetime.datetime.fromisoformat(raw) if len(raw) <= 40 else None
    except ValueError:
        value = None
    if value is None:
        raise BadRequest(N_("'%(name)s' must be an ISO date such as 2024-05-01"), name=name)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _page(call: Call, query: HistoryQuery, url, template: str, **extra) -> Result:
    """One page of `query`'s entries the reader may see; `url(query_string)` links pages."""
    store, reader = require_store(call), Reader(call)
    found = store.entries(replace(query, limit=query.limit + 1))
    more, found = len(found) > query.limit, found[:query.limit]
    shown = [s for s in (reader.shown(e) for e in found) if s is not None]
    params = [(k, v) for k, v in call.request.GET.items() if k != "before"]
    next_url = url(urlencode([*params, ("before", found[-1].id)])) if more else ""

    def data() -> dict:
        return {"items": [as_json(s, call.urls) for s in shown],
                "next": url(urlencode([*params, ("before", found[-1].id)]), "json")
                if more else None}

    def page() -> dict:
        return dict(entries=shown, next_url=next_url, when=_formatted(call),
                    restore_url=lambda s: restore_url(call, s),
                    action_label=lambda a: call.gettext(ACTIONS[a]) if a in ACTIONS else a,
                    value_text=lambda c, v: text(v, c.kind, call.translations.formats),
                    **extra)

    name = f"history-{query.resources[0]}-{query.row_id}" if query.row_id else "history"
    table = Table(lambda: _csv_records(shown), _csv_fields(call), name)
    return Result(data=data, page=Page(template, page), table=table)


def _formatted(call: Call):
    formats = call.translations.formats
    return lambda at: formats.datetime(at) if isinstance(at, datetime.datetime) else str(at)


def _csv_fields(call: Call) -> tuple[Field, ...]:
    return tuple(f.but(label=call.gettext(f.label)) for f in CSV_FIELDS)


def _csv_records(shown: list[ShownEntry]):
    """One line per change (an entry without changes: one line), hidden values left out."""
    for s in shown:
        e = s.entry
        base = {"at": e.at.isoformat() if isinstance(e.at, datetime.datetime) else str(e.at),
                "identity": e.identity, "action": e.action, "resource": e.resource,
                "row": f"{e.row_id} {e.label}".strip()}
        for c in s.changes or (None,):
            values = dict(base)
            if c is not None:
                values["field"] = c.label
                if not c.hidden:
                    values["old"], values["new"] = text(c.old, c.kind, None), \
                        text(c.new, c.kind, None)
                else:
                    values["old"] = values["new"] = "(hidden)"
            yield Record(id=e.id, label=e.label, values=values)


def row_history(call: Call) -> Result:
    """`/{resource}/{id}/history`: the row's entries. A row out of the reader's row filters
    is 404; a deleted row's history is there for readers the resource has no filters for."""
    resource, ident = call.served.name, call.match.id
    try:
        label, exists = call.repo.record(call.get_row(ident), (), versioned=False).label, True
    except NotFound:
        if call.access.scope(resource):
            raise
        label, exists = "", False
    query = HistoryQuery(resources=(resource,), row_id=ident,
                         before=_text_param(call, "before"), limit=_limit(call))
    if not exists and not require_store(call).entries(replace(query, before="", limit=1)):
        raise NotFound(N_("no %(model)s with id %(id)s"), model=Message(call.served.label),
                       id=repr(ident))
    return _page(call, query, lambda q, fmt="": call.urls.url(
        "history", resource, ident, fmt=fmt, query=q), "history.html",
        row_id=ident, row_label=label, row_exists=exists)


def recent(call: Call) -> Result:
    """`/_history?identity=&resource=&since=&until=`: every readable resource's entries."""
    readable = Reader(call).readable()
    resource = _text_param(call, "resource")
    if resource and resource not in readable:
        raise BadRequest(N_("no resource named %(name)s"), name=repr(resource))
    since, until = _when(call, "since"), _when(call, "until")
    query = HistoryQuery(resources=(resource,) if resource else readable,
                         identity=_text_param(call, "identity"), since=since, until=until,
                         before=_text_param(call, "before"), limit=_limit(call))
    if not query.resources:
        return Result(data={"items": [], "next": None}, page=Page("history.html", dict(
            entries=[], next_url="", when=str, restore_url=str, value_text=str, row_id="", action_label=str,
            filters=_filters(call, readable))))
    return _page(call, query, lambda q, fmt="": call.urls.url("recent_changes", fmt=fmt,
                                                              query=q),
                 "history.html", row_id="", filters=_filters(call, readable))


def _filters(call: Call, readable) -> dict:
    """The recent page's filter form: its values and the resources to choose from."""
    names = {r.name: call.translations.resource(r).plural_label
             for r in call.app.readable(call.identity)}
    return {"resources": [(n, names[n]) for n in readable],
            "values": {k: call.request.GET.get(k, "") for k in
                       ("identity", "resource", "since", "until")}}


def mark_revert(call: Call, params) -> None:
    """A form saved from a "restore" page carries `_revert=<entry id>`: the write then
    records 'revert' (the environ tells `rum.history`), when the entry is one of this row."""
    entry_id = params.get("_revert") if hasattr(params, "get") else None
    if not entry_id or not isinstance(entry_id, str) or len(entry_id) > MAX_TEXT:
        return
    store = store_of(call)
    entry: Entry | None = store.get(entry_id) if store is not None else None
    if entry is None or entry.resource != call.served.name or \
            (call.match.id and entry.row_id != call.match.id):
        return
    call.request.environ[ACTION_KEY] = "revert"
    call.request.environ[REVERTS_KEY] = entry_id
    if entry.action == "delete" and not call.match.id:
        call.request.environ[REVIVES_KEY] = entry.row_id


def recent_changes_url(call: Call) -> str:
    """The top menu's "Recent changes" link: '' without history or the permission."""
    if not call.allowed("recent_changes") or store_of(call) is None:
        return ""
    return call.urls.url("recent_changes")


def restore_url(call: Call, shown: ShownEntry) -> str:
    """The entry's "Restore" link, '' when this reader may not restore it (or the row is
    not in the state it can be restored from: gone for an update, back for a delete)."""
    entry = shown.entry
    by = RESTORED_BY.get(entry.action, "edit")
    if shown.row_exists == (entry.action == "delete") or \
            not call.allowed("restore", entry.resource) or not call.allowed(by, entry.resource):
        return ""
    return call.urls.url("restore", entry.resource, entry.row_id, path=entry.id)


def revived_key(call: Call) -> str | None:
    """The key a create takes: the deleted row's, when it restores one (`mark_revert`)."""
    return call.request.environ.get(REVIVES_KEY)


def recorded_as(call: Call, action: str) -> str:
    """The action a write records: 'revert' when `mark_revert` marked it, else `action`."""
    return call.request.environ.get(ACTION_KEY) or action
