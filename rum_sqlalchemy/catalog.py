"""What the factory knows about each served model: mapper, fields, resource name, label rule."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper

from rum.fields import Field

from .identity import row_key
from .introspect import label_attribute, model_fields
from .recently_used import RecentlyUsed

PAGE_SHAPES = 128  # list pages' statements kept (`page_statements`), least recently used dropped


@dataclass
class ModelEntry:
    model: Any
    name: str
    mapper: Mapper
    fields: tuple[Field, ...]
    label_attr: str | None
    has_str: bool
    resource: str = ""
    read_only: bool = False


class Catalog:
    """Model entries by class and by resource name, filled once at start-up."""

    def __init__(self, models: list, read_only=frozenset()):
        self.entries: list[ModelEntry] = []
        for model in models:
            mapper = sa.inspect(model)
            has_str = any("__str__" in vars(k) for k in model.__mro__ if k is not object
                          and k.__module__ != "sqlalchemy.orm.decl_api")
            self.entries.append(ModelEntry(model=model, name=model.__name__, mapper=mapper,
                                           fields=model_fields(model),
                                           label_attr=label_attribute(model), has_str=has_str,
                                           read_only=model in read_only))
        self._by_model = {e.model: e for e in self.entries}
        self._by_resource: dict[str, ModelEntry] = {}
        # {(schema, table): columns an index leads with}, filled as sorts ask (`indexes`)
        self.index_leads: dict[tuple[str | None, str], frozenset[str]] = {}
        # {(dialect, resource, limit): SQL}: a whole table's capped count, compiled once
        self.count_sql: dict[tuple[str, str, int], str] = {}
        # {query shape: PageStatements}: list pages' statements, built once (`page_statements`)
        self.page_shapes = RecentlyUsed(PAGE_SHAPES)
        # {resource: the resources its reads ask the access about}, filled as pages ask
        self._sight: dict[str, tuple[str, ...]] = {}

    def bind(self, names) -> None:
        """Learn resource names; relation fields then name resources, as rum's fields do."""
        by_model_name: dict[str | None, str] = {}  # looked up by `Field.related`
        for entry in self.entries:
            entry.resource = names.get(entry.model, "")
            self._by_resource[entry.resource] = entry
            by_model_name[entry.name] = entry.resource
        for entry in self.entries:
            entry.fields = tuple(f.but(related=by_model_name.get(f.related)) if f.is_relation
                                 else f for f in entry.fields)
        self.page_shapes.clear()  # built from the fields and names bound before
        self._sight.clear()

    def info_for(self, cls) -> ModelEntry | None:
        entry = self._by_model.get(cls)
        if entry is None:
            for base in cls.__mro__[1:]:
                if base in self._by_model:
                    return self._by_model[base]
        return entry

    def info_by_resource(self, name: str) -> ModelEntry | None:
        return self._by_resource.get(name)

    def sight_of(self, info: ModelEntry) -> tuple[str, ...]:
        """`info`'s resource and those its relations lead to: every resource whose read
        permission, hidden fields or row filters a list query of `info` may ask about."""
        names = self._sight.get(info.resource)
        if names is None:
            targets = (self.info_for(rel.mapper.class_) for rel in info.mapper.relationships)
            names = self._sight[info.resource] = tuple(dict.fromkeys(
                [info.resource, *(t.resource for t in targets if t is not None)]))
        return names

    def label(self, row) -> str:
        entry = self.info_for(type(row))
        if entry is None or entry.has_str:
            return str(row)
        if entry.label_attr:
            value = getattr(row, entry.label_attr)
            if value not in (None, ""):
                return str(value)
        key = row_key(entry.mapper, row)
        return f"{entry.name} {','.join(str(k) for k in key)}"
