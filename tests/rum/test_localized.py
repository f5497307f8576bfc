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
