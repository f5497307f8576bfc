"""A row's key <-> the one path segment that names it: the id format of every backend.

A one-column key is its value's text (`3`); a composite key joins its percent-escaped
parts with ',' (`3,a%2Cb`). Each backend types the parts by its own columns or fields.
"""

from urllib.parse import quote, unquote

SEPARATOR = ","
INT64 = 2**63 - 1  # the widest integer key any database stores


def encode_key(values) -> str:
    """`(3,)` -> '3'; composite keys join their percent-escaped parts with ','."""
    if len(values) == 1:
        return str(values[0])
    return SEPARATOR.join(quote(str(v), safe="") for v in values)


def split_key(ident: str, count: int) -> list[str] | None:
    """The `count` parts of `ident`'s text, or None when it has another number of parts."""
    parts = [ident] if count == 1 else [unquote(p) for p in ident.split(SEPARATOR)]
    return parts if len(parts) == count else None


def integer_part(text: str) -> int:
    """An integer key part; ValueError for anything but plain digits within 64 bits."""
    if not text.isascii() or not text.lstrip("-").isdigit() or abs(int(text)) > INT64:
        raise ValueError(text)
    return int(text)
