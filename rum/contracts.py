"""The protocols where `rum` meets its backends. Backends import these; `rum` never imports them."""

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from .fields import Field
from .query import Filter, Page, Query


@dataclass(frozen=True)
class Ref:
    """A pointer to a row of another resource, with the text people see for it.

    `opaque`: the identity may not see that row (its resource is not readable, the row is
    outside its row filters, or its label is a hidden field): the label is `#<id>` and no
    link to it is shown.
    """

    resource: str
    id: str
    label: str
    opaque: bool = False


@dataclass
class Record:
    """A row as the views see it: its id, its label and its values by field name.

    Relations are `Ref` (to_one) or lists of `Ref` (to_many); other values are plain Python.
    `partial` names the to-many values that hold only some of the linked rows: a form must
    not offer them as inputs (saving one would unlink the rows it did not show).
    """

    id: str
    label: str
    values: dict[str, Any] = field(default_factory=dict)
    version: str = ""
    partial: frozenset = frozenset()


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
    label_fields: tuple[str, ...] = ()  # the field(s) that name a row, shown first in lists


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
    """Data access for one resource, bound to one unit of work and its `Access`.

    Its own resource's row filters narrow every get/select/stream/count; related rows are
    read with their resource's permission, row filters and hidden fields (rows the identity
    may not see are left out of lists and become opaque `Ref`s). Raises domain errors only.
    """

    def get(self, ident: str, scope: tuple = (), for_update: bool = False) -> Any:
        """The row named `ident` (NotFound when missing, outside the access's row filters,
        or outside the extra `scope` filters)."""
    def links(self, row: Any, fields: tuple[Field, ...]) -> dict[str, list[Ref]]:
        """Every row `row`'s to-many `fields` link (opaque where the access may not see
        it), read as deleting `row` reads them: a deleted row's links, for its history."""
    def version(self, row: Any) -> str:
        """A token that changes whenever the stored row changes (edit conflicts)."""
    def select(self, query: Query, fields: tuple[Field, ...] | None = None) -> Page:
        """One page of `query`; `fields` (default: all) are the ones the caller will read."""
    def create(self, values: Mapping[str, Any], ident: str | None = None) -> Any:
        """A new row; `ident`: the key it takes (a deleted row's, put back) when that key
        is free, else a new one as usual."""
    def update(self, row: Any, values: Mapping[str, Any]) -> Any: ...
    def delete(self, row: Any) -> None: ...
    def record(self, row: Any, fields: tuple[Field, ...], versioned: bool = True) -> Record:
        """The row's `fields` as a Record; `versioned=False` skips computing its version."""
    def records(self, rows: list[Any], fields: tuple[Field, ...],
                versioned: bool = True) -> list[Record]:
        """`record` of each of `rows` (a page's), in order: the same records, made together
        (a backend may share what several rows have in common, such as a related row)."""
    def choices(self, limit: int) -> list[Ref]: ...
    def complete(self, term: str, limit: int, exclude: tuple[str, ...] = ()) -> list[Ref]:
        """Rows matching `term` (label text or an exact id), best first, but none of the
        rows `exclude` names (BadRequest for a text that is not an id)."""
    def named(self, text: str, limit: int) -> list[Ref]:
        """Up to `limit` rows whose name (label) is `text`, ignoring case, in key order."""
    def size(self, limit: int) -> tuple[int, bool]:
        """(rows, exact): counted up to `limit` only, so it is cheap on any table."""
    def related_sizes(self, row: Any, fields: tuple[Field, ...], limit: int) -> dict:
        """{to-many field name: (rows, exact)}, each counted up to `limit`."""
    def delete_effects(self, row: Any, limit: int) -> list[Effect]: ...
    def stream(self, query: Query, fields: tuple[Field, ...], records: bool = True) -> Any:
        """Every row of `query` (no paging) as Records, read lazily: for exports. It may
        offer `value_chunks(fields)`: lists of tuples of the fields' values, relations by
        name; with `records=False` only those may be read (no keys need reading)."""
    def reverse_of(self, relation: str) -> str | None:
        """The relation on the other side that points back, if it is mapped."""
    def link(self, row: Any, relation: str, idents: list[str], add: bool = True) -> None:
        """Add (add=True) or remove rows, by id or exact name, to a to-many relation."""


