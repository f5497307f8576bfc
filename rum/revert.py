"""Restoring the state before a history entry, from the entry's "Restore" link.

Nothing is written here. The restore of an update, a link or unlink or a custom action is
the row's edit form with the changed fields' old values (the other fields as stored now,
the current version and base, so validation, conflict detection and the policy apply as to
any edit); a delete's is the new form filled with the deleted row's values and its links
to rows that still exist (saved, the row takes its old key again when no row holds it); a
create's is the delete confirmation page. The form carries
`_revert=<entry id>`, and saving it through the usual update or create records 'revert'
(`rum.history_pages.mark_revert`).
"""

from typing import Any

from .call import Call
from .editing import _form, form_page, json_param
from .errors import Forbidden, NotFound
from .history_pages import RESTORED_BY, require_store
from .history_view import Reader, ShownEntry
from .i18n import N_, Message
from .results import Result
from .values import Given


def restore(call: Call) -> Result:
    """`/{resource}/{id}/history/{entry}/restore`: the page that puts the row back."""
    entry = require_store(call).get(call.match.path)
    missing = NotFound(N_("no history entry %(id)s of this row"), id=repr(call.match.path))
    if entry is None or entry.resource != call.served.name or entry.row_id != call.match.id:
        raise missing
    shown = Reader(call).shown(entry)
    if shown is None:
        raise missing
    by = RESTORED_BY.get(entry.action, "edit")
    if not call.allowed(by):
        raise Forbidden(N_("You may not restore %(things)s."),
                        things=Message(call.served.plural_label))
    if by == "confirm_delete":
        call.get_row(entry.row_id)
        return Result(redirect=call.urls.confirm_delete(call.served.name, entry.row_id))
    if by == "new":
        return Result(page=form_page(call, "new", _old_values(call, shown), {},
                                     revert=entry.id))
    row = call.get_row(entry.row_id)
    stored = call.repo.record(row, call.visible(call.served.fields))
    values = {**_form(call, stored).texts(stored.values), **_old_values(call, shown)}
    return Result(page=form_page(call, "edit", values, {}, record=stored, revert=entry.id))


def _old_values(call: Call, shown: ShownEntry) -> dict[str, Any]:
    """The changed fields' values before the entry, as a form sends them: only fields the
    form takes and the reader may see, relations to rows that still exist for them."""
    fields = {f.name: f for f in call.form_fields if not f.read_only}
    out: dict[str, Any] = {}
    for change in shown.changes:
        field = fields.get(change.field)
        if field is None or change.hidden:
            continue
        old = change.old
        if field.is_relation:
            refs = old if isinstance(old, list) else [old] if old is not None else []
            kept = [r for r in refs if _still_there(call, field.related, r)]
            if len(kept) < len(refs) and field.kind == "to_one":
                continue  # the row it pointed at is gone: the current value stays
            old = kept if field.kind == "to_many" else (kept[0] if kept else None)
        value = json_param(field, old)
        out[field.name] = value.value if isinstance(value, Given) else value
    return out


def _still_there(call: Call, related: str | None, ref: Any) -> bool:
    """Whether the row a recorded relation value names exists and is readable to the reader."""
    if not isinstance(ref, dict) or ref.get("opaque") or not related or \
            not call.access.can_read(related):
        return False
    try:
        call.uow.repository(related).get(str(ref.get("id", "")))
    except NotFound:
        return False
    return True
