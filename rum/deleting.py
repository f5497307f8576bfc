"""Deleting rows: a confirmation page saying what else the delete touches, then the delete.

Bulk delete works the same way for the rows ticked in a list: a confirmation page, then
one transaction that deletes them all or none.
"""

from typing import Any
from urllib.parse import urlencode

from . import history
from .breadcrumbs import trail
from .call import Call
from .editing import admin, submitted
from .errors import BadRequest, Conflict, NotFound
from .i18n import N_, Term
from .matching import matching_rows, preview, wants_all
from .next_page import return_to
from .results import Page, Result

EFFECT_LIMIT = 1000  # related rows are counted up to here on confirmation pages
NOT_LIST = frozenset({"ids", "_csrf"})  # a bulk form's own fields, not the list's query


def confirm_delete(call: Call) -> Result:
    row = call.get_row(call.match.id)
    record = call.repo.record(row, ())
    effects = call.repo.delete_effects(row, EFFECT_LIMIT)
    return Result(page=Page("confirm_delete.html", {
        "record": record, "breadcrumbs": trail(call, record.label),
        "effects": effects, "one": _singular_labels(call, effects),
        "return_to": return_to(call)}))


def _singular_labels(call: Call, effects) -> dict[str, str]:
    """Related resource name -> its label, for 'Unlinks 1 actor' (effects name the plural)."""
    out = {}
    for e in effects:
        try:
            out[e.resource] = call.app.registry.get(e.resource).label
        except NotFound:  # a table no resource serves: its relation's label will do
            pass
    return out


def _delete(call: Call, row) -> None:
    """One row, with the resource class's hooks around it, and its history entry."""
    hooks = admin(call)
    hooks.before_delete(call, row)
    watch = history.watch(call, row, whole=True)
    call.repo.delete(row)
    hooks.after_delete(call, row)
    if watch is not None:
        watch.done("delete")


def delete(call: Call) -> Result:
    row = call.get_row(call.match.id, for_update=True)
    record = call.repo.record(row, ())
    _delete(call, row)
    return Result(status=204, redirect=return_to(call) or call.urls.index(call.served.name),
                  message=call.gettext("%(resource)s %(record)s deleted.",
                                       resource=call.gettext(call.served.label),
                                       record=record.label))


def selected_ids(call: Call, what: str = N_("delete"), done: str = N_("deleted")) -> list[str]:
    """The ticked rows' ids: the form's (or JSON body's) `ids`, or the query's on a GET.
    BadRequest when there are none: confirmation pages ask `nothing_ticked` first."""
    ids = ticked_ids(call, done)
    if not ids:
        raise BadRequest(N_("tick at least one row to %(action)s"), action=Term(what))
    return ids


def ticked_ids(call: Call, done: str = N_("deleted")) -> list[str]:
    """The ticked rows' ids, maybe none; BadRequest when there are too many."""
    if call.request.method in ("GET", "HEAD"):
        raw = call.request.GET.getall("ids")
    elif call.request.content_type == "application/json":
        body = submitted(call).get("ids")
        raw = body if isinstance(body, list) else [body] if body else []
    else:
        raw = call.request.form.getall("ids")
    ids = list(dict.fromkeys(str(i) for i in raw if i))
    most = call.app.options["max_bulk"]
    if len(ids) > most:
        raise BadRequest(N_("at most %(count)s rows can be %(done)s at once"), count=most,
                         done=Term(done))
    return ids


def chosen_rows(call: Call, what: str = N_("delete"),
                done: str = N_("deleted")) -> tuple[list[str], list[Any]]:
    """The ids and rows, locked, a bulk action runs on: every row the list's query matches
    (`all=1`), or the ticked ones."""
    if wants_all(call):
        return matching_rows(call)
    ids = selected_ids(call, what, done)
    return ids, [call.get_row(i, for_update=True) for i in ids]


def chosen_preview(call: Call, what: str = N_("delete"),
                   done: str = N_("deleted")) -> tuple[list, int, str]:
    """What a bulk confirmation names: (records, their count, the query string that names
    them again ('' for ticked rows)); for all matching rows, the first of them."""
    if wants_all(call):
        matching = preview(call)
        return matching.records, matching.count, matching.params
    records = [call.repo.record(call.get_row(i), ()) for i in selected_ids(call, what, done)]
    return records, len(records), ""


def nothing_ticked(call: Call) -> Result | None:
    """Back to the list (with the list's query the form carried) and a hint, when a bulk
    action's confirmation page is asked for with no row ticked; None when some are."""
    if wants_all(call) or ticked_ids(call):  # (HTML only: programs post, and get a 400)
        return None
    query = urlencode([(k, v) for k, v in call.request.GET.items() if k not in NOT_LIST])
    return Result(redirect=call.urls.index(call.served.name, query=query),
                  message=call.gettext("No rows were selected: tick the rows to act on "
                                       "first."))


def confirm_delete_many(call: Call) -> Result:
    """The rows to delete, named: the ticked ones, or the first of all the list's query
    matches with their count ("and 37 more")."""
    back = nothing_ticked(call)
    if back is not None:
        return back
    records, count, params = chosen_preview(call)
    return Result(page=Page("confirm_delete_many.html", {
        "records": records, "count": count, "more": count - len(records),
        "everything": bool(params),
        "post_to": call.urls.delete_many(call.served.name) + (f"?{params}" if params else ""),
        "cancel": call.urls.index(call.served.name, query=params.partition("&")[2])}))


def delete_many(call: Call) -> Result:
    """The ticked rows, or every row the query matches (`all=1`): all or none."""
    _ids, rows = chosen_rows(call)
    try:
        for row in rows:
            _delete(call, row)
    except Conflict:
        call.uow.doom()
        raise
    label = call.served.label if len(rows) == 1 else call.served.plural_label
    everything = wants_all(call)
    query = urlencode([(k, v) for k, v in call.request.GET.items() if k != "all"]) \
        if everything else ""
    return Result(status=200 if everything else 204,
                  redirect=call.urls.index(call.served.name, query=query),
                  data={"count": len(rows)} if everything else None,
                  message=call.gettext("%(count)s %(label)s deleted.", count=len(rows),
                                       label=call.translations.in_sentence(call.gettext(label))))
