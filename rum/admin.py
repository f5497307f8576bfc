"""Resource classes: a model's admin written in Python, like Django's `ModelAdmin`.

    from rum import Admin, Invalid, action

    class MovieAdmin(Admin):
        list_fields = ["title", "year", "director"]
        default_sort = "-year"
        read_only_fields = ["created_at"]
        formatters = {"budget": lambda value, record: f"$ {value:,}"}

        def validate(self, call, values, row=None):
            if values.get("year", 2000) < 1888:
                raise Invalid({"year": "There were no films before 1888."})

        @action(label="Publish", on="selection", permission="update",
                confirm="Publish these movies?")
        def publish(self, call, rows):
            for row in rows:
                row.published = True
            return f"{len(rows)} published."

Give it in code, `RumApp(config, resources={"Movie": MovieAdmin})` (a class or an
instance, keyed by the model's name as in `[resource:Movie]`), or in the .cfg,
`[resource:Movie] options = 'myapp.admin:MovieAdmin'` (a module beside the .cfg file is
found). One model takes its class one way or the other, never both. A class is
instantiated once per RumApp, without arguments; an instance is used as it is.

The INI options of a resource (`list_fields = [...]`) are the class attributes of the
same name; given both, the INI option wins over the class's attribute, whole (an INI
`fields = {...}` replaces the class's `fields`, it is not merged with it). `fieldsets`,
`read_only_fields` and `default_sort` are INI options too; `widgets`, `formatters` and
`exclude_actions` are set on the class only. Every name is checked at start-up: a mistake
is a `ConfigError` naming the key, such as `resources.Movie.default_sort`.

Read-only fields, as Django's `readonly_fields`: shown on the edit page, never written.
They are read-only in the resource's fields (so `_meta`, the OpenAPI document and every
form see them so) and are left out of the form's inputs, unless `form_fields` lists one:
then the form shows it in its place, as text. `get_read_only_fields` can make more
fields read-only for one request, never fewer.

The per-request methods (`get_list_fields`, `get_form_fields`, `get_read_only_fields`,
`base_query`) are asked on every request (see `rum.variants`); the names they return are
checked then, and a wrong one is a server error naming the method. `base_query` narrows
every path to the resource's rows (lists, single rows, related rows and their labels,
choices, exports) exactly like a policy's row filters.

Every check, hook and action takes the request's `Call` first (`call.request`,
`call.identity`, `call.uow` for other resources' repositories, `call.repo` for this one's)
and runs inside the request's transaction: a hook that raises `rum.errors.Invalid`
answers 422 with its messages beside the fields, any other error rolls everything back.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar

from .actions import CustomAction
from .errors import ConfigError


class Admin:
    """The options and hooks of one resource. Subclass it; every attribute is optional."""

    # -- what the INI options can say (None: Rum's default) --------------------------
    name: ClassVar[str | None] = None  # the URL name, e.g. "films"
    label: ClassVar[str | None] = None
    plural: ClassVar[str | None] = None
    list_fields: ClassVar[Sequence[str] | None] = None
    form_fields: ClassVar[Sequence[str] | None] = None
    search_fields: ClassVar[Sequence[str] | None] = None
    page_size: ClassVar[int | None] = None
    count_limit: ClassVar[int | None] = None
    fields: ClassVar[Mapping[str, Mapping[str, Any]] | None] = None  # {"title": {"label": ..}}
    history: ClassVar[bool | None] = None  # False: its writes leave no history (rum.history)
    # -- beyond literals -------------------------------------------------------------
    fieldsets: ClassVar[Sequence[tuple[str, Sequence[str]]]] = ()  # form and show sections
    read_only_fields: ClassVar[Sequence[str]] = ()  # shown, never written
    default_sort: ClassVar[str] = ""  # query syntax: "-year,title"
    widgets: ClassVar[Mapping[str, Any]] = {}  # field -> the view's widget class (tw2)
    # field -> callable(value, record) -> str (escaped) or markup (genshi.core.Markup, or
    # anything with __html__), kept as is; `record` holds the values the page shows
    formatters: ClassVar[Mapping[str, Callable[[Any, Any], Any]]] = {}
    exclude_actions: ClassVar[Sequence[str]] = ()  # built-in actions this resource drops

    # -- per request: they see the request and the identity --------------------------
    def get_list_fields(self, request: Any, identity: Any) -> Sequence[str] | None:
        """The list's columns for this request (None: `list_fields`)."""
        return None

    def get_form_fields(self, request: Any, identity: Any) -> Sequence[str] | None:
        """The form's fields for this request (None: `form_fields`)."""
        return None

    def get_read_only_fields(self, request: Any, identity: Any) -> Sequence[str]:
        """Fields shown but not written for this request (default: `read_only_fields`).
        It adds to `read_only_fields` (and to the INI option that replaces them); a field
        read-only for the resource stays so whatever this returns."""
        return self.read_only_fields

    def base_query(self, request: Any, identity: Any) -> Iterable[Any]:
        """Row filters (`rum.query.Filter` or (field, op, value)) every path to this
        resource applies for this request, like a policy's row filters."""
        return ()

    # -- checks and hooks: inside the request's transaction --------------------------
    def validate(self, call: Any, values: dict[str, Any], row: Any = None) -> None:
        """Cross-field validation of converted values; raise `Invalid({field: message})`.
        `row` is the stored row on an update (None on create); `values` holds only the
        fields being written."""

    def before_create(self, call: Any, values: dict[str, Any]) -> None:
        """May change `values` before the row is made."""

    def after_create(self, call: Any, row: Any) -> None: ...

    def before_update(self, call: Any, row: Any, values: dict[str, Any]) -> None:
        """May change `values` before they are written to `row`."""

    def after_update(self, call: Any, row: Any) -> None: ...

    def before_delete(self, call: Any, row: Any) -> None: ...

    def after_delete(self, call: Any, row: Any) -> None: ...

    # -- custom actions ----------------------------------------------------------------
    @classmethod
    def custom_actions(cls) -> tuple[CustomAction, ...]:
        """The methods marked with `@action`, in definition order."""
        found: dict[str, CustomAction] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                declared = getattr(value, "rum_action", None)
                if isinstance(declared, CustomAction):
                    found[declared.name] = declared.but(method=attr)
        return tuple(found.values())


def as_admin(value: Any, key: str) -> Admin:
    """The instance of a resource class given as a class or an instance; ConfigError naming
    `key` for anything else."""
    if isinstance(value, type) and issubclass(value, Admin):
        try:
            return value()
        except Exception as exc:  # its own __init__ failing is a set-up mistake
            raise ConfigError(key, f"{value.__name__}() failed: {exc}. A resource class is "
                              "made without arguments; give an instance instead") from exc
    if isinstance(value, Admin):
        return value
    raise ConfigError(key, f"{value!r} is not a resource class: give a subclass of "
                      "rum.Admin (class MovieAdmin(Admin): ...) or an instance of one")