@dataclass(frozen=True)
class Change:
    """One field of one history entry. Values are JSON-ready: scalars as JSON writes them
    (dates ISO), a relation `{"id", "label"}` or a list of those, a file `{"size", "sha256"}`.
    `hidden`: the writer could not see the field, so the entry says it changed, not how."""

    field: str
    old: Any = None
    new: Any = None
    hidden: bool = False


@dataclass(frozen=True)
class Entry:
    """One write to one row: what `rum.history` records and the history pages show.

    `action`: 'create', 'update', 'delete', 'link', 'unlink', 'revert' or a custom action's
    name; `at`: UTC; `identity`: the writer as the policy's `identify` names it ('' for
    none); `id`: assigned by the store, ordered (a newer entry has a greater id)."""

    resource: str
    row_id: str
    action: str
    at: Any  # datetime.datetime, UTC
    identity: str = ""
    label: str = ""  # the row's label when written
    changes: tuple[Change, ...] = ()
    id: str = ""


@dataclass(frozen=True)
class HistoryQuery:
    """Which entries, newest first: filters (empty: any), keyset cursor and page size."""

    resources: tuple[str, ...] = ()
    row_id: str = ""
    identity: str = ""
    since: Any = None  # datetime, inclusive
    until: Any = None  # datetime, exclusive
    before: str = ""  # entries with an id less than this one (the next page)
    limit: int = 50


class HistoryStore(Protocol):
    """Where a unit of work keeps history: its writes join the unit of work's transaction,
    so an entry exists exactly when its write does."""

    def add(self, entry: Entry) -> None: ...
    def entries(self, query: HistoryQuery) -> list[Entry]:
        """Up to `query.limit` entries, newest first (keyset: no OFFSET, no COUNT)."""
    def get(self, entry_id: str) -> Entry | None: ...


class UnitOfWork(Protocol):
    """One transaction: commit when the `with` block ends cleanly, roll back otherwise."""

    def repository(self, resource: str) -> Repository:
        """The repository of `resource`, bound to this unit of work's `Access`."""
    def doom(self) -> None:
        """Roll back at the end even though no exception escaped."""
    # Optional: `history() -> HistoryStore | None`, None (or absent) when history is off.


class RepositoryFactory(Protocol):
    """Built once per RumApp from the `rum.repositoryfactory` config section."""

    def models(self) -> list[ModelInfo]: ...
    # Optional: `notes() -> list[TableNote]`, the tables not served read-write, and why.
    # Optional: `enable_history(settings: rum.history.HistorySettings) -> None`, called at
    # start-up (before `models()`) when `[rum.history] enabled`; its units of work then
    # offer `history()`. A factory without it keeps no history.
    def bind(self, names: Mapping[Any, str]) -> None:
        """Learn the resource name of each model (for relations), once, at start-up."""
    def unit_of_work(self, environ: Mapping[str, Any], access: Any = None,
                     write: bool = False) -> AbstractContextManager[UnitOfWork]:
        """One transaction whose repositories apply `access` (a `rum.access.Access`; None:
        unrestricted, for code without a policy). `write=True` (POST, PUT, PATCH, DELETE)
        must make a read-version-then-write atomic: lock what is read, or start as a writer."""


class RepositoryFactoryType(Protocol):
    """How RumApp builds the factory an entry point of `rum.repositoryfactory` names:
    the section's options (without `use`) and the config file's directory."""

    def __call__(self, options: dict, here: str = "") -> RepositoryFactory: ...


class Policy(Protocol):
    """Who may do what; an entry point of `rum.policy` names the class (`PolicyType`)."""

    login_required: bool

    def identify(self, environ: Any) -> Any:
        """The request's identity, or None for anonymous."""
    def permits(self, identity: Any, permission: str, resource: str) -> bool:
        """Whether `identity` may read, create, update or delete rows of `resource`."""
    def hidden(self, identity: Any, resource: str) -> frozenset[str]:
        """Field names of `resource` this identity must not see."""
    def scope(self, identity: Any, resource: str) -> tuple[Filter, ...]:
        """Row filters that narrow `resource` for this identity."""


