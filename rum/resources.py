"""The resource registry: one entry per served model, with its URL name and options."""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .contracts import ModelInfo
from .errors import ConfigError, NotFound
from .fields import Field

LIST_SKIP_KINDS = frozenset({"to_many", "text", "binary", "json"})
RESOURCE_OPTIONS = frozenset({"name", "label", "plural", "list_fields", "form_fields",
                              "search_fields", "page_size", "fields", "count_limit"})


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
    # field name -> the view's widget class for it (a tw2 widget for rum_toscawidgets)
    widgets: dict = field(default_factory=dict, compare=False, hash=False)
    # field name -> callable(value, record) -> text (escaped) or markup (has __html__)
    formatters: dict = field(default_factory=dict, compare=False, hash=False)
    admin: Any = None  # the resource class instance (rum.admin.Admin): hooks, get_* variants

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise NotFound(f"{self.label} has no field {name!r}")

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


def build_resource(info: ModelInfo, options: Mapping[str, Any], key: str,
                   default_page_size: int) -> Resource:
    """One Resource from what the repository knows and what the config says."""
    unknown = set(options) - RESOURCE_OPTIONS
    if unknown:
        raise ConfigError(key, f"unknown option(s) {sorted(unknown)}; use {sorted(RESOURCE_OPTIONS)}")
    fields = info.fields
    overrides = options.get("fields") or {}
    if overrides:
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
        fields = tuple(by_name.values())
    search = options.get("search_fields")
    if search is not None:
        _pick(fields, search, f"{key}.search_fields")
        fields = tuple(f.but(searchable=f.name in search) for f in fields)
    if "list_fields" in options:
        list_fields = _pick(fields, options["list_fields"], f"{key}.list_fields")
    else:
        list_fields = tuple(f for f in fields if f.kind not in LIST_SKIP_KINDS)[:8]
    if "form_fields" in options:
        form_fields = _pick(fields, options["form_fields"], f"{key}.form_fields")
    else:
        form_fields = tuple(f for f in fields if not f.read_only)
    for number in ("page_size", "count_limit"):
        value = options.get(number)
        if value is not None and (type(value) is not int or value < 1):
            raise ConfigError(f"{key}.{number}", "must be a whole number of 1 or more")
    label = options.get("label") or re.sub(r"_", " ", snake(info.name)).capitalize()
    return Resource(
        name=options.get("name") or plural(snake(info.name)),
        model=info.model, label=label,
        plural_label=options.get("plural") or plural(label),
        fields=fields, list_fields=list_fields, form_fields=form_fields,
        page_size=options.get("page_size") or default_page_size,
        count_limit=options.get("count_limit") or 10_000,
        read_only=getattr(info, "read_only", False),
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
            raise NotFound(f"no resource named {name!r}") from None
