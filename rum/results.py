"""What an action answers, before any format is chosen.

An action returns a `Result`; `rum.responding.respond` turns it into HTML, JSON or CSV
(chosen by the URL's extension or by `Accept`). Each part is only computed for the format
that needs it: `data` and `page` may be zero-argument callables, so an HTML request never
builds the JSON body and a JSON request never renders a form.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import RumError


@dataclass(frozen=True)
class Page:
    """An HTML page: a template and its data (or a callable giving the data)."""

    template: str
    data: Mapping[str, Any] | Callable[[], Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """A CSV export: records read lazily, the labelled columns and the file's name."""

    records: Callable[[], Iterable[Any]]
    fields: tuple
    name: str


@dataclass(frozen=True)
class File:
    """Bytes sent as an attachment (any format asked for: a file is its own format)."""

    body: bytes
    filename: str
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Result:
    """An action's answer.

    `data`: the JSON body (None: no body). `page`: the HTML page. `redirect`: where a
    browser goes next (303, with `message` as a flash); JSON clients get `status` and
    `data` instead. `location`: the Location header of a created row. `error`: a refusal
    that still has a page for people (a form with errors, a conflict) — programs get the
    error's JSON body with `status`.
    """

    status: int = 200
    data: Any = None
    page: Page | None = None
    table: Table | None = None
    file: File | None = None
    redirect: str = ""
    location: str = ""
    message: str = ""
    etag: str = ""
    error: RumError | None = None


def computed(value: Any) -> Any:
    """`value`, called first when it is a zero-argument callable (a lazy part)."""
    return value() if callable(value) else value
