"""Reflection mode: serve every table of an existing database with no model code.

Every table is accounted for (`Reflected.notes`, shown on the home page):

- tables with a primary key are served, read and write;
- views and tables without a primary key are served read-only; their rows are named by
  the columns `keys` gives (`keys = {'sales.v_totals': ['id']}`), else by all their
  comparable columns (so identical rows show once);
- association tables (two foreign keys and no other column) are many-to-many relations
  on both sides, not resources;
- tables of schemas not listed in `schemas`, and tables no column can name, are not served.
"""

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.automap import automap_base, generate_relationship
from sqlalchemy.orm.interfaces import MANYTOONE

from rum.contracts import TableNote
from rum.errors import ConfigError

from .coltypes import adapt_reflected_column
from .introspect import column_kind
from .naming import class_names, collection_name, scalar_name

log = logging.getLogger(__name__)
UNKEYABLE_KINDS = frozenset({"binary", "json"})  # no equality (PostgreSQL json), no order


@dataclass
class Reflected:
    """What reflection serves (`models`, some `read_only`) and why the rest is not served."""

    models: list
    read_only: set = field(default_factory=set)
    notes: list[TableNote] = field(default_factory=list)


def _schemas(inspector, section: str, schemas) -> list[str | None]:
    """The schemas to reflect; None stands for the connection's default schema."""
    if schemas is None:
        return [None]
    key = f"{section}.schemas"
    if not isinstance(schemas, list | tuple) or not schemas or \
            not all(isinstance(s, str) and s for s in schemas):
        raise ConfigError(key, "must be a list of schema names, e.g. ['public', 'sales']")
    found = inspector.get_schema_names()
    missing = [s for s in schemas if s not in found]
    if missing:
        raise ConfigError(key, f"no such schema(s) {missing}; the database has {sorted(found)}")
    default = inspector.default_schema_name
    if inspector.dialect.name in ("mysql", "mariadb"):
        # MariaDB names a key into another database with the database, the default one
        # too: reflecting every schema by name keeps one Table per table.
        return list(dict.fromkeys(schemas))
    return list(dict.fromkeys(None if s == default else s for s in schemas))


def _keys(option, tables, section: str) -> dict[str, list[str]]:
    """`keys = {'sales.v_totals': ['id']}`: the columns that name a view's rows."""
    key = f"{section}.keys"
    if option is None:
        return {}
    if not isinstance(option, dict):
        raise ConfigError(key, "must map a table or view to its key columns, "
                          "e.g. {'sales.v_totals': ['id']}")
    for name, columns in option.items():
        if name not in tables:
            raise ConfigError(f"{key}.{name}", f"no such table or view; found {sorted(tables)}")
        known = [c.name for c in tables[name].columns]
        if not isinstance(columns, list | tuple) or not columns or \
                any(c not in known for c in columns):
            raise ConfigError(f"{key}.{name}", f"list key columns among {known}")
    return {name: list(columns) for name, columns in option.items()}


def _is_association(table: sa.Table) -> bool:
    """Automap's rule for a link table: two foreign keys covering every column."""
    fks = table.foreign_key_constraints
    return len(fks) == 2 and {c for fk in fks for c in fk.columns} == set(table.columns)


def _keyable(column: sa.Column) -> bool:
    """Whether a column's values can name a row in a URL: typed, comparable, orderable."""
    return not isinstance(column.type, sa.types.NullType) and \
        column_kind(column.type) not in UNKEYABLE_KINDS


def _declare_keyless(base, table, columns, class_name: str):
    """A class for a view or a table without a primary key, keyed by `columns`."""
    return type(class_name, (base,), {"__table__": table,
                                      "__mapper_args__": {"primary_key": columns}})


def _reflect(engine, base, section: str, schemas) -> tuple[list, set, str | None]:
    """Fill `base.metadata`: (schemas reflected, keys of the views, the default schema)."""
    try:
        inspector = sa.inspect(engine)
        listed = _schemas(inspector, section, schemas)
        views = set()
        for schema in listed:
            base.metadata.reflect(engine, schema=schema, views=True)
            views |= {f"{schema}.{v}" if schema else v
                      for v in inspector.get_view_names(schema=schema)}
    except ConfigError:
        raise
    except Exception as exc:  # the database refused or does not exist: a set-up mistake
        raise ConfigError(f"{section}.sqlalchemy.url",
                          f"cannot reflect the database: {exc}") from exc
    return listed, views, inspector.default_schema_name


