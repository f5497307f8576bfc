"""The resource registry: one entry per served model, with its URL name and options."""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .admin import Admin, as_admin
from .config import as_bool
from .contracts import ModelInfo
from .errors import ConfigError, NotFound
from .fields import Field
from .i18n import N_, Message
from .plugins import import_object

LIST_SKIP_KINDS = frozenset({"to_many", "text", "binary", "json"})
LIST_CAP = 8  # columns a list shows by default
# the options of `[resource:Movie]`, each also an attribute of rum.admin.Admin
RESOURCE_OPTIONS = frozenset({"name", "label", "plural", "list_fields", "form_fields",
                              "search_fields", "page_size", "fields", "count_limit",
                              "fieldsets", "read_only_fields", "default_sort", "history"})
NAME_LISTS = ("list_fields", "form_fields", "search_fields", "read_only_fields")


def plural(word: str) -> str:
    """English plural good enough for table names: movie -> movies, category -> categories.

    A word that already reads as a plural stays so (bins, categories, employees), so a
    table named in the plural is not served as `/binses`.
    """
    if re.search(r"(es|ys|[^aeiousy]s)$", word) and not word.endswith("ss"):
        return word
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def singular(word: str) -> str:
    """The singular of a plural table name: categories -> category, bins -> bin, boxes -> box.

    Words that do not read as plurals (status, address, bus) come back unchanged.
    """
    low = word.lower()
    if low.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ss|x|z|ch|sh)es$", low):
        return word[:-2]
    if re.search(r"([^aeious]s|es|ys)$", low) and len(word) > 3:
        return word[:-1]
    return word


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@dataclass(frozen=True)
class Resource:
    """A model as served at `/<name>`."""

    name: str
    model: Any
    label: str
    plural_label: str
    fields: tuple[Field, ...]
    list_fields: tuple[Field, ...]
    form_fields: tuple[Field, ...]
    page_size: int = 20
    count_limit: int = 10_000  # exact counts up to here; beyond, "10,000+" or an estimate
    read_only: bool = False  # lists and show pages only: a view, a table without a key
    fieldsets: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (title, field names): sections
    default_sort: str = ""  # query syntax, "-year,title"; "" leaves it to the repository
    history: bool = True  # False: its writes leave no history entries (rum.history)
    # field name -> the view's widget class for it (a tw2 widget for rum_toscawidgets)
    widgets: dict = field(default_factory=dict, compare=False, hash=False)
    # field name -> callable(value, record) -> text (escaped) or markup (has __html__)
    formatters: dict = field(default_factory=dict, compare=False, hash=False)
    # the resource class instance (rum.admin.Admin): hooks, get_* variants; a plain Admin
    # when none is given, so its defaults answer
    admin: Any = field(default=None, compare=False, hash=False)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise NotFound(N_("%(label)s has no field %(name)s"), label=Message(self.label),
                       name=repr(name))

    @property
    def fields_by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def sections(self, fields) -> list[tuple[str, tuple]]:
        """`fields` grouped as `fieldsets` say: see `sections`."""
        return sections(self.fieldsets, fields)


def sections(fieldsets, fields) -> list[tuple[str, tuple]]:
    """(title, fields) in the order of `fieldsets` ((title, field names), ...), then the
    fields no fieldset names as a last untitled section. Sections left without fields (all
    hidden, or not in this form) are dropped; without fieldsets, one untitled section."""
    fields = tuple(fields)
    by_name = {f.name: f for f in fields}
    out, named = [], set()
    for title, names in fieldsets:
        group = tuple(by_name[n] for n in names if n in by_name)
        named.update(names)
        if group:
            out.append((title, group))
    rest = tuple(f for f in fields if f.name not in named)
    if rest or not out:
        out.append(("", rest))
    return out


def _pick(fields: tuple[Field, ...], names, key: str) -> tuple[Field, ...]:
    by_name = {f.name: f for f in fields}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise ConfigError(key, f"unknown field(s) {missing}; known: {sorted(by_name)}")
    return tuple(by_name[n] for n in names)


def class_options(admin: Admin | None) -> dict[str, Any]:
    """The INI-style options a resource class sets: attributes it leaves as `Admin` has
    them are Rum's defaults."""
    if admin is None:
        return {}
    return {name: getattr(admin, name) for name in sorted(RESOURCE_OPTIONS)
            if getattr(admin, name, None) is not getattr(Admin, name)}


