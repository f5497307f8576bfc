"""An in-memory repository factory: rum's second backend, for tests.

It passes the same conformance suite as rum_sqlalchemy (tests/conformance): search,
filters (across a to-one too), sort, numbered pages and keyset cursors, capped counts,
records with `Ref`s, choices, completion, sizes, delete effects, links, and every
`rum.access.Access` rule (permission, hidden fields, row filters on related rows). Rows
live in the factory: each factory starts from the declared rows, and nothing is shared
between two factories. Scans are linear: meant for test data, not for big tables.

Declaring models::

    from rum.fields import Field
    from rum.testing import MemoryModel, to_many, to_one

    DIRECTOR = MemoryModel("Director", fields=[
        Field("id", "integer", primary_key=True, read_only=True),  # generated 1, 2, ...
        Field("name", "string", required=True, searchable=True, max_length=100),
        to_many("movies", "Movie", reverse="director"),  # one-to-many: Movie.director
    ], rows=[{"id": 1, "name": "Ava Lane"}])
    MOVIE = MemoryModel("Movie", fields=[
        Field("id", "integer", primary_key=True, read_only=True),
        Field("title", "string", required=True, searchable=True),
        Field("year", "integer", required=True),
        to_one("director", "Director"),  # the row holds the director's key: 1
        to_many("actors", "Actor", reverse="movies"),  # many-to-many: rows list keys
        to_many("rentals", "Rental", reverse="movie", on_delete="delete"),
    ], rows=[{"title": "Alpha", "year": 1990, "director": 1, "actors": [1, 2]}])

    # ... Actor, Genre and Rental declared alike, then:
    RumApp({"rum.repositoryfactory": {"use": "memory", "models": [DIRECTOR, MOVIE, ...]},
            "rum.viewfactory": {"use": "toscawidgets"}})

`models` lists MemoryModel objects or 'module:attr' paths to one, or to a list of them.
Fields are plain `rum.fields.Field`s. What a database refuses is `Invalid` here too: no
value for a `required` field (or one with `options={"nullable": False}`; by default
only required fields are not nullable), a value taken where `options={"unique": True}`,
a taken key, a string longer than `max_length`.
A relation's reverse may be declared on either side. Deleting a row: its many-to-many
links go; one-to-many rows follow `on_delete` ('delete', 'unlink', 'block'; default
'unlink' when their to_one is optional, else 'block'); a to_one whose model has no
reverse declared blocks the delete, as a foreign key does.

Repositories hand out `rum.testing.Row`s: `row["title"]`, `row.key` (the key tuple),
`row.values` (a dict by field name; a to_one holds the related key value).

Units of work: a unit reads the committed rows as of its start plus its own changes; a
clean end of the `with` commits them (row by row, under the store's lock), an exception
or `doom()` drops them. A `write=True` unit holds the factory's write lock from start to
end, so write units run one at a time and a read-version-then-write is atomic.
"""

from contextlib import contextmanager
from typing import Any

from ..access import as_access
from ..contracts import ModelInfo
from ..errors import ConfigError, NotFound
from ..i18n import N_
from ..plugins import import_object
from .memory_history import HistoryLog, MemoryHistory
from .memory_model import SECTION, Entry, MemoryModel, entries
from .memory_repository import MemoryRepository
from .memory_store import Store, Workspace

OPTIONS = frozenset({"models"})


