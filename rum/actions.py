"""Actions: each declared once, with everything the admin derives from it.

An `Action` names its path, HTTP method(s), permission, formats, what it acts on and its
handler. From the table of them come the Routes mapper, the permission of each request,
URLs by name (templates never concatenate paths), the links pages show, `_meta` and the
OpenAPI document. Custom actions of resource classes (`@action`) are entries of the same
table, bound to their resource.
"""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import ConfigError

VARIABLE = re.compile(r"\{(id|relation|path|format)\}")
PERMISSIONS = frozenset({"read", "create", "update", "delete"})
TARGETS = frozenset({"site", "collection", "row", "selection", "relation"})
FORMATS = frozenset({"html", "json", "csv"})


def format_path(path: str) -> str:
    """The path with a format extension: `/movies.{format}`, `/index.{format}` for `/`."""
    return "/index.{format}" if path == "/" else path + ".{format}"


@dataclass(frozen=True)
class Doc:
    """How an action appears in the OpenAPI document (JSON actions only)."""

    summary: str  # "%(label)s", "%(plural)s", "%(relation)s": the resource's labels
    body: str = ""  # "record", "partial" (PATCH), "ids", or "" for none
    ok: str = ""  # "record", "listing", "done", or "" (no body)
    codes: tuple[int, ...] = (400, 401, 403, 404)
    status: int = 200  # the success status
    if_match: bool = False  # takes If-Match
    query: bool = False  # takes the list parameters (q, sort, page, limit)
    matching: bool = False  # a selection: `ids` in the body, or `all=1` and the list's query


@dataclass(frozen=True)
class Action:
    """One thing the admin does, declared once.

    `path` is a Routes template (`/{resource}/{id}/edit`); with more formats than html it
    is also served as `path.{format}`. `target` is what it acts on: the whole `site`, a
    `collection`, one `row`, a `selection` of rows, or a `relation` of a row (nested pages).
    `handler(call) -> rum.results.Result`. `resource` binds a custom action to one resource.
    """

    name: str
    path: str
    methods: tuple[str, ...]
    permission: str
    handler: Callable[[Any], Any]
    target: str = "collection"
    formats: tuple[str, ...] = ("html",)
    resource: str = ""
    docs: Mapping[str, Doc] = field(default_factory=dict, compare=False, hash=False)
    owner: bool = False  # a relation action that changes the owner row (link, unlink)
    label: str = ""  # custom actions: the button's text
    confirm: str = ""  # custom actions: the confirmation page's question
    menus: tuple[str, ...] = ()  # custom actions: where their buttons are ("list", "show")
    page_for: str = ""  # a page whose form posts to this action: it goes where that goes

    def __post_init__(self):
        if self.permission not in PERMISSIONS:
            raise ConfigError(f"actions.{self.name}.permission",
                              f"unknown {self.permission!r}; use one of {sorted(PERMISSIONS)}")
        if self.target not in TARGETS:
            raise ConfigError(f"actions.{self.name}.target",
                              f"unknown {self.target!r}; use one of {sorted(TARGETS)}")
        if set(self.formats) - FORMATS:
            raise ConfigError(f"actions.{self.name}.formats", f"use some of {sorted(FORMATS)}")

    def but(self, **changes) -> "Action":
        return replace(self, **changes)


@dataclass(frozen=True)
class CustomAction:
    """What `@action` records on a resource class's method; the app makes it an `Action`.

    `on`: "row" (a button on the show page) or "selection" (the list's action menu), or
    "both". `confirm`: the question of a confirmation page ("" runs without asking).
    """

    name: str
    label: str
    on: str = "selection"
    permission: str = "update"
    confirm: str = ""
    method: str = ""  # the resource class's method that does the work

    def but(self, **changes) -> "CustomAction":
        return replace(self, **changes)


