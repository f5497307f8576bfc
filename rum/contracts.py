"""The protocols where `rum` meets its backends. Backends import these; `rum` never imports them."""

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from .fields import Field
from .query import Page, Query


@dataclass(frozen=True)
class Ref:
    """A pointer to a row of another resource, with the text people see for it."""

    resource: str
    id: str
    label: str


@dataclass
class Record:
    """A row as the views see it: its id, its label and its values by field name.

    Relations are `Ref` (to_one) or lists of `Ref` (to_many); other values are plain Python.
    """

    id: str
    label: str
    values: dict[str, Any] = field(default_factory=dict)
    version: str = ""


@dataclass(frozen=True)
class RelationInput:
    """How a form offers one relation: a select of `choices`, or (None) text with autocomplete."""

    complete_url: str
    choices: list[Ref] | None = None


@dataclass(frozen=True)
class Effect:
    """What deleting a row does to rows related to it: 'delete', 'unlink' or 'block'."""

    relation: str  # the relation's label, e.g. "Rentals"
    resource: str
    count: int
    exact: bool
    action: str


@dataclass(frozen=True)
class ModelInfo:
    """What a repository factory tells `rum` about one model it serves."""

    model: Any
    name: str  # the model's own name, e.g. "Movie"
    fields: tuple[Field, ...]
    read_only: bool = False  # served for reading only (a view, a table without a key)


@dataclass(frozen=True)
class TableNote:
    """A table the repository does not serve as a read-write resource, and why.

    `status` is "read-only", "many-to-many" (an association table, edited as relations)
    or "not served". A factory may offer them as `notes()`; the home page lists them.
    """

    table: str  # as the database names it, e.g. "sales.v_totals"
    status: str
    reason: str


class Repository(Protocol):
    """Data access for one resource, bound to one unit of work. Raises domain errors only."""

    def get(self, ident: str, scope: tuple = (), for_update: bool = False) -> Any:
        """The row named `ident` (NotFound when missing or outside the `scope` filters)."""
    def version(self, row: Any) -> str:
        """A token that changes whenever the stored row changes (edit conflicts)."""
    def select(self, query: Query, fields: tuple[Field, ...] | None = None) -> Page:
        """One page of `query`; `fields` (default: all) are the ones the caller will read."""
    def create(self, values: Mapping[str, Any]) -> Any: ...
    def update(self, row: Any, values: Mapping[str, Any]) -> Any: ...
    def delete(self, row: Any) -> None: ...
    def record(self, row: Any, fields: tuple[Field, ...], versioned: bool = True) -> Record:
        """The row's `fields` as a Record; `versioned=False` skips computing its version."""
    def choices(self, limit: int) -> list[Ref]: ...
    def complete(self, term: str, limit: int) -> list[Ref]:
        """Rows matching `term` (label text or an exact id), best first."""
    def size(self, limit: int) -> tuple[int, bool]:
        """(rows, exact): counted up to `limit` only, so it is cheap on any table."""
    def related_sizes(self, row: Any, fields: tuple[Field, ...], limit: int) -> dict:
        """{to-many field name: (rows, exact)}, each counted up to `limit`."""
    def delete_effects(self, row: Any, limit: int) -> list[Effect]: ...
    def stream(self, query: Query, fields: tuple[Field, ...]) -> Any:
        """Every row of `query` (no paging) as Records, read lazily: for exports."""
    def reverse_of(self, relation: str) -> str | None:
        """The relation on the other side that points back, if it is mapped."""
    def link(self, row: Any, relation: str, idents: list[str], add: bool = True) -> None:
        """Add (add=True) or remove rows, by id or exact name, to a to-many relation."""


class UnitOfWork(Protocol):
    """One transaction: commit when the `with` block ends cleanly, roll back otherwise."""

    def repository(self, resource: str) -> Repository: ...
    def doom(self) -> None:
        """Roll back at the end even though no exception escaped."""


class RepositoryFactory(Protocol):
    """Built once per RumApp from the `rum.repositoryfactory` config section."""

    def models(self) -> list[ModelInfo]: ...
    # Optional: `notes() -> list[TableNote]`, the tables not served read-write, and why.
    def bind(self, names: Mapping[Any, str]) -> None:
        """Learn the resource name of each model (for relations), once, at start-up."""
    def unit_of_work(self, environ: Mapping[str, Any]) -> AbstractContextManager[UnitOfWork]: ...


class FormView(Protocol):
    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Converted values, or raise `rum.errors.Invalid` with messages by field."""
    def render(self, values: Mapping[str, Any], errors: Mapping[str, str],
               relations: Mapping[str, RelationInput], translations: Any = None) -> str:
        """`translations`: the request's language (gettext/ngettext) for labels and errors."""
    @property
    def multipart(self) -> bool:
        """True when the form uploads files."""


class GridView(Protocol):
    def render(self, records: list[Record], page: Page, links: Any,
               translations: Any = None) -> str:
        """`translations`: the request's language, an object with gettext/ngettext."""


class ViewFactory(Protocol):
    """Built once per RumApp from the `rum.viewfactory` config section."""

    def form(self, resource: Any, action: str) -> FormView: ...
    def grid(self, resource: Any) -> GridView: ...
    def scope(self) -> AbstractContextManager[None]:
        """Wraps every call into the view library for one request (isolates its state)."""

    def static_dirs(self) -> dict[str, str]: ...

