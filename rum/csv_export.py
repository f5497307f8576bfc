"""CSV exports: streamed as the rows come, so a million rows cost no more memory than ten."""

import csv
import datetime
import decimal
import io
import json
from collections.abc import Iterable, Iterator

import webob

from .contracts import Record, Ref
from .durations import timedelta_text
from .fields import Field

FLUSH_EVERY = 200  # rows per chunk sent
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas


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

    `records` is closed (if it can be) when the document ends or the client goes away.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(f.label) for f in fields])
    names = [f.name for f in fields]
    try:
        for n, record in enumerate(records, 1):
            values = record.values
            writer.writerow([cell(values.get(name)) for name in names])
            if n % FLUSH_EVERY == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
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
