"""Inputs that hold a stored value exactly, and the companion fields that make them do so.

What a browser does to an input's value, and what undoes it:
- `datetime-local` and `time` inputs keep milliseconds at most: the full value rides in a
  hidden `<name>.us` and comes back when the browser sent the shown value (to the ms).
- `datetime-local` has no offset: an aware value is split into the local time and a
  `<name>.offset` text input (`+02:00`, `Z`, or a zone name such as `Europe/Paris`).
- a text input drops line breaks and a textarea sends them as CRLF: text with line breaks
  is edited in a textarea, and `<name>.eol` = `lf` turns CRLF back into LF.
- an empty input cannot say "no value" (NULL) apart from "empty text": a nullable field
  has a `<name>.null` box, checked for NULL.
- a multi-select with nothing chosen sends nothing: `<name>.set` says the select was there.
- a relation's name that several rows share is offered as a choice: the chosen id comes in
  `<name>.pick` and takes the place of the name, sent again in `<name>.named`.
"""

import datetime
import re
import zoneinfo
from typing import Any

import tw2.core as twc
import tw2.forms as twf

from rum.i18n import N_

OFFSET = re.compile(r"^(?:[Zz]|[-+]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d{1,6})?)?)?)$")
ZONED_TAIL = re.compile(r"(?:[Zz]|[-+]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d{1,6})?)?)?)$")
SECONDS_TAIL = re.compile(r"(\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$")  # seconds, not minutes
MULTILINE_KINDS = frozenset({"text", "json", "array"})
HINTS = {"array": N_("One element per line, or a JSON list"),
         "json": N_('JSON, e.g. {"key": "value"}'),
         "interval": N_("e.g. 1 year 2 mons 3 days 04:05:06, or P1Y2M3DT4H5M6S"),
         "duration": N_("[-]HH:MM:SS")}
COMPANIONS = (".offset", ".us", ".eol", ".null", ".set")
PICK = (".pick", ".named")  # a relation's: the id chosen, the name it stands for


def _root(widget):
    while getattr(widget, "parent", None) is not None:
        widget = widget.parent
    return widget


def _gettext(widget):
    return getattr(_root(widget), "rum_gettext", None) or str


class KindInput(twf.TextField):
    """A text-like input for one field kind, with the companions its kind needs."""

    template = "rum_toscawidgets.templates.kind_input"
    kind = twc.Param("the field kind", default="string")
    nullable = twc.Param("offer a 'no value' box", default=False)
    multiline = twc.Variable(default=False)
    zoned = twc.Variable(default=False)
    offset = twc.Variable(default="")
    micro = twc.Variable(default="")
    eol = twc.Variable(default="")
    is_null = twc.Variable(default=False)
    text_attrs = twc.Variable(default={})
    offset_label = twc.Variable(default="")
    offset_hint = twc.Variable(default="+00:00")
    null_label = twc.Variable(default="")
    value: Any  # tw2's: the field's value; prepare() replaces it with the text shown

    def prepare(self):
        self.is_null = self.value is None
        super().prepare()
        text = self.attrs.get("value") or ""
        if self.kind in ("datetime", "datetime_tz", "time"):
            text = self._split_time(text)
        self.multiline = self.kind in MULTILINE_KINDS or "\n" in text or "\r" in text
        self.eol = "lf" if self.multiline and "\r" not in text else ""
        self.value = text
        # Genshi's py:attrs strips values, so the value is written out by the template
        self.text_attrs = {k: v for k, v in self.attrs.items() if k not in ("value", "type")
                           and not (self.multiline and k in ("step", "inputmode"))}
        gettext = _gettext(self)
        if self.kind in HINTS:
            self.text_attrs["placeholder"] = gettext(HINTS[self.kind])
        self.null_label = gettext(N_("no value"))
        self.offset_label = gettext(N_("UTC offset or time zone"))

    def _split_time(self, text: str) -> str:
        """The local part for the browser's input; offset and microseconds beside it."""
        self.zoned = self.kind == "datetime_tz"
        if self.zoned and "T" in text:
            tail = ZONED_TAIL.search(text.partition("T")[2])
            if tail:
                self.offset = tail.group(0)
                text = text[:len(text) - len(self.offset)]
        seconds = SECONDS_TAIL.search(text)
        if seconds and seconds.group(2) and len(seconds.group(2)) > 3:
            # browsers keep milliseconds at most (and may empty a longer value)
            self.micro = text
            text = text[:seconds.start(2)] + seconds.group(2)[:3]
        return text