def _declare_read_only(base, engine, listed, key_columns, names, section, notes) -> dict:
    """Classes for views and keyless tables, keyed by table; notes for tables left out."""
    declared = {}
    for tkey, table in base.metadata.tables.items():
        if table.schema not in listed:
            notes.append(TableNote(tkey, "not served", f"schema {table.schema!r} is not "
                                   "listed in `schemas`"))
            continue
        if engine.dialect.name == "postgresql":
            for column in table.columns:
                if type(column.type) is sa.TEXT:  # PostgreSQL's everyday string type
                    column.info["rum.kind"] = "string"
        if tkey in key_columns and table.primary_key:
            raise ConfigError(f"{section}.keys.{tkey}", "is a table with a primary key; "
                              "`keys` names the rows of views and tables without one")
        if tkey in key_columns or (not table.primary_key and not _is_association(table)):
            columns = [table.c[c] for c in key_columns.get(tkey, ())] or [
                c for c in table.columns if _keyable(c)]
            if not columns:
                notes.append(TableNote(tkey, "not served", "no column can name its rows"))
                continue
            declared[tkey] = _declare_keyless(base, table, columns, names[tkey])
    return declared


def reflect_models(engine, section: str, only: list[str] | None = None, schemas=None,
                   keys=None) -> Reflected:
    """Mapped classes for the database's tables (relationships from foreign keys)."""
    base = automap_base()
    sa.event.listen(base.metadata, "column_reflect", adapt_reflected_column)
    listed, views, default_schema = _reflect(engine, base, section, schemas)
    tables = base.metadata.tables
    key_columns = _keys(keys, tables, section)
    names = class_names(tables, default_schema)
    result = Reflected(models=[])
    declared = _declare_read_only(base, engine, listed, key_columns, names, section,
                                  result.notes)
    _prepare(base, names, set(declared.values()))
    classes = {cls.__table__.key: cls for cls in base.classes} | declared
    served = {k: c for k, c in classes.items() if tables[k].schema in listed}
    result.notes += _read_only_notes(declared, views, key_columns, result)
    result.notes += _association_notes(served, tables)
    if only:
        missing = [name for name in only if name not in served]
        if missing:
            raise ConfigError(f"{section}.tables",
                              f"no such table(s) {missing}; found {sorted(served)}")
        result.notes += [TableNote(k, "not served", "not listed in `tables`")
                         for k in sorted(served) if k not in only]
        served = {k: served[k] for k in only}
    if not served:
        raise ConfigError(f"{section}.sqlalchemy.url", "the database has no tables to serve")
    result.models = [served[k] for k in sorted(served)]
    result.notes.sort(key=lambda n: (n.status, n.table))
    if result.notes:
        log.info("reflection: %s", "; ".join(f"{n.table}: {n.status} ({n.reason})"
                                              for n in result.notes))
    return result


def _prepare(base, names: dict[str, str], read_only: set) -> None:
    """Automap with Rum's names: singular classes, relations named after their keys.

    Relations to or from read-only classes are view-only: deleting a parent row never
    deletes (or unlinks) rows of a view or a keyless table; the database's key decides.
    """
    labels = {}

    def collection(_base, parent_cls, child_cls, constraint):
        name, label = collection_name(parent_cls, child_cls, constraint)
        labels[(parent_cls, name)] = label
        return name

    def generate(_base, direction, return_fn, attrname, local_cls, referred_cls, **kw):
        label = labels.get((local_cls, attrname))
        if label and direction is not MANYTOONE:
            kw["info"] = {"label": label}
        if local_cls in read_only or referred_cls in read_only:
            for option in ("cascade", "passive_deletes"):
                kw.pop(option, None)
            kw["viewonly"] = True
        return generate_relationship(_base, direction, return_fn, attrname, local_cls,
                                     referred_cls, **kw)

    base.prepare(classname_for_table=lambda _b, _name, table: names[table.key],
                 name_for_scalar_relationship=lambda _b, local, referred, fk:
                 scalar_name(local, referred, fk),
                 name_for_collection_relationship=collection,
                 generate_relationship=generate)


def _read_only_notes(declared, views, key_columns, result) -> list[TableNote]:
    notes = []
    for tkey, cls in declared.items():
        result.read_only.add(cls)
        what = "a view" if tkey in views else "no primary key"
        columns = ", ".join(c.name for c in sa.inspect(cls).primary_key)
        how = "configured in `keys`" if tkey in key_columns else \
            "all of them; set `keys` to choose"
        notes.append(TableNote(tkey, "read-only", f"{what}; rows are named by {columns} ({how})"))
    return notes


def _association_notes(served, tables) -> list[TableNote]:
    notes = {}
    for cls in served.values():
        for rel in sa.inspect(cls).relationships:
            secondary = rel.secondary
            if secondary is None or secondary.key not in tables or secondary.key in notes:
                continue
            back = next(iter(rel._reverse_property), None)
            other = rel.mapper.class_.__name__
            sides = f"'{rel.key}' of {cls.__name__}" + (
                f" and '{back.key}' of {other}" if back is not None else "")
            notes[secondary.key] = TableNote(secondary.key, "many-to-many",
                                             f"links {cls.__name__} and {other}: edited as {sides}")
    return list(notes.values())
