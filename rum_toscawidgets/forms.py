"""tw2 forms for a resource: one widget class per (resource, action), built at start-up."""

import json
import re
from collections.abc import Mapping
from typing import Any

import tw2.core as twc
import tw2.forms as twf
from tw2.core.validation import unflatten_params
from tw2.core.widgets import WidgetBunch

from rum.contracts import Ref
from rum.errors import Invalid
from rum.fields import Field
from rum.i18n import N_
from rum.resources import sections
from rum.values import Given
from rum.values import to_text as values_text

from .inputs import KindInput, SetSelect, combine_companions
from .isolation import pin_engine
from .layout import SECTIONED, FieldsLayout, ReadOnlyText
from .validators import (
    CONVERTERS,
    BinaryConverter,
    BooleanConverter,
    ChoiceConverter,
    NullableBooleanConverter,
    translated,
)

INPUT_TYPES = {"integer": "number", "float": "text", "decimal": "text", "date": "date",
               "datetime": "datetime-local", "datetime_tz": "datetime-local", "time": "time"}
# any fraction of a second is a valid step (the default, 60 s, would refuse seconds)
STEPPED = frozenset({"datetime", "datetime_tz", "time"})
VALID_ID = re.compile(r"^[a-zA-Z][\w\-.]*$")
LINE_BREAK = re.compile(r"\r\n?")


def _root(widget):
    while getattr(widget, "parent", None) is not None:
        widget = widget.parent
    return widget


ID_SUFFIX = re.compile(r"\[([^\[\]]+)\]\s*$")


def token(text: str) -> str:
    """'Maya Petrov [16]' -> '16'; anything else (an id or an exact name) as typed."""
    found = ID_SUFFIX.search(text)
    return found.group(1).strip() if found else text.strip()


def ref_text(value) -> str:
    if isinstance(value, Ref):
        return f"{value.label} [{value.id}]"
    return "" if value is None else str(value)


class RelationField(twf.widgets.FormField):
    """A relation input: a select for small tables, else a text input with autocomplete.

    Which one is decided per request from the RelationInput the controller hands over.
    Without JavaScript the text input takes ids or exact names ("Name [id]" as shown).
    """

    template = "rum_toscawidgets.templates.relation"
    multiple = twc.Param("to-many", default=False)
    mode = twc.Variable(default="select")
    choices = twc.Variable(default=())
    selected = twc.Variable(default=())
    text = twc.Variable(default="")
    complete_url = twc.Variable(default="")
    hint = twc.Variable(default="")
    ambiguity = twc.Variable("the rows a typed name matched (rum.names.Ambiguity)", default=None)
    pick_legend = twc.Variable(default="")
    more_note = twc.Variable(default="")

    def prepare(self):
        super().prepare()
        root = _root(self)
        relation = root.rum_relations.get(self.key)
        self.ambiguity = getattr(root, "rum_choices", {}).get(self.key)
        if self.ambiguity is not None:
            gettext = root.rum_gettext or str
            self.pick_legend = gettext(N_("Which “%(name)s” do you mean?")) % {
                "name": self.ambiguity.text}
            self.more_note = gettext(N_("More rows have this name than are shown here: "
                                        "type the id of the one you mean.")) \
                if self.ambiguity.more else ""
        values = self.value if isinstance(self.value, list | tuple) else (
            [] if self.value in (None, "") else [self.value])
        if relation is not None and relation.choices is not None:
            offered = {c.id for c in relation.choices}
            # a current value the identity may not see is offered as stored (opaque), so
            # saving the form keeps it instead of clearing it
            kept = [v for v in values if isinstance(v, Ref) and v.id not in offered]
            self.mode, self.choices = "select", [*relation.choices, *kept]
            self.selected = {v.id if isinstance(v, Ref) else token(str(v)) for v in values}
        else:
            self.mode = "complete"
            self.complete_url = relation.complete_url if relation else ""
            self.text = ", ".join(ref_text(v) for v in values)
            self.hint = (_root(self).rum_gettext or str)(
                N_("Type to search; ids and exact names work, separated by commas")
                if self.multiple else N_("Type to search; an id or an exact name works"))

    def _validate(self, value, state=None):
        self._validated = True
        self.value = value
        tokens = relation_tokens(value, self.multiple)
        if not tokens and self.validator and self.validator.required:
            raise twc.ValidationError("required", self.validator)
        if self.multiple:
            return tokens
        return tokens[0] if tokens else None


