"""Reflection mode: serve every table of an existing database with no model code."""

import logging

import sqlalchemy as sa
from sqlalchemy.ext.automap import automap_base

from rum.errors import ConfigError

from .coltypes import adapt_reflected_column

log = logging.getLogger(__name__)


def reflect_models(engine, section: str, only: list[str] | None = None) -> list:
    """Mapped classes for the database's tables (relationships from foreign keys).

    Tables without a primary key cannot be edited row by row and are left out (logged);
    pure link tables become many-to-many relationships instead of resources.
    """
    key = f"{section}.sqlalchemy.url"
    base = automap_base()
    sa.event.listen(base.metadata, "column_reflect", adapt_reflected_column)
    try:
        base.prepare(autoload_with=engine)
    except Exception as exc:  # the database refused or does not exist: a set-up mistake
        raise ConfigError(key, f"cannot reflect the database: {exc}") from exc
    classes = {cls.__table__.name: cls for cls in base.classes}
    skipped = sorted(set(base.metadata.tables) - set(classes))
    if skipped:
        log.info("reflection: not served (no primary key, or a link table): %s",
                 ", ".join(skipped))
    if only:
        missing = [name for name in only if name not in classes]
        if missing:
            raise ConfigError(f"{section}.tables",
                              f"no such table(s) {missing}; found {sorted(classes)}")
        return [classes[name] for name in only]
    if not classes:
        raise ConfigError(key, "the database has no tables with a primary key to serve")
    return [classes[name] for name in sorted(classes)]