class Catalog:
    """Entries by model name and by resource name; relation lookups for deletes."""

    def __init__(self, items: list[Entry]):
        self.entries = items
        self._by_name = {e.name: e for e in items}
        self._by_resource: dict[str, Entry] = {}
        self.link_sides = {}  # many-to-many link name -> (model at side 0, at side 1)
        for e in items:
            for rel in e.relations.values():
                if rel.kind == "many_to_many":
                    ends = (e.name, rel.target) if rel.side == 0 else (rel.target, e.name)
                    self.link_sides[rel.link] = ends

    def bind(self, names) -> None:
        """Learn resource names; relation fields then name resources, as rum's fields do."""
        by_model_name: dict[str, str] = {}
        for entry in self.entries:
            entry.resource = names.get(entry.model, "")
            self._by_resource[entry.resource] = entry
            by_model_name[entry.name] = entry.resource
        for entry in self.entries:
            entry.fields = tuple(f.but(related=by_model_name.get(f.related))
                                 if f.is_relation and f.related is not None else f
                                 for f in entry.fields)
            entry.by_name = {f.name: f for f in entry.fields}

    def entry(self, name: str) -> Entry:
        return self._by_name[name]

    def by_resource(self, resource: str | None) -> Entry | None:
        return None if resource is None else self._by_resource.get(resource)

    def incoming(self, name: str) -> list[tuple[Entry, Any]]:
        """The to_one relations pointing at model `name` with no reverse declared there."""
        return [(e, rel) for e in self.entries for rel in e.relations.values()
                if rel.kind == "to_one" and rel.target == name and rel.reverse is None]

    def label(self, row) -> str:
        entry = self._by_name[row.model]
        if entry.label_fn is not None:
            return str(entry.label_fn(row))
        if entry.label_attr:
            value = row.values.get(entry.label_attr)
            if value not in (None, ""):
                return str(value)
        return f"{entry.name} {','.join(str(k) for k in row.key)}"


class MemoryUnitOfWork:
    """One transaction over the factory's rows, its repositories bound to one access."""

    def __init__(self, factory: "MemoryRepositoryFactory", access=None):
        self.store = factory.store
        self.catalog = factory.catalog
        self.space = Workspace(factory.store)
        self.access = as_access(access)
        self.doomed = False
        log = factory.history_log
        self._history = MemoryHistory(log) if log is not None else None

    def history(self) -> MemoryHistory | None:
        """The unit's history entries (None when the app keeps no history)."""
        return self._history

    def commit(self) -> None:
        self.space.commit()
        if self._history is not None:
            self._history.commit()

    def repository(self, resource: str) -> MemoryRepository:
        entry = self.catalog.by_resource(resource)
        if entry is None:
            raise NotFound(N_("no resource named %(name)s"), name=repr(resource))
        return MemoryRepository(self, entry, self.access)

    def doom(self) -> None:
        self.doomed = True


def _import_models(paths, here: str) -> list[MemoryModel]:
    key = f"{SECTION}.models"
    if not paths or not isinstance(paths, list | tuple):
        raise ConfigError(key, "list the models, e.g. [MOVIE, 'tests.shop:MODELS'] "
                          "(rum.testing.MemoryModel objects, or paths to them)")
    models: list[MemoryModel] = []
    for i, path in enumerate(paths):
        found = import_object(path, f"{key}[{i}]", here)
        models.extend(found if isinstance(found, list | tuple) else [found])
    return models


class MemoryRepositoryFactory:
    """`use = 'memory'`: serves declared `MemoryModel`s from rows kept in memory."""

    def __init__(self, options: dict, here: str = ""):
        unknown = set(options) - OPTIONS
        if unknown:
            raise ConfigError(f"{SECTION}.{sorted(unknown)[0]}",
                              f"unknown option; known: {sorted(OPTIONS)}")
        self.catalog = Catalog(entries(_import_models(options.get("models"), here)))
        self.store = Store(self.catalog.entries)
        self.history_log: HistoryLog | None = None  # set by `enable_history`

    def enable_history(self, settings) -> None:
        """Keep history (`rum.history`): entries live beside the rows, in memory."""
        self.history_log = HistoryLog()

    def models(self) -> list[ModelInfo]:
        return [ModelInfo(e.model, e.name, e.fields, read_only=e.read_only,
                          label_fields=(e.label_attr,) if e.label_attr else ())
                for e in self.catalog.entries]

    def bind(self, names) -> None:
        self.catalog.bind(names)

    @contextmanager
    def unit_of_work(self, environ, access=None, write: bool = False):
        """Commit at a clean end of the block unless doomed; drop the changes otherwise.
        `write=True` holds the write lock for the whole unit (writers run one at a time)."""
        if write:
            self.store.writer.acquire()
        try:
            uow = MemoryUnitOfWork(self, access)
            yield uow
            if not uow.doomed:
                uow.commit()
        finally:
            if write:
                self.store.writer.release()