def relation_tokens(value, multiple: bool) -> list[str]:
    """The ids (or exact names) sent for a relation: one, or comma-separated many."""
    items = value if isinstance(value, list | tuple) else [value]
    if multiple:
        return list(dict.fromkeys(token(part) for item in items if item
                                  for part in str(item).split(",") if part.strip()))
    return [token(str(items[-1]))] if items and items[-1] else []


class RelationConverter(twc.Validator):
    """A relation's input text (or chosen ids) -> an id, or a list of ids when `multiple`.
    Stored rows are shown by id, which a select's options and a text input both take."""

    multiple = False

    def to_python(self, value, state=None):
        tokens = relation_tokens(value, self.multiple)
        if not tokens and self.required:
            raise twc.ValidationError("required", self)
        if self.multiple:
            return tokens
        return tokens[0] if tokens else None

    def from_python(self, value, state=None):
        if isinstance(value, list | tuple):
            return [v.id if isinstance(v, Ref) else v for v in value]
        return value.id if isinstance(value, Ref) else ("" if value is None else value)


class BinaryField(twf.FileField):
    """A file upload; an empty upload keeps what is stored."""


def field_validator(field: Field) -> twc.Validator:
    """Rum's converter for the field's kind: whatever widget shows the field, its input is
    checked and converted by this."""
    required = field.required
    if field.is_relation:
        return RelationConverter(required=required, multiple=field.kind == "to_many")
    if field.kind == "binary":
        return BinaryConverter(required=required)
    if field.kind == "boolean":
        return NullableBooleanConverter() if _nullable(field) else BooleanConverter()
    if field.kind == "enum":
        return ChoiceConverter(required=required, values=tuple(str(v) for v, _ in field.choices))
    converter = CONVERTERS.get(field.kind, CONVERTERS["string"])
    extra: dict[str, Any] = {"field": field}
    if field.kind in ("string", "text"):
        extra["max_length"] = field.max_length
    return converter(required=required, **extra)


def _nullable(field: Field) -> bool:
    return bool(field.options.get("nullable")) and not field.required


def field_widget(field: Field, override: type[twc.Widget] | None = None) -> type[twc.Widget]:
    """The tw2 widget class for one field: `override` (a tw2 widget class a resource names
    in `widgets`) or the kind's own; a read-only field is text, never an input."""
    common = {"id": field.name, "label": field.label, "help_text": field.help or None}
    if not VALID_ID.match(field.name):
        raise ValueError(f"field name {field.name!r} cannot be a form input name")
    if field.read_only:
        return ReadOnlyText(field=field, **common)
    validator = field_validator(field)
    if override is not None:
        return override(validator=validator, **common)
    if field.is_relation:  # its own text parsing; its value stays the stored Refs
        return RelationField(multiple=field.kind == "to_many",
                             validator=twc.Validator(required=field.required), **common)
    if field.kind == "binary":
        return BinaryField(validator=validator, **common)
    nullable = _nullable(field)
    if field.kind == "boolean":
        if nullable:
            return twf.SingleSelectField(options=[("true", "yes"), ("false", "no")],
                                         prompt_text="—", validator=validator, **common)
        return twf.CheckBox(validator=validator, **common)
    if field.kind == "enum":
        return twf.SingleSelectField(options=[(str(v), str(lbl)) for v, lbl in field.choices],
                                     validator=validator, **common)
    if field.kind == "set":
        return SetSelect(choices=[(str(v), str(lbl)) for v, lbl in field.choices],
                         nullable=nullable, validator=validator, **common)
    attrs = {"inputmode": "decimal"} if field.kind in ("float", "decimal") else {}
    if field.kind in STEPPED:
        attrs["step"] = "any"
    input_type = "text" if field.options.get("timezone") and field.kind == "time" else \
        INPUT_TYPES.get(field.kind, "text")
    # a nullable text keeps "no value" apart from empty text; other kinds have no empty text
    return KindInput(type=input_type, kind=field.kind, validator=validator,
                     nullable=nullable and field.kind in ("string", "text"),
                     maxlength=field.max_length, attrs=attrs, **common)


