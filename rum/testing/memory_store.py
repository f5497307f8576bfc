"""The rows of an in-memory factory: committed in a `Store`, changed in a `Workspace`.

A store holds, per model, `{key tuple: values dict}` (a values dict is never changed
once committed: a commit puts new dicts in), the link pairs of every many-to-many
relation and the key counters. A unit of work reads and writes a `Workspace`: a copy of
the store's mappings taken when it starts (one dict copy per model, no row copied), its
rows copied on their first write, its changes merged into the store at commit.
"""

import threading
from collections.abc import Iterator

from ..errors import ConfigError
from .memory_model import SECTION, Entry, as_key


class Row:
    """One row as a unit of work sees it: `row["title"]`, `row.key`, `row.values`."""

    __slots__ = ("model", "key", "values", "owned")

    def __init__(self, model: str, key: tuple, values: dict, owned: bool = False):
        self.model = model
        self.key = key
        self.values = values
        self.owned = owned  # False: `values` is the store's dict, copied before a write

    def __getitem__(self, name: str):
        return self.values[name]

    def get(self, name: str, default=None):
        return self.values.get(name, default)

    def __repr__(self) -> str:
        return f"<{self.model} {self.key!r}>"


class Store:
    """Committed rows, links and key counters of one factory; `lock` guards all three."""

    def __init__(self, entries: list[Entry]):
        self.lock = threading.Lock()
        self.writer = threading.RLock()  # held by a write unit of work from start to end
        self.tables: dict[str, dict[tuple, dict]] = {e.name: {} for e in entries}
        self.links: dict[str, set] = {r.link: set() for e in entries
                                      for r in e.relations.values() if r.kind == "many_to_many"}
        self.counters = {e.name: 0 for e in entries}
        by_name = {e.name: e for e in entries}
        links = []
        for entry in entries:
            for i, row in enumerate(entry.model.rows):
                links += self._load(entry, row, f"{SECTION}.models: {entry.name} row {i}")
        for entry in entries:
            for key, values in self.tables[entry.name].items():
                for rel in entry.relations.values():
                    if rel.kind == "to_one" and values[rel.field] is not None:
                        self._check_target(by_name[rel.target], values[rel.field],
                                           f"{entry.name} {key!r}.{rel.field}")
        for rel, key, targets, where in links:
            for target in targets:
                self._check_target(by_name[rel.target], target, where)
                pair = (key, as_key(target)) if rel.side == 0 else (as_key(target), key)
                self.links[rel.link].add(pair)

    def _load(self, entry: Entry, row: dict, where: str) -> list:
        """Store one initial row; its many-to-many values are returned, to link later."""
        unknown = set(row) - set(entry.by_name)
        if unknown:
            raise ConfigError(where, f"unknown field {sorted(unknown)[0]!r}")
        values = {f.name: row.get(f.name, f.default) for f in entry.columns()}
        if entry.generated and values[entry.key[0]] is None:
            self.counters[entry.name] += 1
            values[entry.key[0]] = self.counters[entry.name]
        elif entry.generated:
            self.counters[entry.name] = max(self.counters[entry.name], values[entry.key[0]])
        key = tuple(values[n] for n in entry.key)
        if None in key or key in self.tables[entry.name]:
            raise ConfigError(where, f"key {key!r} is missing or taken")
        self.tables[entry.name][key] = values
        return [(rel, key, row[name], where) for name, rel in entry.relations.items()
                if rel.kind == "many_to_many" and row.get(name)]

    def _check_target(self, target: Entry, value, where: str) -> None:
        if as_key(value) not in self.tables[target.name]:
            raise ConfigError(f"{SECTION}.models", f"{where}: no {target.name} {value!r}")

    def next_key(self, model: str) -> int:
        """A new key for a generated one: never handed out twice, as a sequence."""
        with self.lock:
            self.counters[model] += 1
            return self.counters[model]


class Workspace:
    """One unit of work's rows: the store's as of its start, with its own changes."""

    def __init__(self, store: Store):
        self.store = store
        with store.lock:
            self.tables = {name: dict(rows) for name, rows in store.tables.items()}
            self.links = {name: set(pairs) for name, pairs in store.links.items()}
        self._rows: dict[tuple[str, tuple], Row] = {}  # one Row per key: identity holds
        self.written: set[tuple[str, tuple]] = set()
        self.deleted: set[tuple[str, tuple]] = set()
        self.added: dict[str, set] = {name: set() for name in self.links}
        self.removed: dict[str, set] = {name: set() for name in self.links}

    def row(self, model: str, key: tuple) -> Row | None:
        found = self._rows.get((model, key))
        if found is None:
            values = self.tables[model].get(key)
            if values is None:
                return None
            found = self._rows[(model, key)] = Row(model, key, values)
        return found

    def rows(self, model: str) -> Iterator[Row]:
        for key in list(self.tables[model]):
            row = self.row(model, key)
            if row is not None:  # not removed while the caller was iterating
                yield row

    def insert(self, model: str, key: tuple, values: dict) -> Row:
        self.tables[model][key] = values
        row = self._rows[(model, key)] = Row(model, key, values, owned=True)
        self.written.add((model, key))
        self.deleted.discard((model, key))
        return row

    def write(self, row: Row, changes: dict) -> None:
        if not row.owned:
            row.values, row.owned = dict(row.values), True
            self.tables[row.model][row.key] = row.values
        row.values.update(changes)
        self.written.add((row.model, row.key))

    def remove(self, row: Row) -> None:
        self.tables[row.model].pop(row.key, None)
        self._rows.pop((row.model, row.key), None)
        self.written.discard((row.model, row.key))
        self.deleted.add((row.model, row.key))

    def link(self, name: str, pair: tuple) -> None:
        if pair not in self.links[name]:
            self.links[name].add(pair)
            _move(pair, self.removed[name], self.added[name])

    def unlink(self, name: str, pair: tuple) -> None:
        if pair in self.links[name]:
            self.links[name].discard(pair)
            _move(pair, self.added[name], self.removed[name])

    def commit(self) -> None:
        """Merge this unit's changes into the store (row by row: the last writer wins)."""
        store = self.store
        with store.lock:
            for model, key in self.deleted:
                store.tables[model].pop(key, None)
            for model, key in self.written:
                store.tables[model][key] = dict(self.tables[model][key])
            for name in self.links:
                store.links[name] |= self.added[name]
                store.links[name] -= self.removed[name]


def _move(pair: tuple, undone: set, done: set) -> None:
    """A change that undoes one made earlier in the unit cancels it; else it is recorded."""
    if pair in undone:
        undone.discard(pair)
    else:
        done.add(pair)