def action(label: str = "", *, on: str = "selection", permission: str = "update",
           confirm: str = "", name: str = "") -> Callable:
    """Mark a resource class's method `(self, call, rows) -> message | None` as an action.

    It runs in the request's transaction with the rows this identity may reach, locked;
    what it returns is the message shown afterwards (and `message` in JSON)."""
    if on not in ("row", "selection", "both"):
        raise ConfigError(f"action {label or name!r}.on", "use 'row', 'selection' or 'both'")
    if permission not in PERMISSIONS:
        raise ConfigError(f"action {label or name!r}.permission",
                          f"use one of {sorted(PERMISSIONS)}")

    def mark(method: Callable) -> Callable:
        method.rum_action = CustomAction(  # type: ignore[attr-defined]
            name=name or method.__name__, label=label or method.__name__.replace("_", " ")
            .capitalize(), on=on, permission=permission, confirm=confirm)
        return method

    return mark


class ActionTable:
    """The actions of one RumApp, in routing order (custom ones first, as their paths are
    literal). Immutable: `without()` and `with_()` give new tables."""

    def __init__(self, actions: Iterable[Action],
                 excluded: Mapping[str, frozenset[str]] | None = None):
        self.actions: tuple[Action, ...] = tuple(actions)
        # resource -> built-in actions it drops (with their pages)
        self.excluded = {r: self._with_pages(names) for r, names in (excluded or {}).items()}
        self._by_key: dict[tuple[str, str], Action] = {}
        for a in self.actions:
            key = (a.resource, a.name)
            if key in self._by_key:
                where = f" of {a.resource}" if a.resource else ""
                raise ConfigError(f"actions.{a.name}", f"two actions{where} are named "
                                  f"{a.name!r}; give one another name")
            self._by_key[key] = a
        # (name, resource, with a format) -> the URL path split into literals and variables
        self._paths: dict[tuple[str, str, bool], list[str] | None] = {}

    def __iter__(self) -> Iterator[Action]:
        return iter(self.actions)

    def _with_pages(self, names: Iterable[str]) -> frozenset[str]:
        """`names` and the pages that only post to them (`delete` takes `confirm_delete`)."""
        names = frozenset(names)
        return names | {a.name for a in self.actions if a.page_for in names}

    def without(self, *names: str) -> "ActionTable":
        """This table less the built-in actions `names` and their pages (`new` goes with
        `create`): their routes, links and OpenAPI entries go with them."""
        unknown = set(names) - {a.name for a in self.actions}
        if unknown:
            raise ConfigError("actions", f"no action named {sorted(unknown)[0]!r}; "
                              f"actions: {sorted({a.name for a in self.actions})}")
        dropped = self._with_pages(names)
        return ActionTable((a for a in self.actions if a.resource or a.name not in dropped),
                           self.excluded)

    def with_(self, extra: Iterable[Action] = (),
              excluded: Mapping[str, frozenset[str]] | None = None) -> "ActionTable":
        """This table with `extra` actions first and more per-resource exclusions."""
        merged = dict(self.excluded)
        for resource, names in (excluded or {}).items():
            merged[resource] = merged.get(resource, frozenset()) | frozenset(names)
        return ActionTable((*extra, *self.actions), merged)  # pages are added on building

    def get(self, name: str, resource: str = "") -> Action | None:
        """The action `name` as `resource` has it (its own first), or None when neither
        it nor the table has one."""
        own = self._by_key.get((resource, name))
        if own is not None:
            return own
        if name in self.excluded.get(resource, ()):
            return None
        return self._by_key.get(("", name))

    def path_parts(self, name: str, resource: str, with_format: bool,
                   quote: Callable[[str], str]) -> list[str] | None:
        """Action `name`'s path for `resource` as [literal, variable, literal, ...] (the
        resource filled in by `quote`), worked out once per app; None: no such action."""
        key = (name, resource, with_format)
        if key not in self._paths:
            action = self.get(name, resource)
            template = (format_path(action.path) if with_format else action.path) \
                if action is not None else None
            self._paths[key] = None if template is None else \
                VARIABLE.split(template.replace("{resource}", quote(resource)))
        return self._paths[key]

    def for_resource(self, resource: str) -> tuple[Action, ...]:
        """Every action `resource` has: its own and the built-in ones it keeps."""
        dropped = self.excluded.get(resource, frozenset())
        return tuple(a for a in self.actions if a.resource == resource or
                     (not a.resource and a.name not in dropped))

    def names(self) -> frozenset[str]:
        return frozenset(a.name for a in self.actions)
