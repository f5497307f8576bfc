"""History: every write to a row, with who, when and its values before and after.

Every write path (create, update, delete, bulk and all-matching delete, custom actions,
link/unlink, create-in-parent) takes a `watch` of the row before it writes and calls
`Watch.done` after. The entry goes to the unit of work's `HistoryStore`
(`uow.history()`), so it joins the write's transaction: a rolled-back write leaves no
entry, and no entry exists without its write. No store (the backend keeps none, or
`[rum.history] enabled = False`) or a resource with `history = False`: nothing recorded.

Values are JSON-ready (`json_ready`): dates ISO, decimals as text, relations
`{"id", "label"}` (a list for to-many), files `{"size", "sha256"}`. Fields the policy
hides from the writer are recorded as changed (`Change.hidden`), never with their values.

A watch reads the row's columns and to-one relations, and the to-many relations the write
names; the records the write path already holds are reused (`known`), so a write costs one
INSERT more and, at most, the reads of what the path had not read.
"""

import base64
import datetime
import decimal
import enum
import hashlib
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .config import HISTORY, as_bool
from .contracts import Change, Entry, HistoryStore, Record, Ref
from .errors import ConfigError
from .fields import Field
from .plugins import load_plugin

log = logging.getLogger(__name__)

OPTIONS = frozenset({"enabled", "table", "schema", "use"})
GROUP = "rum.history"  # entry points naming a host's store factory (`use`)


@dataclass(frozen=True)
class HistorySettings:
    """`[rum.history]`: whether to keep history, and where (for a database backend).
    `use`: an entry point of group `rum.history` naming the host's store factory, called
    once as `factory(options, here)` with the section's other options; its
    `store(uow) -> HistoryStore` then replaces the backend's own (`uow.history()`)."""

    enabled: bool = True
    table: str = "rum_history"
    schema: str | None = None
    use: str = ""
    options: dict = field(default_factory=dict, compare=False, hash=False)


def settings(section: dict) -> HistorySettings:
    """The `[rum.history]` section checked; ConfigError naming the key otherwise."""
    use = section.get("use", "")
    if not isinstance(use, str):
        raise ConfigError(f"{HISTORY}.use", f"must name an entry point of group {GROUP!r}")
    if use:  # the host's store factory checks its own options
        enabled = as_bool(section.get("enabled", True), f"{HISTORY}.enabled")
        rest = {k: v for k, v in section.items() if k not in ("use", "enabled")}
        return HistorySettings(enabled, use=use, options=rest)
    unknown = set(section) - OPTIONS
    if unknown:
        raise ConfigError(f"{HISTORY}.{sorted(unknown)[0]}",
                          f"unknown option; known: {sorted(OPTIONS)}")
    enabled = as_bool(section.get("enabled", True), f"{HISTORY}.enabled")
    table = section.get("table", "rum_history")
    if not isinstance(table, str) or not table.strip() or "." in table:
        raise ConfigError(f"{HISTORY}.table", "must be a table name such as 'rum_history' "
                          "(give the schema as `schema`)")
    schema = section.get("schema")
    if schema is not None and (not isinstance(schema, str) or not schema.strip()):
        raise ConfigError(f"{HISTORY}.schema", "must be a schema name, or None")
    return HistorySettings(enabled, table.strip(), schema.strip() if schema else None)


def enable(factory: Any, config: HistorySettings, here: str = "") -> Any:
    """Start keeping history: the host's store factory when `use` names one (returned),
    else the repository factory's own (optional in the contract: `enable_history`; a
    backend without it keeps none). None unless a host's store factory is used."""
    if not config.enabled:
        return None
    if config.use:
        made = load_plugin(GROUP, config.use, f"{HISTORY}.use")
        source = made(dict(config.options), here=here)
        if not callable(getattr(source, "store", None)):
            raise ConfigError(f"{HISTORY}.use", f"{config.use!r} made no store factory "
                              "(an object with store(uow) -> HistoryStore)")
        return source
    hook = getattr(factory, "enable_history", None)
    if hook is None:
        log.info("the repository factory %s keeps no history", type(factory).__name__)
        return None
    hook(config)
    return None


def identity_name(identity: Any) -> str:
    """The writer as a text: an Identity's user, a plain name, '' for nobody."""
    if identity is None:
        return ""
    if isinstance(identity, str):
        return identity
    for attr in ("user", "name", "userid"):
        value = getattr(identity, attr, None)
        if value:
            return str(value)
    return str(identity)


def json_ready(value: Any) -> Any:
    """A stored value as history keeps it (see the module's docstring)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Ref):
        return {"id": value.id, "label": value.label}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((json_ready(v) for v in value), key=repr)
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return json_ready(value.value)
    return str(value)


def _encoded(field: Field, value: Any) -> Any:
    if field.kind == "binary" and isinstance(value, str):  # some backends hand base64
        try:
            return json_ready(base64.b64decode(value, validate=True))
        except ValueError:
            pass
    return json_ready(value)


def store_for(call: Any, resource: Any) -> HistoryStore | None:
    """The unit of work's history store, unless history is off here."""
    if not getattr(resource, "history", True):
        return None
    return store_of(call.app, call.uow)


