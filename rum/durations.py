"""Durations as text: PostgreSQL intervals (months kept apart) and signed times of day.

Accepted input, for both: ISO 8601 durations (`P1Y2M3DT4H5M6.5S`, `-PT1H`), PostgreSQL's
output (`1 year 2 mons -3 days +04:05:06.5`), units spelled out (`2 hours 30 minutes`),
`[-]H:MM[:SS[.ffffff]]` with any number of hours, and Python's `1 day, 2:00:00`.
"""

import datetime
import re
from dataclasses import dataclass

ISO = re.compile(r"^(?P<sign>[-+])?P(?!$)(?:(?P<Y>[-+]?\d+(?:\.\d+)?)Y)?(?:(?P<M>[-+]?\d+(?:\.\d+)?)M)?"
                 r"(?:(?P<W>[-+]?\d+(?:\.\d+)?)W)?(?:(?P<D>[-+]?\d+(?:\.\d+)?)D)?"
                 r"(?:T(?=[-+]?\d)(?:(?P<h>[-+]?\d+(?:\.\d+)?)H)?(?:(?P<m>[-+]?\d+(?:\.\d+)?)M)?"
                 r"(?:(?P<s>[-+]?\d+(?:\.\d+)?)S)?)?$", re.IGNORECASE)
CLOCK = re.compile(r"^(?P<sign>[-+])?(?P<h>\d+):(?P<m>\d{1,2})(?::(?P<s>\d{1,2})(?:\.(?P<f>\d{1,6}))?)?$")
UNIT = re.compile(r"([-+]?\d+(?:\.\d+)?)\s*([a-z]+)")
UNITS = {"year": ("months", 12), "yr": ("months", 12), "mon": ("months", 1),
         "month": ("months", 1), "week": ("days", 7), "day": ("days", 1),
         "hour": ("micros", 3_600_000_000), "hr": ("micros", 3_600_000_000),
         "minute": ("micros", 60_000_000), "min": ("micros", 60_000_000),
         "second": ("micros", 1_000_000), "sec": ("micros", 1_000_000)}
MICROS_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class Span:
    """A duration as PostgreSQL keeps it: months, days and microseconds, each signed."""

    months: int = 0
    days: int = 0
    micros: int = 0

    def __add__(self, other: "Span") -> "Span":
        return Span(self.months + other.months, self.days + other.days,
                    self.micros + other.micros)

    def as_timedelta(self) -> datetime.timedelta:
        if self.months:
            raise ValueError("months and years have no fixed length here")
        return datetime.timedelta(days=self.days, microseconds=self.micros)

    def postgres_text(self) -> str:
        """Input PostgreSQL reads back as exactly this span, whatever its IntervalStyle."""
        return f"{self.months} mons {self.days} days {clock_text(self.micros)}"


def _unit_span(amount: str, unit: str) -> Span:
    unit = unit.lower().rstrip("s") or "s"
    unit = {"m": "minute", "h": "hour", "d": "day", "y": "year", "w": "week", "s": "second"}.get(unit, unit)
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    part, factor = UNITS[unit]
    if part == "micros":
        return Span(micros=round(float(amount) * factor) if "." in amount
                    else int(amount) * factor)
    if "." in amount:
        raise ValueError("fractions of days and months are ambiguous")
    return Span(**{part: int(amount) * factor})


def _clock_span(found) -> Span:
    micros = (int(found["h"]) * 3600 + int(found["m"]) * 60 + int(found["s"] or 0)) * 1_000_000
    micros += int((found["f"] or "").ljust(6, "0"))
    if int(found["m"]) > 59 or int(found["s"] or 0) > 59:
        raise ValueError("minutes and seconds go up to 59")
    return Span(micros=-micros if found["sign"] == "-" else micros)


def _iso_span(found) -> Span:
    span = Span()
    for group, unit in (("Y", "year"), ("M", "month"), ("W", "week"), ("D", "day"),
                        ("h", "hour"), ("m", "minute"), ("s", "second")):
        if found[group] is not None:
            span += _unit_span(found[group], unit)
    if found["sign"] == "-":
        span = Span(-span.months, -span.days, -span.micros)
    return span


def parse_span(text: str) -> Span:
    """A Span from any of the accepted spellings; ValueError otherwise."""
    text = text.strip()
    if not text:
        raise ValueError("empty duration")
    found = ISO.match(text)
    if found:
        return _iso_span(found)
    ago = text.endswith(" ago")
    words = text.removesuffix(" ago").removeprefix("@").replace(",", " ").lower().split()
    span = Span()
    i = 0
    while i < len(words):
        clock = CLOCK.match(words[i])
        if clock:
            span += _clock_span(clock)
            i += 1
            continue
        if i + 1 < len(words) and UNIT.fullmatch(words[i] + words[i + 1]):
            span += _unit_span(words[i], words[i + 1])
            i += 2
            continue
        joined = UNIT.fullmatch(words[i])
        if not joined:
            raise ValueError(f"cannot read {words[i]!r} in a duration")
        span += _unit_span(joined[1], joined[2])
        i += 1
    return Span(-span.months, -span.days, -span.micros) if ago else span


def clock_text(micros: int) -> str:
    """[-]HH:MM:SS[.ffffff], hours unbounded: MariaDB's TIME and PostgreSQL's time part."""
    sign = "-" if micros < 0 else ""
    seconds, fraction = divmod(abs(micros), 1_000_000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    text = f"{sign}{hours:02d}:{minute:02d}:{second:02d}"
    return f"{text}.{fraction:06d}" if fraction else text


def timedelta_text(value: datetime.timedelta) -> str:
    """A timedelta as [-]H:MM:SS[.ffffff] (days folded into hours), as MariaDB shows a TIME."""
    return clock_text(value.days * MICROS_PER_DAY + value.seconds * 1_000_000
                      + value.microseconds)


def parse_timedelta(text: str) -> datetime.timedelta:
    return parse_span(text).as_timedelta()
