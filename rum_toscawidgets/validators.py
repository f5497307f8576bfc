"""tw2 validators for field kinds: HTML5 input text <-> Python values.

`from_python` must accept the user's raw text too, because a form shown again after an
error carries what was typed, not a converted value.
"""

import datetime
import decimal
import json
import re
import uuid

import tw2.core as twc

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
    """Base: converts with `parse`, formats with `format`; raw strings pass through."""

    msgs = {"bad": N_("Enter a valid value")}
    python_type: type = str

    def parse(self, text: str):
        return self.python_type(text)

    def format(self, value) -> str:
        return str(value)

    def _convert_to_python(self, value, state=None):
        try:
            return self.parse(value)
        except (ValueError, TypeError, ArithmeticError):
            raise twc.ValidationError("bad", self) from None

    def _convert_from_python(self, value, state=None):
        return value if isinstance(value, str) else self.format(value)


class IntegerConverter(TextConverter):
    msgs = {"bad": N_("Enter a whole number")}
    python_type = int


class FloatConverter(TextConverter):
    msgs = {"bad": N_("Enter a number")}
    python_type = float


class DecimalConverter(TextConverter):
    msgs = {"bad": N_("Enter a number")}

    def parse(self, text):
        value = decimal.Decimal(text)
        if not value.is_finite():
            raise ValueError(text)
        return value


class DateConverter(TextConverter):
    msgs = {"bad": N_("Enter a date as YYYY-MM-DD")}
    parse = staticmethod(datetime.date.fromisoformat)

    def format(self, value):
        return value.isoformat()


def _timespec(value) -> str:
    """As short as the value allows, never shorter: seconds and microseconds are kept."""
    if value.microsecond:
        return "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    return "seconds" if value.second else "minutes"


class DateTimeConverter(TextConverter):
    msgs = {"bad": N_("Enter a date and time as YYYY-MM-DDTHH:MM")}
    parse = staticmethod(datetime.datetime.fromisoformat)

    def format(self, value):
        return value.isoformat(timespec=_timespec(value))


class TimeConverter(TextConverter):
    msgs = {"bad": N_("Enter a time as HH:MM")}
    parse = staticmethod(datetime.time.fromisoformat)

    def format(self, value):
        return value.isoformat(timespec=_timespec(value))


class UuidConverter(TextConverter):
    msgs = {"bad": N_("Enter a UUID")}
    python_type = uuid.UUID


class StringConverter(TextConverter):
    """Text with an optional maximum length; empty text is None unless required."""

    msgs = {"toolong": N_("Enter at most $max_length characters")}
    max_length = None

    def _validate_python(self, value, state=None):
        if self.max_length and len(value) > self.max_length:
            raise twc.ValidationError("toolong", self)


class BooleanConverter(twc.Validator):
    """A checkbox: present and not 'false'/'0'/'off' means True."""

    def to_python(self, value, state=None):
        return str(value).strip().lower() not in ("", "0", "false", "off", "no", "none")

    def from_python(self, value, state=None):
        return value


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


class JsonConverter(TextConverter):
    """JSON text in the form, the decoded value in Python (a stored object edits as JSON, not
    as Python's repr, so saving a form unchanged keeps it an object)."""

    msgs = {"bad": N_("Enter valid JSON")}

    def parse(self, text):
        return json.loads(text) if isinstance(text, str) else text

    def format(self, value) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)


CONVERTERS = {
    "integer": IntegerConverter, "float": FloatConverter, "decimal": DecimalConverter,
    "date": DateConverter, "datetime": DateTimeConverter, "time": TimeConverter,
    "uuid": UuidConverter, "string": StringConverter, "text": StringConverter,
    "json": JsonConverter,
}