def watched_fields(resource: Any, names: Iterable[str] = ()) -> tuple[Field, ...]:
    """Columns and to-one relations, and the to-many relations among `names`."""
    named = set(names)
    return tuple(f for f in resource.fields if f.kind != "to_many" or f.name in named)


def store_of(app: Any, uow: Any) -> HistoryStore | None:
    """The history store of a unit of work of `app` (for pages that read history)."""
    source = getattr(app, "history_source", None)
    if source is not None:
        return source.store(uow)
    get = getattr(uow, "history", None)
    return get() if get is not None else None


class Watch:
    """One row's values before a write (none for a create), to record it after."""

    def __init__(self, call: Any, resource: Any, repo: Any, store: HistoryStore,
                 fields: tuple[Field, ...], before: dict[str, Any] | None,
                 before_record: Record | None, whole: bool = False):
        self.call, self.resource, self.repo, self.store = call, resource, repo, store
        self.fields = fields
        self.hidden = call.access.hidden(resource.name)
        self.before = before
        self.before_record = before_record
        self.whole = whole  # every link of each to-many field, not a record's first rows

    def _values(self, row: Any, known: Record | None) -> tuple[Record, dict[str, Any]]:
        """The row's watched values: from `known` where it has them, else read."""
        have = known.values if known is not None else {}
        creating = self.before is None
        missing = tuple(f for f in self.fields if f.name not in have
                        and not (creating and f.name in self.hidden))
        linked: dict[str, Any] = {}
        if self.whole:
            many = tuple(f for f in missing if f.kind == "to_many")
            missing = tuple(f for f in missing if f.kind != "to_many")
            linked = self.repo.links(row, tuple(f for f in many if f.name not in self.hidden))
        read = self.repo.record(row, missing, versioned=False) if missing or known is None \
            else known
        values = {**have, **read.values, **linked}
        return (known or read), {f.name: _encoded(f, values.get(f.name))
                                 for f in self.fields if f.name in values}

    def done(self, action: str, row: Any = None, known: Record | None = None,
             always: bool = False) -> Entry | None:
        """Record the write (`row` None: deleted). `known`: a record of the row after the
        write that the path holds already. `always`: an entry even when nothing changed."""
        after_record, after = self._values(row, known) if row is not None else (None, None)
        changes = _diff(self.fields, self.before, after, self.hidden)
        if not changes and not always:
            return None
        named = after_record or self.before_record
        if named is None:
            raise ValueError("a watch needs the row before or after its write")
        entry = Entry(resource=self.resource.name, row_id=named.id, action=action,
                      at=datetime.datetime.now(datetime.UTC),
                      identity=identity_name(self.call.identity), label=named.label,
                      changes=changes)
        self.store.add(entry)
        return entry


def watch(call: Any, row: Any = None, names: Iterable[str] = (), resource: Any = None,
          repo: Any = None, known: Record | None = None,
          fields: tuple[Field, ...] | None = None, whole: bool = False) -> Watch | None:
    """A watch of `row` (None: a create) of `resource` (default: the call's), its
    to-many `names` included; None when no history is kept for it. `known`: a record of
    the row before the write that the path read already. `whole`: every field (or
    `fields`), each relation with all its links, so that a revert can put them back."""
    resource = resource if resource is not None else call.served
    store = store_for(call, resource)
    if store is None:
        return None
    repo = repo if repo is not None else call.uow.repository(resource.name)
    if whole and fields is None:
        fields = tuple(resource.fields)
    fields = fields if fields is not None else watched_fields(resource, names)
    w = Watch(call, resource, repo, store, fields, None, None, whole)
    if row is not None:
        w.before_record, w.before = w._values(row, known)
        w.before = dict(w.before)
    return w


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def _diff(fields: tuple[Field, ...], before: dict | None, after: dict | None,
          hidden: frozenset[str]) -> tuple[Change, ...]:
    """The changed fields; a create or delete names every field that has a value (and
    every hidden field), an update those whose value differs."""
    out = []
    for f in fields:
        if before is not None and after is not None:
            if f.name not in before or f.name not in after or before[f.name] == after[f.name]:
                continue
            out.append(Change(f.name, hidden=True) if f.name in hidden
                       else Change(f.name, before[f.name], after[f.name]))
        elif f.name in hidden:
            out.append(Change(f.name, hidden=True))
        else:
            old = (before or {}).get(f.name)
            new = (after or {}).get(f.name)
            if not (_empty(old) and _empty(new)):
                out.append(Change(f.name, old, new))
    return tuple(out)