class ToscaWidgetsForm:
    """FormView over a tw2 layout class (no per-request class creation).

    `widgets`: field name -> a tw2 widget class shown instead of the kind's input (its
    input still converted by the kind's validator); `fieldsets`: ((title, field names), ...)
    sections; read-only fields are shown as text and are not among `fields`, the inputs."""

    def __init__(self, fields: tuple[Field, ...], name: str,
                 widgets: Mapping[str, type[twc.Widget]] | None = None, fieldsets=()):
        shown = tuple(fields)
        widgets = widgets or {}
        self.fields = tuple(f for f in shown if not f.read_only)
        self.read_only = tuple(f for f in shown if f.read_only)
        self.fields_by_name = {f.name: f for f in self.fields}
        self.multipart = any(f.kind == "binary" or _uploads(widgets.get(f.name))
                             for f in self.fields)
        layout: dict[str, Any] = {"children": [field_widget(f, widgets.get(f.name))
                                               for f in shown]}
        if fieldsets:
            layout.update(template=SECTIONED, rum_sections=tuple(
                (title, tuple(f.name for f in group)) for title, group in sections(fieldsets, shown)))
        self.widget: type[FieldsLayout] = type(f"{name}Fields", (FieldsLayout,), layout)
        pin_engine(self.widget)  # Genshi, whatever engine a host's tw2 prefers

    def validate(self, params: Mapping[str, Any], only=None) -> dict[str, Any]:
        """Converted values; with `only` (field names), of those fields alone: the others are
        neither checked nor returned (a PATCH, or fields an edit left as they were)."""
        params = params.mixed() if hasattr(params, "mixed") else dict(params)
        params = combine_companions(params, self.fields)
        try:
            if only is None:
                return dict(self.widget.validate(params))
            layout = self.widget.req()
            layout.children = WidgetBunch(c for c in layout.children if c.key in only)
            return dict(layout._validate(unflatten_params(params)))
        except twc.ValidationError as exc:
            errors = {c.key: c.error_msg for c in exc.widget.children if c.error_msg}
            raise Invalid(errors or {"": exc.msg or "Invalid input"}) from None

    def changed(self, params: Mapping[str, Any], stored: Mapping[str, Any]) -> set[str]:
        """The fields whose submitted text differs from what this form renders for `stored`.
        Equal text means the user left the field alone, so it is not written: no rounding,
        no '' turned into NULL (or back), no rewrite of a value the form cannot show."""
        validators = {c.key: c.validator for c in self.widget.children}
        params = params.mixed() if hasattr(params, "mixed") else dict(params)
        params = combine_companions(params, self.fields)  # the value each field stands for
        return {f.name for f in self.fields
                if _differs(f, params.get(f.name), stored.get(f.name), validators[f.name])}

    def error_summary(self, errors: Mapping[str, str], translations=None
                      ) -> list[tuple[str | None, str, str]]:
        """(input id or None, label, message) per error: errors on no input first (the
        form-level one, key "", has no label), then the inputs' in the form's order, each
        message as the field shows it."""
        gettext = translations.gettext if translations else str
        validators = {c.key: c.validator for c in self.widget.children}
        labels = {f.name: f.label for f in (*self.fields, *self.read_only)}
        out: list[tuple[str | None, str, str]] = [
            (None, gettext(labels.get(k, k)) if k else "", gettext(v))
            for k, v in errors.items() if v and k not in self.fields_by_name]
        out.extend((f.name, gettext(f.label),
                    translated(errors[f.name], validators.get(f.name), gettext))
                   for f in self.fields if errors.get(f.name))
        return out

    def texts(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        """The text each input sends back when left alone on a form showing `stored` (None
        for no value, a list of ids for a to-many); files are not among them."""
        validators = {c.key: c.validator for c in self.widget.children}
        return {f.name: _text(f, stored.get(f.name), validators[f.name])
                for f in self.fields if f.kind != "binary"}

    def changed_since(self, params: Mapping[str, Any], base: Mapping[str, Any]) -> set[str]:
        """The fields among `base` (texts the form was opened with) whose submitted text is
        other than their base text."""
        validators = {c.key: c.validator for c in self.widget.children}
        params = params.mixed() if hasattr(params, "mixed") else dict(params)
        params = combine_companions(params, self.fields)
        return {f.name for f in self.fields if f.name in base and f.kind != "binary"
                and _text_key(f, params.get(f.name), validators[f.name])
                != _text_key(f, base[f.name], validators[f.name])}

    def render(self, values, errors, relations, translations=None, choices=None) -> str:
        if hasattr(values, "mixed"):  # the user's input, shown again as typed
            values = values.mixed()
        else:  # stored values: a JSON field's text is its JSON, even for a JSON string
            values = {k: values_text(self.fields_by_name[k], v)
                      if k in self.fields_by_name and self.fields_by_name[k].kind == "json"
                      and v is not None else v for k, v in dict(values).items()}
        for f in self.fields:  # files are never echoed back into a form
            if f.kind == "binary":
                values.pop(f.name, None)
        return self.widget.req(value=values, rum_errors=dict(errors), rum_relations=dict(relations),
                               rum_gettext=translations.gettext if translations else None,
                               rum_choices=dict(choices or {}),
                               rum_translations=translations,
                               ).display(displays_on="genshi")


def _uploads(widget) -> bool:
    return isinstance(widget, type) and issubclass(widget, twf.FileField)


def _as_list(value) -> list:
    """The values sent for one field: forms repeat a name, JSON sends a list or one value."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _lines(text: str) -> str:
    return LINE_BREAK.sub("\n", text)  # browsers send a textarea's line breaks as CRLF


def _has_null_box(field: Field) -> bool:
    """Whether the form offers a 'no value' box: then empty text with the box unchecked is
    the empty string, a change from NULL although both show as an empty input."""
    return field.kind in ("string", "text") and bool(field.options.get("nullable")) \
        and not field.required


def _differs(field: Field, value, stored, validator) -> bool:
    """Whether `value` (what the form sent for the field, companions folded in; None for
    "no value") is other than what the form shows for `stored`."""
    sent = _as_list(value)
    if field.kind == "binary":
        return any(getattr(item, "filename", "") for item in sent)
    if field.kind == "to_many":
        tokens = {token(part) for item in sent if item for part in str(item).split(",")
                  if part.strip()}
        return tokens != {ref.id for ref in stored or ()}
    if field.kind == "to_one":
        return (token(str(sent[-1])) if sent and sent[-1] else "") != (
            stored.id if isinstance(stored, Ref) else "")
    if field.kind == "boolean":
        return validator.to_python(sent[-1] if sent else "") != bool(stored)
    if value is None:  # the "no value" box, or a field not sent at all
        return stored is not None
    if len(sent) > 1:
        return True  # not what this form sends: let validation say why
    if stored is None and sent == [""] and _has_null_box(field):
        return True  # empty text with the box unticked: the empty string, not NULL
    shown = validator.from_python(stored)
    return _lines(str(sent[0]) if sent else "") != _lines("" if shown is None else str(shown))


def _text(field: Field, stored, validator) -> Any:
    """What the form sends for `stored` when the user leaves the field alone."""
    if field.kind == "to_many":
        return [ref.id if isinstance(ref, Ref) else str(ref) for ref in stored or ()]
    if field.kind == "to_one":
        return stored.id if isinstance(stored, Ref) else ("" if stored is None else str(stored))
    if stored is None:
        return "" if field.kind == "boolean" else None
    if field.kind == "boolean":
        return "true" if stored else "false"
    shown = validator.from_python(stored)
    if isinstance(shown, list | tuple | set | frozenset):
        return [str(item) for item in shown]
    return _lines(str(shown))


def _text_key(field: Field, value, validator) -> Any:
    """A sent text as it compares with another: ids for relations, line breaks as LF."""
    if isinstance(value, Given):
        return "given", json.dumps(value.value, sort_keys=True, default=str)
    sent = _as_list(value)
    if field.kind == "to_many":
        return frozenset(token(part) for item in sent if item for part in str(item).split(",")
                         if part.strip())
    if field.kind == "to_one":
        return token(str(sent[-1])) if sent and sent[-1] else ""
    if field.kind == "boolean":
        try:
            return validator.to_python(sent[-1] if sent else "")
        except twc.ValidationError:
            return sent
    if value is None:
        return None
    if field.kind == "set":
        return frozenset(str(item) for item in sent)
    return tuple(_lines(str(item)) for item in sent)