def served_name(model: str, options: Mapping[str, Any], admin: Admin | None = None) -> str:
    """The URL name of a model: the `name` option (INI first, then the class), else its
    plural."""
    return {**class_options(admin), **options}.get("name") or plural(snake(model))


def resource_class(model: str, options: Any, given: Any, here: str = "") -> tuple[dict, Admin]:
    """(the INI options less `options`, the resource class instance) of `model`, whose
    class comes from `RumApp(resources=...)` (`given`) or the INI `options` path."""
    key = f"resources.{model}"
    if not isinstance(options, Mapping):
        raise ConfigError(key, "must be a section (a dict of options)")
    options = dict(options)
    path = options.pop("options", None)
    if path is not None and given is not None:
        raise ConfigError(f"{key}.options", "the resource class is given both here and in "
                          "RumApp(resources=...); give it one way only")
    if path is not None:
        return options, as_admin(import_object(path, f"{key}.options", here), f"{key}.options")
    return options, as_admin(given, key) if given is not None else Admin()


def _check_types(options: Mapping[str, Any], key: str) -> None:
    for name in ("name", "label", "plural"):
        if options.get(name) is not None and not isinstance(options[name], str):
            raise ConfigError(f"{key}.{name}", "must be text")
    for name in NAME_LISTS:
        value = options.get(name)
        if value is not None and (not isinstance(value, list | tuple)
                                  or not all(isinstance(n, str) for n in value)):
            raise ConfigError(f"{key}.{name}", "must be a list of field names, such as "
                              "['title', 'year']")
    for number in ("page_size", "count_limit"):
        value = options.get(number)
        if value is not None and (type(value) is not int or value < 1):
            raise ConfigError(f"{key}.{number}", "must be a whole number of 1 or more")
    if not isinstance(options.get("fields") or {}, Mapping):
        raise ConfigError(f"{key}.fields", "must be a dict such as {'title': {'label': "
                          "'Name'}}")


def _overridden(fields: tuple[Field, ...], overrides, key: str) -> tuple[Field, ...]:
    by_name = {f.name: f for f in fields}
    for fname, change in overrides.items():
        if fname not in by_name:
            raise ConfigError(f"{key}.fields", f"unknown field {fname!r}")
        if not isinstance(change, dict):
            raise ConfigError(f"{key}.fields.{fname}", "must be a dict such as "
                              "{'label': 'Name'}")
        try:
            by_name[fname] = by_name[fname].but(**change)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{key}.fields.{fname}", str(exc)) from None
    return tuple(by_name.values())


