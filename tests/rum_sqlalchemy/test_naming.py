"""Names of reflected tables, columns and relations."""

import pytest
import sqlalchemy as sa

from rum_sqlalchemy.naming import class_name, class_names, column_label, words

METADATA = sa.MetaData()
ORDER = sa.Table("Order", METADATA, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("customerName", sa.String), sa.Column("paid", sa.Boolean),
                 sa.Column("orderid", sa.Integer), sa.Column("void", sa.Boolean))
LINES = sa.Table("order_lines", METADATA,
                 sa.Column("orderid", sa.Integer, sa.ForeignKey("Order.id"), primary_key=True),
                 sa.Column("productid", sa.Integer, primary_key=True))
SALES = sa.Table("regions", METADATA, sa.Column("id", sa.Integer, primary_key=True),
                 schema="sales")
ODD = sa.Table("2024 Stock-Counts", METADATA, sa.Column("id", sa.Integer, primary_key=True))


@pytest.mark.parametrize("name, expected", [
    ("customerName", "customer_name"), ("Order Lines", "order_lines"),
    ("order-lines", "order_lines"), ("rented_at", "rented_at"), ("ID", "id"),
])
def test_words(name, expected):
    assert words(name) == expected


@pytest.mark.parametrize("table, expected", [
    (ORDER, "order"), (LINES, "order_line"), (SALES, "sales_region"),
    (ODD, "t_2024_stock_count"),
])
def test_class_names_are_singular_snake_case(table, expected):
    assert class_name(table, "public") == expected


def test_class_names_stay_unique():
    metadata = sa.MetaData()
    for name in ("order", "orders", "Order"):
        sa.Table(name, metadata, sa.Column("id", sa.Integer, primary_key=True))
    names = class_names(metadata.tables, None)
    assert len(set(names.values())) == 3 and "order" in names.values()


@pytest.mark.parametrize("column, expected", [
    (ORDER.c.customerName, "Customer name"),
    (ORDER.c.orderid, "Order id"),  # names a table: a key
    (LINES.c.orderid, "Order id"),  # a key column
    (LINES.c.productid, "Product id"),
    (ORDER.c.paid, "Paid"), (ORDER.c.void, "Void"),  # words that end in "id"
    (ORDER.c.id, "Id"),
])
def test_column_labels(column, expected):
    assert column_label(column.key, column) == expected
