"""rum.localized: one locale's ways of writing dates and numbers."""

import datetime as dt
import decimal

import pytest

from rum.localized import Formats, babel_locale

CASES = [  # locale, method, value, written
    ("en", "count", 1000, "1,000"),
    ("de", "count", 1000, "1.000"),
    ("es", "count", 12345, "12.345"),
    ("en", "count", 7, "7"),
    ("en", "integer", 2024, "2024"),  # a year-like number stays whole
    ("de", "integer", 123456, "123.456"),
    ("de", "decimal", decimal.Decimal("12345.50"), "12.345,50"),
    ("en", "date", dt.date(2024, 1, 26), "Jan 26, 2024"),
    ("de", "date", dt.date(2024, 1, 26), "26.01.2024"),
    ("de", "datetime", dt.datetime(2024, 1, 26, 5, 0), "26.01.2024, 05:00:00"),
]


@pytest.mark.parametrize("locale, method, value, written", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_values_are_written_the_locale_s_way(locale, method, value, written):
    assert getattr(Formats(babel_locale(locale)), method)(value) == written


def test_an_unknown_locale_writes_english():
    assert Formats(babel_locale("xx-nope")).count(1000) == "1,000"


EXTREMES = [10**30, -2**100, 1e308, -1.7976931348623157e308, 5e-324, -1e-300, 1e16, 1e-7,
            decimal.Decimal("1E+400"), decimal.Decimal("-1E-400"), decimal.Decimal("1E+20")]


@pytest.mark.parametrize("locale", ["en", "de", "es"])
@pytest.mark.parametrize("value", EXTREMES, ids=[str(v) for v in EXTREMES])
def test_extreme_numbers_are_written_as_python_writes_them(locale, value):
    formats = Formats(babel_locale(locale))
    if isinstance(value, int):
        assert formats.integer(value) == formats.count(value) == str(value)
        return
    method = formats.decimal if isinstance(value, decimal.Decimal) else formats.float
    assert method(value) == str(value)


@pytest.mark.parametrize("value, en, de", [(0.0, "0", "0"), (1e-6, "0.000001", "0,000001"),
                                           (123456.25, "123,456.25", "123.456,25")])
def test_ordinary_floats_keep_the_locale_s_separators(value, en, de):
    assert Formats(babel_locale("en")).float(value) == en
    assert Formats(babel_locale("de")).float(value) == de
