"""Counting without COUNT(*) over a big table: exact up to a limit, then "at least" or an estimate."""

import sqlalchemy as sa


def count_statement(filtered, limit: int):
    """How many rows `filtered` selects, up to `limit` + 1: the inner LIMIT stops the scan
    there, whatever the table's size."""
    inner = (filtered.order_by(None)
             .with_only_columns(sa.literal(1), maintain_column_froms=True)
             .limit(limit + 1).subquery())
    return sa.select(sa.func.count()).select_from(inner)


def capped_count(session, filtered, limit: int, known: dict | None = None,
                 key=None, counted=None) -> tuple[int, bool]:
    """(count, exact): exact when at most `limit` rows match, else (limit, False).

    `counted`: `count_statement(filtered, limit)`, when the caller keeps it built.
    With `known` (a dict kept per app) and a `key` naming a statement without parameters
    (a whole table's count), its SQL is compiled once and run as it is: SQLAlchemy's
    statement building and cache lookup cost more than SQLite's count itself.
    """
    sql = known.get(key) if known is not None and key is not None else None
    if sql is None:
        stmt = counted if counted is not None else count_statement(filtered, limit)
        if known is not None and key is not None:
            sql = known[key] = _as_text(stmt, session.get_bind().dialect)
    n = session.connection().exec_driver_sql(sql).scalar() if sql else session.scalar(stmt)
    return (n, True) if n <= limit else (limit, False)


def _as_text(stmt, dialect) -> str:
    """The statement's SQL with its values written in; '' when it cannot be run as it is
    (a value with no literal form, or a '%' a driver would read as a placeholder)."""
    try:
        sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    except (sa.exc.CompileError, NotImplementedError):
        return ""
    return "" if "%" in sql else sql


def estimated_rows(session, table: sa.Table) -> int | None:
    """The database's own row estimate for a whole table, where it keeps one cheaply."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # quoted: mixed-case and reserved names ("Order", "user") are names too
        name = ".".join('"' + part.replace('"', '""') + '"'
                        for part in (table.schema, table.name) if part)
        value = session.scalar(sa.text(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:name)"),
            {"name": name})
        return int(value) if value and value > 0 else None
    if dialect in ("mysql", "mariadb"):
        value = session.scalar(sa.text(
            "SELECT table_rows FROM information_schema.tables "
            "WHERE table_schema = COALESCE(:schema, DATABASE()) AND table_name = :name"),
            {"name": table.name, "schema": table.schema})
        return int(value) if value and value > 0 else None
    return None
