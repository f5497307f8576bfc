"""A class mapped to a join of two tables lists like any other, on every backend."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, column_property

from rum import RumApp
from rum.query import Query


class Base(DeclarativeBase):
    pass


person = sa.Table("jm_person", Base.metadata, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("name", sa.String(40), nullable=False))
badge = sa.Table("jm_badge", Base.metadata,
                 sa.Column("id", sa.Integer, sa.ForeignKey("jm_person.id"), primary_key=True),
                 sa.Column("code", sa.String(10), nullable=False))


class Member(Base):
    __table__ = sa.join(person, badge)
    id = column_property(person.c.id, badge.c.id)
    badge_id = badge.c.id


@pytest.fixture
def app(backend_url):
    engine = sa.create_engine(backend_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(person.insert(), [{"id": i, "name": f"p{i}"} for i in range(1, 31)])
        conn.execute(badge.insert(), [{"id": i, "code": f"b{i}"} for i in range(1, 31)])
    engine.dispose()
    rum_app = RumApp({"rum.repositoryfactory": {
        "models": [f"{__name__}:Member"], "sqlalchemy.url": backend_url}})
    yield rum_app
    Base.metadata.drop_all(rum_app.repositories.engine)
    rum_app.repositories.engine.dispose()


def test_a_count_past_the_limit_asks_no_table_estimate(app):
    """Past the count limit PostgreSQL and MariaDB are asked for a table's row estimate;
    a join is no one table, so the count stays "at least 10" instead of failing."""
    with app.repositories.unit_of_work({}) as uow:
        page = uow.repository("members").select(Query(limit=5, count_limit=10))
    assert [r.id for r in page.rows] == [1, 2, 3, 4, 5]
    assert (page.count, page.count_exact, page.count_estimated) == (10, False, False)
