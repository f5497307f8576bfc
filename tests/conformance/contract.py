"""What the conformance tests share: a backend under test, a small policy, expected ids."""

from rum.access import Access
from rum.query import Filter, Query

from . import schema


class Backend:
    """One repository factory serving the conformance schema, bound to its resource names."""

    def __init__(self, name: str, factory, url: str = ""):
        self.name = name
        self.factory = factory
        self.url = url
        factory.bind({info.model: schema.RESOURCES[info.name] for info in factory.models()})
        self.by_resource = {schema.RESOURCES[info.name]: {f.name: f for f in info.fields}
                            for info in factory.models()}

    def fields(self, resource: str, *names: str) -> tuple:
        """The named fields of `resource` (every one when none are named)."""
        fields = self.by_resource[resource]
        return tuple(fields[n] for n in names) if names else tuple(fields.values())

    def unit(self, access=None, write: bool = False):
        return self.factory.unit_of_work({}, access=access, write=write)

    def ids(self, resource: str, query: Query = Query(limit=1000), access=None) -> list[str]:
        with self.unit(access) as uow:
            repo = uow.repository(resource)
            return [ident(repo, r) for r in repo.select(query).rows]

    def record(self, resource: str, row_id: str, *names: str, access=None):
        with self.unit(access) as uow:
            repo = uow.repository(resource)
            return repo.record(repo.get(row_id), self.fields(resource, *names))

    def close(self) -> None:
        engine = getattr(self.factory, "engine", None)
        if engine is not None:
            engine.dispose()


def ident(repo, row) -> str:
    """A row's id through the contract alone."""
    return repo.record(row, (), versioned=False).id


class Policy:
    """Permission, hidden fields and row filters per resource, for every identity."""

    def __init__(self, unreadable=(), hidden=None, scope=None):
        self.unreadable = frozenset(unreadable)
        self._hidden = hidden or {}
        self._scope = scope or {}

    def permits(self, identity, permission, resource) -> bool:
        return resource not in self.unreadable

    def hidden(self, identity, resource):
        return frozenset(self._hidden.get(resource, ()))

    def scope(self, identity, resource):
        return tuple(Filter(*f) for f in self._scope.get(resource, ()))


def access(unreadable=(), hidden=None, scope=None) -> Access:
    return Access(Policy(unreadable, hidden, scope), identity="tester")


def where(*filters, **query) -> Query:
    return Query(filters=tuple(Filter(*f) for f in filters), limit=1000, **query)


def expected(rows, test) -> list[str]:
    """Ids of `rows` (schema data) passing `test`, in key order."""
    return [str(r["id"]) for r in sorted(rows, key=lambda r: r["id"]) if test(r)]


def movie_ids(test) -> list[str]:
    return expected(schema.MOVIES, test)


def rental_ids(test) -> list[str]:
    return expected(schema.RENTALS, test)


MOVIE_BY_ID = {m["id"]: m for m in schema.MOVIES}
DIRECTOR_BY_ID = {d["id"]: d for d in schema.DIRECTORS}
GENRE_BY_ID = {g["id"]: g for g in schema.GENRES}
