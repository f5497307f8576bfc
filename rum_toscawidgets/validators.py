"""tw2 validators for field kinds: HTML5 input text <-> Python values.

`from_python` must accept the user's raw text too, because a form shown again after an
error carries what was typed, not a converted value.
"""

import re

import tw2.core as twc

from rum import values
from rum.fields import Field
from rum.i18n import N_

# tw2.core's own messages our forms can show, listed so `make i18n` extracts them too.
TW2_MESSAGES = (N_("Enter a value"), N_("Form submission received corrupted; please try again"))
PLACEHOLDER = re.compile(r"\$(\w+)")


def _fill(template: str, validator) -> str:
    """tw2's way of completing a message: `$name` is the validator's attribute."""
    return PLACEHOLDER.sub(lambda m: str(getattr(validator, m.group(1), m.group(0))), template)


def translated(message: str, validator, gettext) -> str:
    """A validator's message in the request's language. tw2 fills `$max_length` in before
    Rum sees the message, so a filled one is traced back to its template, translated, filled."""
    for template in (getattr(validator, "msgs", None) or {}).values():
        template = str(template)
        if "$" in template and _fill(template, validator) == message:
            return _fill(gettext(template), validator)
    return gettext(message)


class TextConverter(twc.Validator):
    """Base: text <-> value through `rum.values` for the validator's field kind.

    Raw strings pass through `from_python` (a form shown again keeps what was typed)."""

    msgs = {"bad": N_("Enter a valid value")}
    kind = "string"
    field: Field | None = None  # the field, when its options matter (array items, choices)

    def _field(self) -> Field:
        return self.field if self.field is not None else Field(name="value", kind=self.kind)

    def parse(self, text: str):
        return values.parse(self._field(), text)

    def format(self, value) -> str:
        return values.to_text(self._field(), value)

    def to_python(self, value, state=None):
        if isinstance(value, values.Given) and value.value is not None:
            try:  # a typed JSON value: a JSON field's string is that string, not JSON text
                value = values.from_json(self._field(), value.value)
            except (ValueError, TypeError, ArithmeticError):
                raise twc.ValidationError("bad", self) from None
            self._validate_python(value, state)
            return value
        if isinstance(value, values.Given):
            value = None
        return super().to_python(value, state)

    def from_python(self, value, state=None):
        """Only None shows as empty ([] and {} are values); text is shown as it is."""
        if value is None:
            return ""
        return self._convert_from_python(value, state)

    def _convert_to_python(self, value, state=None):
        try:
            return self.parse(value)
        except (ValueError, TypeError, ArithmeticError):
            raise twc.ValidationError("bad", self) from None

    def _convert_from_python(self, value, state=None):
        return value if isinstance(value, str) else self.format(value)


class IntegerConverter(TextConverter):
    msgs = {"bad": N_("Enter a whole number")}
    kind = "integer"


class FloatConverter(TextConverter):
    msgs = {"bad": N_("Enter a number")}
    kind = "float"


class DecimalConverter(TextConverter):
    msgs = {"bad": N_("Enter a number")}
    kind = "decimal"


class DateConverter(TextConverter):
    msgs = {"bad": N_("Enter a date as YYYY-MM-DD")}
    kind = "date"


class DateTimeConverter(TextConverter):
    msgs = {"bad": N_("Enter a date and time as YYYY-MM-DDTHH:MM")}
    kind = "datetime"


class ZonedDateTimeConverter(TextConverter):
    msgs = {"bad": N_("Enter a date and time as YYYY-MM-DDTHH:MM and an offset as +HH:MM")}
    kind = "datetime_tz"


class TimeConverter(TextConverter):
    msgs = {"bad": N_("Enter a time as HH:MM")}
    kind = "time"


class DurationConverter(TextConverter):
    msgs = {"bad": N_("Enter a duration as [-]HH:MM:SS")}
    kind = "duration"


class IntervalConverter(TextConverter):
    msgs = {"bad": N_("Enter an interval, e.g. 1 year 2 mons 3 days 04:05:06 or P1Y2M3DT4H")}
    kind = "interval"


class UuidConverter(TextConverter):
    msgs = {"bad": N_("Enter a UUID")}
    kind = "uuid"


class InetConverter(TextConverter):
    msgs = {"bad": N_("Enter an IP address or network")}
    kind = "inet"


