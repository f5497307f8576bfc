"""Column types -> field kinds, for the types of all three databases."""

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects import postgresql as pg

from rum_sqlalchemy.coltypes import column_kind
from rum_sqlalchemy.dialect_types import IntervalText, SignedTime


class Custom(sa.types.TypeDecorator):
    impl = sa.String
    cache_ok = True


@pytest.mark.parametrize("column_type,kind,options", [
    (pg.ARRAY(sa.Text), "array", {"item": "text"}),
    (pg.ARRAY(sa.Integer, dimensions=2), "array", {"item": "integer"}),
    (pg.ARRAY(pg.MACADDR), "unknown", {}),
    (pg.ARRAY(IntervalText()), "unknown", {}),
    (pg.JSONB(), "json", {}), (sa.JSON(), "json", {}), (mysql.JSON(), "json", {}),
    (IntervalText(), "interval", {}), (pg.INTERVAL(), "duration", {}),
    (sa.Interval(), "duration", {}), (SignedTime(), "duration", {}),
    (sa.DateTime(timezone=True), "datetime_tz", {}), (pg.TIMESTAMP(), "datetime", {}),
    (sa.Time(timezone=True), "time", {"timezone": True}),
    (pg.INET(), "inet", {}), (pg.CIDR(), "inet", {"cidr": True}), (pg.MONEY(), "money", {}),
    (mysql.SET("a", "b"), "set", {}), (mysql.ENUM("a", "b"), "enum", {}),
    (mysql.TINYINT(display_width=1), "boolean", {}), (mysql.TINYINT(), "integer", {}),
    (mysql.YEAR(), "integer", {}), (mysql.DOUBLE(), "float", {}),
    (mysql.LONGTEXT(), "text", {}), (mysql.MEDIUMTEXT(), "text", {}),
    (pg.MACADDR(), "unknown", {}), (mysql.BIT(8), "unknown", {}), (pg.TSVECTOR(), "unknown", {}),
    (sa.types.NullType(), "unknown", {}), (Custom(), "unknown", {}),
])
def test_column_kinds(column_type, kind, options):
    assert column_kind(column_type) == (kind, options)
