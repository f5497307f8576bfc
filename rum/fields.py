"""The neutral description of a resource's fields, shared by repositories and views."""

from dataclasses import dataclass, field, replace
from typing import Any

KINDS = frozenset({
    "string", "text", "integer", "decimal", "float", "boolean", "date", "datetime", "time",
    "enum", "binary", "json", "uuid", "to_one", "to_many",
    # database types beyond the portable ones (see rum/values.py for their text forms)
    "datetime_tz", "duration", "interval", "array", "set", "inet", "money", "unknown",
})
RELATION_KINDS = frozenset({"to_one", "to_many"})


def humanize(name: str) -> str:
    """`rented_at` -> `Rented at`."""
    return name.replace("_", " ").strip().capitalize()


@dataclass(frozen=True)
class Field:
    """One attribute of a resource as the admin sees it."""

    name: str
    kind: str
    label: str = ""
    required: bool = False
    read_only: bool = False
    searchable: bool = False
    sortable: bool = True
    default: Any = None
    choices: tuple = ()
    max_length: int | None = None
    related: str | None = None  # name of the related resource, for relations
    primary_key: bool = False
    filterable: bool = True  # False: the filter bar does not offer it (e.g. a composite key)
    help: str = ""
    options: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r} for {self.name!r}")
        if not self.label:
            object.__setattr__(self, "label", humanize(self.name))
        if self.kind == "unknown":  # a type Rum cannot read back is never written or queried
            for flag, value in (("read_only", True), ("searchable", False), ("sortable", False)):
                object.__setattr__(self, flag, value)

    @property
    def is_relation(self) -> bool:
        return self.kind in RELATION_KINDS

    def but(self, **changes) -> "Field":
        """A copy with some attributes changed (config overrides)."""
        return replace(self, **changes)