class PolicyType(Protocol):
    def __call__(self, options: dict, here: str = "", resources: Any = ()) -> Policy: ...


class FormView(Protocol):
    """One record form: inputs for `fields`, read-only fields as text, validation."""

    fields: tuple[Field, ...]  # the fields it takes input for (relation inputs are asked for these)
    read_only: tuple[Field, ...]  # the fields it shows as text and never takes

    def validate(self, params: Mapping[str, Any], only: Any = None) -> dict[str, Any]:
        """Converted values, or raise `rum.errors.Invalid` with messages by field.
        `only` (a set of field names): validate and return those fields alone."""
    def changed(self, params: Mapping[str, Any], stored: Mapping[str, Any]) -> set[str]:
        """The fields whose submitted text differs from the text this form renders for the
        `stored` values (a Record's values): the only ones an edit may write."""
    def texts(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        """Field name -> the text (a list for several values, None for none) the form sends
        back for `stored` when left alone: what an edit form was opened with."""
    def changed_since(self, params: Mapping[str, Any], base: Mapping[str, Any]) -> set[str]:
        """The fields among `base` (as `texts` gives them) whose submitted text differs."""
    def render(self, values: Mapping[str, Any], errors: Mapping[str, str],
               relations: Mapping[str, RelationInput], translations: Any = None,
               choices: Mapping[str, Any] | None = None) -> str:
        """The form's fields as markup (grouped in the resource's `fieldsets`).
        `translations`: the request's language (gettext/ngettext) for labels and errors;
        `choices`: field name -> `rum.names.Ambiguity`, the rows a typed name matches."""
    def error_summary(self, errors: Mapping[str, str], translations: Any = None
                      ) -> list[tuple[str | None, str, str]]:
        """(input id or None, label, message) for each of `errors`, as the page's error
        summary lists them: a form-level error (key "") has no id and no label."""
    @property
    def multipart(self) -> bool:
        """True when the form uploads files."""


class GridView(Protocol):
    def render(self, records: list[Record], page: Page, links: Any, translations: Any = None,
               fields: tuple[Field, ...] | None = None) -> str:
        """The list's table and pager as markup. `links`: a `rum.links.ListLinks` (its
        `urls` links the cells); `translations`: the request's language (gettext/ngettext);
        `fields`: the columns (default: the resource's list fields)."""


class ViewFactory(Protocol):
    """Built once per RumApp from the `rum.viewfactory` config section.

    `urls` below is a `rum.urls.Urls`; the views call its `show(resource, id)` (for many
    rows `for_id("show", resource)`), `download(resource, id, field)` and
    `complete(resource, field)`. `translations` is the request's language
    (gettext/ngettext), None for English. Markup is returned as `str`."""

    def form(self, resource: Any, fields: tuple[Field, ...] | None = None) -> FormView:
        """The form of `fields` (default: the resource's form fields)."""
    def grid(self, resource: Any) -> GridView: ...
    def filter_bar(self, resource: Any, fields: tuple[Field, ...], query: Query,
                   list_url: str, urls: Any, translations: Any = None,
                   values: Mapping[str, Any] | None = None,
                   problems: Mapping[str, Any] | None = None) -> str:
        """A list page's filter bar for the filterable `fields`, showing `query`'s filters,
        sending a GET form to `list_url` that keeps the search, sort and other filters.
        `values`: field -> the `Ref`s to choose its value from (small relations);
        `problems`: field -> `rum.filter_names.NameProblem`, told beside its filter."""
    def value(self, resource: Any, field: Field, value: Any, record: Record | None,
              urls: Any, translations: Any = None) -> str:
        """One value of `record` as markup, as the grid's cells show it too; the resource's
        `formatters[field.name](value, record)` applies (text escaped, `__html__` kept)."""
    def scope(self) -> AbstractContextManager[None]:
        """Wraps every call into the view library for one request (isolates its state)."""

    def static_dirs(self) -> dict[str, str]: ...


class ViewFactoryType(Protocol):
    """What `rum.viewfactory`'s `use` names (an entry point): called once per RumApp with
    the section's other options, the resources and the app's debug flag."""

    def __call__(self, options: dict[str, Any], *, registry: Any,
                 debug: bool = False) -> ViewFactory: ...
