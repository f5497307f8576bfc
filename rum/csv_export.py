"""CSV exports: streamed as the rows come, so a million rows cost no more memory than ten."""

import csv
import datetime
import decimal
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator

import webob

from .contracts import Record, Ref
from .durations import timedelta_text
from .fields import Field

CHUNK = 1000  # rows per chunk sent
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas
WRITTEN_AS_IS = frozenset({int, float, type(None)})  # csv writes them as cell() does
TEXT = frozenset({str, type(None)})
SEPARATOR = "\x00"  # joins a column's texts: a formula starts at the start or after it
AFTER_SEPARATOR = re.compile(SEPARATOR + "[" + re.escape("".join(DANGEROUS)) + "]")


def cell(value) -> str:
    """One value as CSV text: relations by name, dates in ISO 8601, formulas defused."""
    kind = type(value)
    if kind is int or kind is float:  # the most common cells first: numbers need no defusing
        return str(value)
    if kind is str:
        return "'" + value if value.startswith(DANGEROUS) and not _is_number(value) else value
    if value is None:
        return ""
    if isinstance(value, Ref):
        text = value.label
    elif isinstance(value, list | tuple):
        text = "; ".join(cell(v) for v in value)
    elif isinstance(value, set | frozenset):
        text = "; ".join(sorted(cell(v) for v in value))
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, datetime.timedelta):
        text = timedelta_text(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime.date | datetime.time):
        text = value.isoformat()
    elif isinstance(value, decimal.Decimal):
        text = format(value, "f")
    elif isinstance(value, bytes):
        text = f"({len(value)} bytes)"
    else:
        text = str(value)
    if text.startswith(DANGEROUS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def rows(records: Iterable[Record], fields: tuple[Field, ...]) -> Iterator[bytes]:
    """The CSV document in chunks: a header of labels, then one line per record.

    When `records` offers `value_chunks(fields)` (lists of tuples of the fields' values,
    relations by name), each list is one chunk; else the records' values are written
    `CHUNK` rows at a time. `records` is closed (if it can be) when the document ends or
    the client goes away.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(f.label) for f in fields])
    value_chunks = getattr(records, "value_chunks", None)
    if value_chunks is not None:
        chunks: Iterable[list[tuple]] = value_chunks(fields)
    else:
        names = [f.name for f in fields]
        values = (tuple(r.values.get(name) for name in names) for r in records)
        chunks = iter(lambda: list(itertools.islice(values, CHUNK)), [])
    try:
        for chunk in chunks:
            writer.writerows(_as_written(chunk))
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue().encode("utf-8")
    finally:
        close = getattr(records, "close", None)
        if close is not None:
            close()


def _as_written(chunk: list[tuple]) -> Iterable[Iterable]:
    """`chunk`'s rows with every cell as `cell()` writes it. Column by column: a column of
    numbers, or of text no formula starts, goes to csv as it is, with no Python per cell."""
    if not chunk:
        return chunk
    columns: list[Iterable] = list(zip(*chunk, strict=True))
    changed = False
    for at, column in enumerate(columns):
        kinds = set(map(type, column))
        if kinds <= WRITTEN_AS_IS:
            continue
        if kinds <= TEXT and not _may_start_formula(column):
            continue
        columns[at] = list(map(cell, column))
        changed = True
    return zip(*columns, strict=True) if changed else chunk


def _may_start_formula(texts) -> bool:
    """Whether a text of `texts` (None for some) may start as a formula does: one search of
    them all joined (a separator inside a text at worst sends the column through `cell()`)."""
    return AFTER_SEPARATOR.search(SEPARATOR + SEPARATOR.join(filter(None, texts))) is not None


def csv_response(records: Iterable[Record], fields: tuple[Field, ...],
                 filename: str) -> webob.Response:
    response = webob.Response(app_iter=rows(records, fields), content_type="text/csv",
                              charset="utf-8")
    response.content_disposition = f'attachment; filename="{filename}.csv"'
    return response
