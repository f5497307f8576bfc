"""Every kind's text parses back to the identical value; bad text is refused."""

import datetime
import decimal
import uuid

import pytest

from rum.fields import Field
from rum.values import Given, display, from_json, parse, to_text

UTC = datetime.UTC
PLUS_0530 = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
SET_CHOICES = (("remote", "remote"), ("part_time", "part_time"), ("equity", "equity"))


def field(kind: str, **options) -> Field:
    choices = SET_CHOICES if kind == "set" else ()
    return Field(name="x", kind=kind, choices=choices, options=options)


ROUND_TRIPS = [
    ("string", " padded "), ("string", ""), ("text", "a\nb\r\nc"),
    ("integer", -9007199254740993), ("float", 0.1), ("float", 1e-300), ("float", -0.0),
    ("float", 0.30000000000000004), ("decimal", decimal.Decimal("12.3400")),
    ("decimal", decimal.Decimal("-0.0001")), ("boolean", True), ("boolean", False),
    ("date", datetime.date(2024, 2, 29)),
    ("datetime", datetime.datetime(2024, 1, 1, 10, 0, 0, 123456)),
    ("datetime", datetime.datetime(2024, 1, 1, 10, 0, 5)),
    ("datetime_tz", datetime.datetime(2024, 1, 1, 10, 0, 0, 654321, tzinfo=PLUS_0530)),
    ("datetime_tz", datetime.datetime(2024, 6, 30, 23, 59, tzinfo=UTC)),
    ("time", datetime.time(23, 59, 59, 999999)), ("time", datetime.time(10, 0, tzinfo=UTC)),
    ("duration", datetime.timedelta(hours=-1)), ("duration", datetime.timedelta(minutes=-30)),
    ("duration", datetime.timedelta(hours=838, minutes=59, seconds=59)),
    ("duration", datetime.timedelta(microseconds=-500000)),
    ("uuid", uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
    ("json", {"n": 1, "nested": {"a": [1, 2.5, {"b": None}]}}), ("json", "just a string"),
    ("json", []), ("json", 1.5), ("json", False),
    ("set", {"remote", "part_time"}), ("set", set()),
    ("inet", "192.168.0.1/24"), ("inet", "::1"), ("money", "$1,234.56"), ("money", "-$0.99"),
]


@pytest.mark.parametrize("kind,value", ROUND_TRIPS)
def test_text_parses_back_to_the_identical_value(kind, value):
    f = field(kind)
    back = parse(f, to_text(f, value))
    assert back == value and type(back) is type(value)
    if isinstance(value, datetime.datetime | datetime.time):
        assert back.utcoffset() == value.utcoffset()


ARRAYS = [
    ("string", ["founder", "exec"]), ("string", []), ("string", ["a,b", None, "", 'say "hi"']),
    ("integer", [1, 2, 3]), ("decimal", [decimal.Decimal("1.50")]),
    ("date", [datetime.date(2024, 1, 1), None]), ("integer", [[1, 2], [3, 4]]),
    ("boolean", [True, False]), ("float", [0.1, 2.0]),
]


@pytest.mark.parametrize("item,value", ARRAYS)
def test_arrays_round_trip_as_json_lists(item, value):
    f = field("array", item=item)
    assert parse(f, to_text(f, value)) == value
    from rum.values import array_json
    assert from_json(f, array_json(f, value)) == value  # what the JSON API gives and takes


@pytest.mark.parametrize("item,text,value", [
    ("string", "alpha\nbeta\n", ["alpha", "beta"]),
    ("string", "alpha, beta", ["alpha, beta"]),
    ("integer", "7\r\n8", [7, 8]),
    ("integer", "[1, \"2\"]", [1, 2]),
])
def test_arrays_take_one_element_per_line(item, text, value):
    assert parse(field("array", item=item), text) == value


INTERVALS = [
    ("1 year 2 mons 3 days 04:05:06.5", "14 mons 3 days 04:05:06.500000"),
    ("3 mons", "3 mons 0 days 00:00:00"), ("-01:00:00", "0 mons 0 days -01:00:00"),
    ("P1Y2M3DT4H5M6.5S", "14 mons 3 days 04:05:06.500000"),
    ("-P1M", "-1 mons 0 days 00:00:00"), ("PT36H", "0 mons 0 days 36:00:00"),
    ("1 year -2 mons +3 days -04:00:00", "10 mons 3 days -04:00:00"),
    ("2 hours 30 minutes", "0 mons 0 days 02:30:00"), ("1 day, 2:00:00", "0 mons 1 days 02:00:00"),
    ("1 week", "0 mons 7 days 00:00:00"), ("@ 3 days ago", "0 mons -3 days 00:00:00"),
]


@pytest.mark.parametrize("text,stored", INTERVALS)
def test_intervals_keep_months(text, stored):
    assert parse(field("interval"), text) == stored


BAD = [
    ("integer", "1.5"), ("float", "x"), ("float", "nan"), ("float", "-inf"), ("decimal", "NaN"),
    ("boolean", "maybe"),
    ("date", "2024-13-01"), ("datetime", "2024-01-01T10:00+02:00"), ("datetime_tz", "soon"),
    ("time", "25:00"), ("duration", "1 mon"), ("duration", "10:61"), ("interval", "soon"),
    ("interval", "1.5 days"), ("interval", "P"), ("uuid", "x"), ("json", "{bad"),
    ("json", "{'n': 1}"), ("set", "remote,ceo"), ("inet", "999.1.1.1"), ("money", "a lot"),
    ("unknown", "anything"),
]


@pytest.mark.parametrize("kind,text", BAD)
def test_bad_text_is_refused(kind, text):
    with pytest.raises(ValueError):
        parse(field(kind), text)


def test_networks_are_checked_as_networks():
    assert parse(field("inet", cidr=True), "10.0.0.0/8") == "10.0.0.0/8"
    with pytest.raises(ValueError):
        parse(field("inet", cidr=True), "10.0.0.1/8")


@pytest.mark.parametrize("kind,value,shown", [
    ("float", decimal.Decimal("1.5000000000"), "1.5"), ("float", 0.1, "0.1"),
    ("duration", datetime.timedelta(hours=-1), "-01:00:00"),
    ("array", ["founder", "exec"], "founder, exec"),
    ("json", {"n": 1, "m": [1]}, '{"n": 1, "m": [1]}'),
    ("set", {"part_time", "remote"}, "remote, part_time"),
    ("datetime", datetime.datetime(2024, 1, 1, 10, 0), "2024-01-01 10:00"),
])
def test_display_is_readable(kind, value, shown):
    assert display(field(kind), value) == shown


def test_json_values_are_taken_as_they_are():
    assert from_json(field("json"), "{not json text}") == "{not json text}"
    assert from_json(field("set"), ["equity"]) == {"equity"}
    assert repr(Given([1])) == "Given([1])"
    with pytest.raises(ValueError):
        from_json(field("array", item="integer"), {"a": 1})
