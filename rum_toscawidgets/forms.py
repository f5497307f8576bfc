"""tw2 forms for a resource: one widget class per (resource, action), built at start-up."""

import re
from collections.abc import Mapping
from typing import Any

import tw2.core as twc
import tw2.forms as twf

from rum.errors import Invalid
from rum.fields import Field

from .validators import CONVERTERS, BooleanConverter, ChoiceConverter

INPUT_TYPES = {"integer": "number", "float": "text", "decimal": "text", "date": "date",
               "datetime": "datetime-local", "time": "time"}
VALID_ID = re.compile(r"^[a-zA-Z][\w\-.]*$")


def _root(widget):
    while getattr(widget, "parent", None) is not None:
        widget = widget.parent
    return widget


class RelationSelect(twf.SingleSelectField):
    """A select whose options are the related rows, handed over per request."""

    def prepare(self):
        self.options = [(r.id, r.label) for r in _root(self).rum_choices.get(self.key, [])]
        super().prepare()


class RelationMultiSelect(twf.MultipleSelectField):
    def prepare(self):
        self.options = [(r.id, r.label) for r in _root(self).rum_choices.get(self.key, [])]
        super().prepare()


class FieldsLayout(twf.ListLayout):
    """The fields of one record form; errors and choices arrive per request."""

    rum_choices = twc.Variable(default={})
    rum_errors = twc.Variable(default={})
    css_class = "fields"

    def prepare(self):
        super().prepare()
        for child in self.children:
            message = self.rum_errors.get(child.key)
            if message:
                child.error_msg = message


def field_widget(field: Field) -> type:
    """The tw2 widget class for one field."""
    common = {"id": field.name, "label": field.label, "help_text": field.help or None}
    if not VALID_ID.match(field.name):
        raise ValueError(f"field name {field.name!r} cannot be a form input name")
    required = field.required
    if field.kind == "to_one":
        return RelationSelect(validator=twc.Validator(required=required), **common)
    if field.kind == "to_many":
        return RelationMultiSelect(validator=twc.Validator(required=required), **common)
    if field.kind == "boolean":
        return twf.CheckBox(validator=BooleanConverter(), **common)
    if field.kind == "enum":
        values = tuple(str(v) for v, _ in field.choices)
        return twf.SingleSelectField(options=[(str(v), str(lbl)) for v, lbl in field.choices],
                                     validator=ChoiceConverter(required=required, values=values),
                                     **common)
    converter = CONVERTERS.get(field.kind, CONVERTERS["string"])
    extra = {}
    if field.kind in ("string", "text"):
        extra["max_length"] = field.max_length
    validator = converter(required=required, **extra)
    if field.kind in ("text", "json"):
        return twf.TextArea(validator=validator, **common)
    attrs = {"inputmode": "decimal"} if field.kind in ("float", "decimal") else {}
    return twf.TextField(type=INPUT_TYPES.get(field.kind, "text"), validator=validator,
                         maxlength=field.max_length, attrs=attrs, **common)


class ToscaWidgetsForm:
    """FormView over a tw2 layout class (no per-request class creation)."""

    def __init__(self, fields: tuple[Field, ...], name: str):
        self.fields = tuple(f for f in fields if f.kind not in ("binary",))
        children = [field_widget(f) for f in self.fields]
        self.widget = type(f"{name}Fields", (FieldsLayout,), {"children": children})

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return dict(self.widget.validate(params))
        except twc.ValidationError as exc:
            errors = {c.key: c.error_msg for c in exc.widget.children if c.error_msg}
            raise Invalid(errors or {"": exc.msg or "Invalid input"}) from None

    def render(self, values, errors, choices) -> str:
        values = values.mixed() if hasattr(values, "mixed") else dict(values)
        return self.widget.req(value=values, rum_errors=dict(errors),
                               rum_choices=dict(choices)).display(displays_on="genshi")