def check_fieldsets(value: Any, fields: tuple[Field, ...],
                    key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`[(title, [field names]), ...]` as tuples; each name a field, none in two places."""
    if not value:
        return ()
    shape = "must be a list of (title, [field names]) pairs, such as [('Main', ['title'])]"
    if not isinstance(value, list | tuple):
        raise ConfigError(key, shape)
    known, seen, out = {f.name for f in fields}, set(), []
    for item in value:
        if not (isinstance(item, list | tuple) and len(item) == 2
                and isinstance(item[0], str | None) and isinstance(item[1], list | tuple)
                and all(isinstance(n, str) for n in item[1])):
            raise ConfigError(key, f"{item!r}: {shape}")
        title, names = item
        for name in names:
            if name not in known:
                raise ConfigError(key, f"unknown field {name!r}; known: {sorted(known)}")
            if name in seen:
                raise ConfigError(key, f"field {name!r} is in more than one place")
            seen.add(name)
        out.append((title or "", tuple(names)))
    return tuple(out)


def check_default_sort(value: Any, fields: tuple[Field, ...], key: str) -> str:
    """The default sort in query syntax (`-year,title`); also from a list of terms."""
    if not value:
        return ""
    if isinstance(value, str):
        terms = [t.strip() for t in value.split(",")]
    elif isinstance(value, list | tuple) and all(isinstance(t, str) for t in value):
        terms = [t.strip() for t in value]
    else:
        raise ConfigError(key, "must be text such as '-year,title' (- sorts descending)")
    by_name, seen = {f.name: f for f in fields}, set()
    for term in terms:
        name = term.removeprefix("-")
        field = by_name.get(name)
        if field is None:
            raise ConfigError(key, f"unknown field {name!r} in {term!r}; write '-year,title'"
                              f" with fields of {sorted(by_name)}")
        if not field.sortable or field.is_relation:
            sortable = sorted(f.name for f in fields if f.sortable and not f.is_relation)
            raise ConfigError(key, f"{name!r} cannot be sorted on; sortable: {sortable}")
        if name in seen:
            raise ConfigError(key, f"{name!r} is named twice")
        seen.add(name)
    return ",".join(terms)


def _by_field(value: Any, fields: tuple[Field, ...], key: str, check=None) -> dict:
    """A dict keyed by field names (`widgets`, `formatters`); `check` each value."""
    if not isinstance(value, Mapping):
        raise ConfigError(key, "must be a dict of field name -> value")
    known = {f.name for f in fields}
    for name, item in value.items():
        if name not in known:
            raise ConfigError(key, f"unknown field {name!r}; known: {sorted(known)}")
        if check is not None and not check(item):
            raise ConfigError(f"{key}.{name}", "must be a function (value, record) -> text")
    return dict(value)


def default_list_fields(fields: tuple[Field, ...], label_fields=(),
                        cap: int = LIST_CAP) -> tuple[Field, ...]:
    """The columns a person would pick: the key (it links to the row), the field(s) that
    name the row, its to-one relations, then other short columns in table order; long
    text, JSON, binary and to-many relations are left out."""
    shown = [f for f in fields if f.kind not in LIST_SKIP_KINDS]
    label_fields = tuple(label_fields)

    def rank(pair):
        position, f = pair
        if f.primary_key:
            group = 0
        elif f.name in label_fields:
            group, position = 1, label_fields.index(f.name)
        elif f.kind == "to_one":
            group = 2
        else:
            group = 3
        return group, position

    return tuple(f for _, f in sorted(enumerate(shown), key=rank))[:cap]


def build_resource(info: ModelInfo, options: Mapping[str, Any], key: str,
                   default_page_size: int, admin: Admin | None = None) -> Resource:
    """One Resource from what the repository knows, the INI `options` and the resource
    class instance `admin` (the INI options win over its attributes)."""
    unknown = set(options) - RESOURCE_OPTIONS
    if unknown:
        raise ConfigError(key, f"unknown option(s) {sorted(unknown)}; use {sorted(RESOURCE_OPTIONS)}")
    admin = admin if admin is not None else Admin()
    options = {**class_options(admin), **options}
    _check_types(options, key)
    fields = _overridden(info.fields, options.get("fields") or {}, key)
    search = options.get("search_fields")
    if search is not None:
        _pick(fields, search, f"{key}.search_fields")
        fields = tuple(f.but(searchable=f.name in search) for f in fields)
    read_only = options.get("read_only_fields") or ()
    _pick(fields, read_only, f"{key}.read_only_fields")
    fields = tuple(f.but(read_only=True) if f.name in read_only else f for f in fields)
    if "list_fields" in options:
        list_fields = _pick(fields, options["list_fields"], f"{key}.list_fields")
    else:
        list_fields = default_list_fields(fields, info.label_fields)
    if "form_fields" in options:  # a read-only field listed here is shown in its place
        form_fields = _pick(fields, options["form_fields"], f"{key}.form_fields")
    else:
        form_fields = tuple(f for f in fields if not f.read_only)
    label = options.get("label") or re.sub(r"_", " ", snake(info.name)).capitalize()
    return Resource(
        name=served_name(info.name, options),
        model=info.model, label=label,
        plural_label=options.get("plural") or plural(label),
        fields=fields, list_fields=list_fields, form_fields=form_fields,
        page_size=options.get("page_size") or default_page_size,
        count_limit=options.get("count_limit") or 10_000,
        read_only=getattr(info, "read_only", False),
        fieldsets=check_fieldsets(options.get("fieldsets"), fields, f"{key}.fieldsets"),
        default_sort=check_default_sort(options.get("default_sort"), fields,
                                        f"{key}.default_sort"),
        widgets=_by_field(admin.widgets, fields, f"{key}.widgets"),
        formatters=_by_field(admin.formatters, fields, f"{key}.formatters", callable),
        admin=admin,
        history=as_bool(options.get("history", True), f"{key}.history"),
    )


class Registry:
    """Resources by URL name, in configuration order."""

    def __init__(self, resources: list[Resource]):
        self._by_name: dict[str, Resource] = {}
        for r in resources:
            if r.name in self._by_name:
                raise ConfigError("resources", f"two models are both served as {r.name!r}; "
                                  "give one a different 'name'")
            self._by_name[r.name] = r

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    def get(self, name: str) -> Resource:
        try:
            return self._by_name[name]
        except KeyError:
            raise NotFound(N_("no resource named %(name)s"), name=repr(name)) from None
