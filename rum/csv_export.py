"""CSV exports: streamed as the rows come, so a million rows cost no more memory than ten."""

import csv
import datetime
import decimal
import io
import itertools
import json
from collections.abc import Iterable, Iterator

import webob

from .contracts import Record, Ref
from .durations import timedelta_text
from .fields import Field

CHUNK = 1000  # rows per chunk sent
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas
FIRST_DANGEROUS = frozenset(DANGEROUS)
WRITTEN_AS_IS = frozenset({int, float})  # csv writes str(v), as cell() does


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

    When `records` offers `value_rows(fields)` (tuples of the fields' values, relations by
    name), the lines are written from those, `CHUNK` rows at a time. `records` is closed
    (if it can be) when the document ends or the client goes away.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(f.label) for f in fields])
    value_rows = getattr(records, "value_rows", None)
    if value_rows is not None:
        values: Iterable[tuple] = value_rows(fields)
    else:
        names = [f.name for f in fields]
        values = (tuple(r.values.get(name) for name in names) for r in records)
    try:
        chunk = list(itertools.islice(values, CHUNK))
        while chunk:
            # csv writes numbers and None ("") as cell() would; only the rest goes through it
            writer.writerows([[v if v is None or type(v) in WRITTEN_AS_IS or
                               (type(v) is str and v[:1] not in FIRST_DANGEROUS) else cell(v)
                               for v in row] for row in chunk])
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            chunk = list(itertools.islice(values, CHUNK))
        yield buffer.getvalue().encode("utf-8")
    finally:
        close = getattr(records, "close", None)
        if close is not None:
            close()


def csv_response(records: Iterable[Record], fields: tuple[Field, ...],
                 filename: str) -> webob.Response:
    response = webob.Response(app_iter=rows(records, fields), content_type="text/csv",
                              charset="utf-8")
    response.content_disposition = f'attachment; filename="{filename}.csv"'
    return response
