"""History in the app's own database: one table, written in the request's transaction.

`[rum.history]` names it (`table`, default `rum_history`; `schema`); it is created at
start-up when missing. Its `id` orders the entries (keyset pages: `id < before`, newest
first), indexed with `(resource, row_id, id)` for a row's history and `(identity, id)`
for one person's. `changes` is JSON text (TEXT on MariaDB). Times are stored as UTC
without a zone (MariaDB and SQLite keep none) and read back as UTC.
"""

import datetime
import json
import logging
from typing import Any

import sqlalchemy as sa

from rum.contracts import Change, Entry, HistoryQuery
from rum.errors import ConfigError

from .connecting import is_unavailable

log = logging.getLogger(__name__)
SECTION = "rum.history"
LABEL_LENGTH = 500  # a longer row label is cut: the entry names the row, it is not a copy


def history_table(name: str, schema: str | None = None, dialect: str = "") -> sa.Table:
    """The table's definition, in a MetaData of its own (never the host's models'), for the
    database `dialect` names (its engine's `dialect.name`)."""
    key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite: the rowid alias
    at, text = sa.DateTime(), sa.Text()
    if dialect in ("mysql", "mariadb"):  # imported only there: it costs others start-up time
        from sqlalchemy.dialects import mysql
        at = at.with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
        text = text.with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
    table = sa.Table(
        name, sa.MetaData(),
        sa.Column("id", key, primary_key=True, autoincrement=True),
        sa.Column("at", at, nullable=False),
        sa.Column("resource", sa.String(100), nullable=False),
        sa.Column("row_id", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("identity", sa.String(200), nullable=False, default=""),
        sa.Column("label", sa.String(LABEL_LENGTH), nullable=False, default=""),
        sa.Column("changes", text, nullable=False),
        schema=schema)
    sa.Index(f"ix_{name}_row", table.c.resource, table.c.row_id, table.c.id)
    sa.Index(f"ix_{name}_identity", table.c.identity, table.c.id)
    return table


def create_table(engine: sa.Engine, table: sa.Table) -> None:
    """Create the table and its indexes unless they exist; a failure names the option
    (a database that does not answer raises as it is: the caller retries later)."""
    try:
        table.create(engine, checkfirst=True)
    except sa.exc.SQLAlchemyError as exc:
        if is_unavailable(exc):
            raise
        cause = getattr(exc, "orig", None) or exc
        raise ConfigError(f"{SECTION}.table", f"cannot create the history table "
                          f"{table.fullname!r}: {cause}") from exc


def _naive_utc(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


def _changes_json(changes: tuple[Change, ...]) -> str:
    return json.dumps([{"field": c.field, "old": c.old, "new": c.new, "hidden": c.hidden}
                       for c in changes], ensure_ascii=False, default=str)


def _changes(text: str) -> tuple[Change, ...]:
    return tuple(Change(c["field"], c.get("old"), c.get("new"), bool(c.get("hidden")))
                 for c in json.loads(text or "[]"))


class SQLAlchemyHistory:
    """`HistoryStore` of one unit of work: its statements run on the unit's session."""

    def __init__(self, session: Any, table: sa.Table):
        self.session = session
        self.table = table

    def add(self, entry: Entry) -> None:
        self.session.execute(self.table.insert().values(
            at=_naive_utc(entry.at), resource=entry.resource, row_id=entry.row_id,
            action=entry.action, identity=entry.identity,
            label=(entry.label or "")[:LABEL_LENGTH], changes=_changes_json(entry.changes)))

    def entries(self, query: HistoryQuery) -> list[Entry]:
        t = self.table
        where: list[sa.ColumnElement[bool]] = []
        if query.resources:
            where.append(t.c.resource.in_(query.resources))
        if query.row_id:
            where.append(t.c.row_id == query.row_id)
        if query.identity:
            where.append(t.c.identity == query.identity)
        if query.since is not None:
            where.append(t.c.at >= _naive_utc(query.since))
        if query.until is not None:
            where.append(t.c.at < _naive_utc(query.until))
        if query.before:
            if not query.before.isdigit():
                return []  # no entry has an id that is not a number
            where.append(t.c.id < int(query.before))
        stmt = sa.select(t).where(*where).order_by(t.c.id.desc()).limit(max(query.limit, 0))
        return [_entry(row) for row in self.session.execute(stmt)]

    def get(self, entry_id: str) -> Entry | None:
        if not str(entry_id).isdigit():
            return None
        row = self.session.execute(sa.select(self.table).where(
            self.table.c.id == int(entry_id))).first()
        return _entry(row) if row is not None else None


def _entry(row: Any) -> Entry:
    return Entry(resource=row.resource, row_id=row.row_id, action=row.action,
                 at=row.at.replace(tzinfo=datetime.UTC), identity=row.identity or "",
                 label=row.label or "", changes=_changes(row.changes), id=str(row.id))
