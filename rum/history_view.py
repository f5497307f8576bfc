"""History entries as one reader may see them: the policy applied once, for every format.

An entry of a resource the reader may not read is never shown; neither is one of a row
outside the reader's row filters (a row of a scoped resource that no longer exists counts
as outside: nothing is left to test the filters on). A change of a field hidden from the
reader, or from the writer when it was recorded, keeps its label and says "changed" but
has no values. A relation's value names its rows by label only when the reader may read
their resource unscoped with no field hidden (its label may be one); else `#<id>`, as
an opaque `Ref` would.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from .call import Call
from .contracts import Entry
from .errors import NotFound


@dataclass(frozen=True)
class ShownChange:
    """One field of an entry for a reader: `hidden` means the values are not theirs to see."""

    field: str
    label: str
    old: Any = None
    new: Any = None
    hidden: bool = False
    kind: str = "string"


@dataclass(frozen=True)
class ShownEntry:
    """An entry with the resource's label and only the values the reader may see."""

    entry: Entry
    resource_label: str
    changes: tuple[ShownChange, ...]
    row_exists: bool


class Reader:
    """The policy's answers for one request's reader of history, asked once each."""

    def __init__(self, call: Call):
        self.call = call
        self._rows: dict[tuple[str, str], bool] = {}

    def readable(self) -> tuple[str, ...]:
        """The resources whose entries this reader may see at all."""
        return tuple(r.name for r in self.call.app.readable(self.call.identity))

    def row_state(self, resource: str, row_id: str) -> tuple[bool, bool]:
        """(may see its entries, the row exists for this reader). A row of a resource
        with row filters must still exist inside them; any row of an unscoped one may."""
        key = (resource, row_id)
        if key not in self._rows:
            try:
                self.call.uow.repository(resource).get(row_id)
                self._rows[key] = True
            except NotFound:
                self._rows[key] = False
        exists = self._rows[key]
        return exists or not self.call.access.scope(resource), exists

    def shown(self, entry: Entry) -> ShownEntry | None:
        """`entry` as this reader may see it, or None when it is not theirs to see."""
        access = self.call.access
        if entry.resource not in self.call.app.registry or not access.can_read(entry.resource):
            return None
        visible, exists = self.row_state(entry.resource, entry.row_id)
        if not visible:
            return None
        resource = self.call.translations.resource(self.call.app.registry.get(entry.resource))
        fields = resource.fields_by_name
        hidden = access.hidden(entry.resource)
        changes = []
        for change in entry.changes:
            field = fields.get(change.field)
            label = field.label if field is not None else change.field
            kind = field.kind if field is not None else "string"
            if change.hidden or change.field in hidden:
                changes.append(ShownChange(change.field, label, hidden=True, kind=kind))
                continue
            related = field.related if field is not None and field.is_relation else None
            changes.append(ShownChange(change.field, label, self._value(change.old, related),
                                       self._value(change.new, related), kind=kind))
        return ShownEntry(entry, resource.label, tuple(changes), exists)

    def _value(self, value: Any, related: str | None) -> Any:
        """A relation's `{"id", "label"}` (or a list of them) without labels the reader
        may not see; other values as recorded."""
        if related is None:
            return value
        if isinstance(value, list):
            return [self._value(v, related) for v in value]
        if not isinstance(value, dict):
            return value
        ident = str(value.get("id", ""))
        access = self.call.access
        if access.can_read(related) and not access.scope(related) and \
                not access.hidden(related):
            return {"id": ident, "label": value.get("label", ident)}
        return {"id": ident, "label": f"#{ident}", "opaque": True}

def as_json(shown: ShownEntry, urls) -> dict:
    """One entry for JSON clients: ISO time, values as recorded (hidden ones left out)."""
    entry = shown.entry
    return {
        "id": entry.id, "resource": entry.resource, "row_id": entry.row_id,
        "label": entry.label, "action": entry.action, "identity": entry.identity,
        "at": _iso(entry.at),
        "url": urls.show(entry.resource, entry.row_id) if shown.row_exists else None,
        "changes": [{"field": c.field, "label": c.label, "hidden": True} if c.hidden else
                    {"field": c.field, "label": c.label, "old": c.old, "new": c.new}
                    for c in shown.changes]}


def _iso(at: Any) -> str:
    if isinstance(at, datetime.datetime):
        return at.isoformat()
    return str(at or "")


def text(value: Any, kind: str, formats) -> str:
    """A recorded value as a page or a CSV cell shows it: relations by label, lists joined,
    dates (HTML, `formats` given) in the locale's way."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(text(v, kind, formats) for v in value)
    if isinstance(value, dict):
        if "label" in value:
            return str(value["label"])
        if "sha256" in value:
            return f"({value.get('size', 0)} bytes)"
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if formats is not None and isinstance(value, str) and kind in ("date", "datetime",
                                                                   "datetime_tz"):
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        return formats.date(parsed.date()) if kind == "date" else formats.datetime(parsed)
    return str(value)
