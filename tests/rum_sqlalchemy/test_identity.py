"""A row's key: `row_key` is what the mapper reads from the row's attributes, in every state
a row can be in (read, changed, expired, new, a subclass's, a composite key)."""

import pytest
import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Session

from rum_sqlalchemy.identity import row_key


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "thing"
    id = Column(Integer, primary_key=True)
    name = Column(String(20))
    kind = Column(String(20))
    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "thing"}


class Gadget(Thing):
    __tablename__ = "gadget"
    id = Column(Integer, ForeignKey("thing.id"), primary_key=True)
    __mapper_args__ = {"polymorphic_identity": "gadget"}


class Pair(Base):
    __tablename__ = "pair"
    left = Column(String(10), primary_key=True)
    right = Column(Integer, primary_key=True)
    name = Column(String(20))


@pytest.fixture
def session(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'keys.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Thing(id=1, name="a"), Gadget(id=2, name="b"), Pair(left="x,y", right=3)])
        s.commit()
    with Session(engine) as s:
        yield s
    engine.dispose()


def both(row):
    mapper = sa.inspect(type(row))
    return row_key(mapper, row), tuple(mapper.primary_key_from_instance(row))


def test_a_row_as_read(session):
    for row in session.scalars(sa.select(Thing)).all() + session.scalars(sa.select(Pair)).all():
        key, read = both(row)
        assert key == read and type(key) is tuple


def test_a_row_whose_key_changed_unflushed_or_flushed(session):
    pair = session.get(Pair, ("x,y", 3))
    pair.right = 4
    assert both(pair) == (("x,y", 4), ("x,y", 4))
    session.flush()
    assert both(pair) == (("x,y", 4), ("x,y", 4))


def test_an_expired_row_and_a_new_one(session):
    thing = session.get(Thing, 1)
    session.expire(thing)
    assert both(thing) == ((1,), (1,))
    new = Thing(id=7, name="n")
    session.add(new)
    assert both(new) == ((7,), (7,))
    assert row_key(sa.inspect(Thing), Thing(name="unsaved")) == (None,)


def test_a_subclass_row_through_its_base(session):
    gadget = session.get(Thing, 2)
    assert type(gadget) is Gadget
    assert row_key(sa.inspect(Thing), gadget) == \
        tuple(sa.inspect(Thing).primary_key_from_instance(gadget)) == (2,)
    assert both(gadget) == ((2,), (2,))


def test_a_row_as_read_is_keyed_by_the_identity_it_was_read_under(session, monkeypatch):
    thing = session.get(Thing, 1)
    mapper = sa.inspect(Thing)
    monkeypatch.setattr(mapper, "primary_key_from_instance", lambda row: pytest.fail("read"))
    assert row_key(mapper, thing) == (1,)
