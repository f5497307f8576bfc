"""Keyset paging over NOT NULL enum columns, Python-enum and plain, on every backend.

MariaDB orders an ENUM by position but compares it with text as text; an enum class's
members must reach the cursor as the values the database stores.
"""

import enum

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from rum import RumApp
from tests.conftest import ROOT, wrap


class Base(DeclarativeBase):
    pass


class Mood(enum.Enum):
    happy = "Happy"
    sad = "Sad"
    angry = "Angry"


class Feeling(Base):
    __tablename__ = "enum_paging_feeling"
    id: Mapped[int] = mapped_column(primary_key=True)
    mood = mapped_column(sa.Enum(Mood, name="enum_paging_mood"), nullable=False)
    size = mapped_column(sa.Enum("S", "M", "L", "XS", name="enum_paging_size"), nullable=False)


ROWS = [(Mood.sad, "L"), (Mood.happy, "XS"), (Mood.angry, "S"), (Mood.sad, "M"),
        (Mood.happy, "L")]


@pytest.fixture
def client(backend_url):
    engine = sa.create_engine(backend_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(Feeling.__table__.insert(), [{"mood": m, "size": s} for m, s in ROWS])
    app = RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": [f"{__name__}:Feeling"], "sqlalchemy.url": backend_url}})
    yield wrap(app)
    app.repositories.engine.dispose()
    Base.metadata.drop_all(engine)
    engine.dispose()


def pages(client, url: str, direction: str) -> list[list[str]]:
    """Ids page by page along `next` (or `prev`), at most ten pages: a seek that repeats
    itself stops here instead of paging forever."""
    found = []
    for _ in range(10):
        page = client.get(url).json
        found.append([item["_id"] for item in page["items"]])
        url = page[direction]
        if not url:
            return found
    raise AssertionError(f"paging does not end: {found}")


@pytest.mark.parametrize("sort", ["mood", "-mood", "size", "-size", "size,-mood"])
def test_next_and_prev_visit_every_row_once_in_the_listed_order(client, sort):
    whole = [i["_id"] for i in client.get(f"/feelings.json?sort={sort}&limit=50").json["items"]]
    assert sorted(whole) == ["1", "2", "3", "4", "5"]
    forward = pages(client, f"/feelings.json?sort={sort}&limit=2", "next")
    assert [i for page in forward for i in page] == whole
    last = client.get(f"/feelings.json?sort={sort}&limit=2")
    while last.json["next"]:
        last = client.get(last.json["next"])
    backward = pages(client, last.json["prev"], "prev")
    assert [i for page in reversed(backward) for i in page] + forward[-1] == whole