class SetSelect(twf.widgets.FormField):
    """A multi-select of a SET's members."""

    template = "rum_toscawidgets.templates.set_select"
    choices = twc.Param("(value, label) pairs", default=())
    nullable = twc.Param("offer a 'no value' box", default=False)
    chosen = twc.Variable(default=())
    is_null = twc.Variable(default=False)
    null_label = twc.Variable(default="")

    def prepare(self):
        self.is_null = self.value is None
        super().prepare()
        value = self.value
        self.chosen = {value} if isinstance(value, str) else set(value or ())
        self.null_label = _gettext(self)(N_("no value"))


def _as_time(text: str):
    for parser in (datetime.datetime.fromisoformat, datetime.time.fromisoformat):
        try:
            return parser(text.strip())
        except ValueError:
            continue
    return None


def _keep_micro(text: str, shown_in_full: str) -> str:
    """The stored time in full when the browser sent back what it was shown (to the
    millisecond, in whatever spelling: 10:00:00.000 comes back as 10:00)."""
    sent, full = _as_time(text), _as_time(shown_in_full)
    if sent is None or full is None or type(sent) is not type(full):
        return text
    return shown_in_full if sent == full.replace(microsecond=full.microsecond // 1000 * 1000) \
        else text


def _with_offset(text: str, offset: str) -> str:
    """`2024-01-01T10:00` and `+02:00` (or a zone name) as one ISO 8601 text."""
    offset = offset.strip()
    if not text.strip() or not offset:
        return text
    if OFFSET.match(offset):
        return text.strip() + offset
    try:
        local = datetime.datetime.fromisoformat(text.strip())
        zoned = local.replace(tzinfo=zoneinfo.ZoneInfo(offset))
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return f"{text.strip()} {offset}"  # refused by the field's parser, with the input kept
    return zoned.isoformat()


def _last(value):
    return value[-1] if isinstance(value, list) and value else value


def apply_pick(out: dict, name: str, multiple: bool) -> None:
    """The id chosen among the rows a typed name matched, in the place of that name."""
    pick, named = (_last(out.pop(name + c, None)) for c in PICK)
    if not pick or not isinstance(pick, str):
        return
    if not multiple:
        out[name] = pick
        return
    value = out.get(name)
    items = value if isinstance(value, list) else [] if value is None else [value]
    named = (named or "").strip() if isinstance(named, str) else ""
    parts = [p.strip() for item in items if isinstance(item, str) for p in item.split(",")]
    parts = [p for p in parts if p and p != named]
    out[name] = ", ".join([*parts, pick.strip()])


def combine_companions(params: dict, fields) -> dict:
    """The form's values with each field's companion inputs folded into its value."""
    out = dict(params)
    for f in fields:
        if f.is_relation:
            apply_pick(out, f.name, f.kind == "to_many")
        if not any(f.name + c in out for c in ("", *COMPANIONS)):
            out[f.name] = None  # not sent: no value (tw2 would make it empty text)
        name = f.name
        offset, micro, eol, null, chosen = (out.pop(name + c, None) for c in COMPANIONS)
        if chosen is not None and name not in out:
            out[name] = []  # a multi-select with nothing chosen
        value = out.get(name)
        if isinstance(value, list) and f.kind not in ("set", "to_many") and value:
            value = value[-1]
        if isinstance(value, str):
            if micro:
                value = _keep_micro(value, micro)
            if offset is not None:
                value = _with_offset(value, offset)
            if eol == "lf":
                value = value.replace("\r\n", "\n")
        if null and value in ("", []):
            value = None
        if name in out:
            out[name] = value
    return out