class MoneyConverter(TextConverter):
    msgs = {"bad": N_("Enter an amount")}
    kind = "money"


class JsonConverter(TextConverter):
    """JSON text in, the value it stands for out; empty text is no value (SQL NULL)."""

    msgs = {"bad": N_("Enter valid JSON")}
    kind = "json"
    strip = False

    def _convert_to_python(self, value, state=None):
        if not value.strip():
            return None
        return super()._convert_to_python(value, state)


class ArrayConverter(TextConverter):
    msgs = {"bad": N_("Enter a JSON list, or one element per line")}
    kind = "array"
    strip = False

    @staticmethod
    def _is_empty(value):
        return value is None or (isinstance(value, str) and not value.strip())


class SetConverter(TextConverter):
    """The chosen members of a SET: a list from a multi-select, or comma-separated text."""

    msgs = {"bad": N_("Pick among the choices")}
    kind = "set"
    strip = False

    @staticmethod
    def _is_empty(value):
        return value is None

    def _convert_to_python(self, value, state=None):
        try:
            return values.parse_set(self._field(), [value] if isinstance(value, str) and
                                    "," not in value else value)
        except (ValueError, TypeError):
            raise twc.ValidationError("bad", self) from None

    def _convert_from_python(self, value, state=None):
        return values.set_members(self._field(), value)


class StringConverter(TextConverter):
    """Text kept as typed, with an optional maximum length. Empty text stays empty text;
    None (no value) comes from the form's "no value" box or a JSON null."""

    msgs = {"toolong": N_("Enter at most $max_length characters")}
    max_length = None
    strip = False

    @staticmethod
    def _is_empty(value):
        return value is None

    def to_python(self, value, state=None):
        if value == "" and self.required:
            raise twc.ValidationError("required", self)
        return super().to_python(value, state)

    def parse(self, text: str):
        return text

    def _validate_python(self, value, state=None):
        if self.max_length and len(value) > self.max_length:
            raise twc.ValidationError("toolong", self)


class BooleanConverter(twc.Validator):
    """A checkbox: present and not 'false'/'0'/'off' means True."""

    def to_python(self, value, state=None):
        return str(value).strip().lower() not in ("", "0", "false", "off", "no", "none")

    def from_python(self, value, state=None):
        return value


class NullableBooleanConverter(twc.Validator):
    """A yes / no / (no value) select, for a column that can hold NULL."""

    msgs = {"bad": N_("Pick yes or no")}

    def to_python(self, value, state=None):
        if value is None or str(value).strip() == "":
            if self.required:
                raise twc.ValidationError("required", self)
            return None
        try:
            return values.parse(Field(name="value", kind="boolean"), str(value))
        except ValueError:
            raise twc.ValidationError("bad", self) from None

    def from_python(self, value, state=None):
        if isinstance(value, str):
            return value
        return "" if value is None else ("true" if value else "false")


class BinaryConverter(twc.Validator):
    """An uploaded file's bytes; no file chosen leaves the stored value alone."""

    msgs = {"toolarge": N_("The file is larger than $max_size bytes")}
    max_size = 50 * 1024 * 1024
    if_empty = twc.EmptyField

    @staticmethod
    def _is_empty(value):
        return not hasattr(value, "file") or not getattr(value, "filename", "")

    def _convert_to_python(self, value, state=None):
        data = value.file.read(self.max_size + 1)
        if len(data) > self.max_size:
            raise twc.ValidationError("toolarge", self)
        return data


class ChoiceConverter(twc.Validator):
    """One of the enum's values."""

    msgs = {"notchoice": N_("Pick one of the choices")}
    values: tuple = ()

    def _validate_python(self, value, state=None):
        if value not in self.values:
            raise twc.ValidationError("notchoice", self)


CONVERTERS = {
    "integer": IntegerConverter, "float": FloatConverter, "decimal": DecimalConverter,
    "date": DateConverter, "datetime": DateTimeConverter, "time": TimeConverter,
    "datetime_tz": ZonedDateTimeConverter, "duration": DurationConverter,
    "interval": IntervalConverter, "uuid": UuidConverter, "inet": InetConverter,
    "money": MoneyConverter, "json": JsonConverter, "array": ArrayConverter,
    "set": SetConverter, "string": StringConverter, "text": StringConverter,
}
