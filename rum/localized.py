"""Dates, times and numbers as a locale writes them (Babel), for pages people read.

A `Formats` is built once per locale (`Translations.formats`) with its patterns parsed up
front, so a grid formats each cell without parsing anything. Only HTML uses it: JSON, CSV
and form inputs keep ISO text and plain numbers (`rum.values.to_text`).
"""

import copy
import datetime as dt
import decimal

from babel import Locale, UnknownLocaleError
from babel.dates import parse_pattern

WIDTH = "medium"  # Jan 26, 2024, 5:00:00 AM / 26.01.2024, 05:00:00
ZONE = " xxx"  # an aware value keeps its offset in sight: +02:00
MAX_SCALE = 12  # decimals with more places are shown as they are
# Digits are grouped from five on (12,345), as CLDR's minimum grouping does for Spanish:
# a year or a count of four digits reads as written (2024, not 2,024).
GROUPED_FROM = 10_000
# Beyond these magnitudes Babel's fixed notation fails or runs to hundreds of digits: such a
# number is shown as Python writes it (1e+308), which any reader understands.
PLAIN_ABOVE = 1e15
PLAIN_BELOW = 1e-6


def babel_locale(tag: str) -> Locale:
    """The Babel locale for a catalog's directory name ('pt_BR', 'de'); English if unknown."""
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


class Formats:
    """One locale's ways of writing values; every pattern parsed once, here."""

    def __init__(self, locale: Locale):
        self.locale = locale
        date, time = locale.date_formats[WIDTH].pattern, locale.time_formats[WIDTH].pattern
        both = str(locale.datetime_formats[WIDTH])
        self._date = parse_pattern(date)
        self._time = parse_pattern(time)
        self._datetime = parse_pattern(both.replace("{1}", date).replace("{0}", time))
        self._datetime_tz = parse_pattern(both.replace("{1}", date).replace("{0}", time + ZONE))
        self._time_tz = parse_pattern(time + ZONE)
        number = locale.decimal_formats[None]
        self._number = number
        self._scaled = tuple(_with_places(number, places) for places in range(MAX_SCALE + 1))

    def date(self, value: dt.date) -> str:
        return self._date.apply(value, self.locale)

    def datetime(self, value: dt.datetime) -> str:
        pattern = self._datetime if value.tzinfo is None else self._datetime_tz
        return pattern.apply(value, self.locale)

    def time(self, value: dt.time) -> str:
        pattern = self._time if value.tzinfo is None else self._time_tz
        return pattern.apply(value, self.locale)

    def integer(self, value: int) -> str:
        if -GROUPED_FROM < value < GROUPED_FROM or _extreme(value):
            return str(value)
        return self._number.apply(value, self.locale)

    def count(self, value: int) -> str:
        """A count inside a sentence: always grouped ('1,000 movies', '1.000 Filme')."""
        return str(value) if _extreme(value) else self._number.apply(value, self.locale)

    def float(self, value: float) -> str:
        """Every digit of the float's shortest repr, with the locale's separators."""
        if _extreme(value):
            return str(value)
        return self._number.apply(value, self.locale, decimal_quantization=False,
                                  group_separator=abs(value) >= GROUPED_FROM)

    def decimal(self, value: decimal.Decimal) -> str:
        """As many places as the value has (12.50 stays 12,50 in German, not 12,5)."""
        if not value.is_finite() or _extreme(value):
            return str(value)
        places = -value.as_tuple().exponent  # type: ignore[operator]  # finite: an int
        grouped = abs(value) >= GROUPED_FROM
        if 0 <= places <= MAX_SCALE:
            return self._scaled[places].apply(value, self.locale, group_separator=grouped)
        return self._number.apply(value, self.locale, decimal_quantization=False,
                                  group_separator=grouped)


def _extreme(value) -> bool:
    """Whether a number is too large or too small (but not zero) for fixed notation."""
    return bool(value) and not PLAIN_BELOW <= abs(value) < PLAIN_ABOVE


def _with_places(pattern, places: int):
    fixed = copy.copy(pattern)
    fixed.frac_prec = (places, places)
    return fixed
