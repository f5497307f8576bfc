"""The conformance schema, declared for both backends, and its rows.

Movies have a required to-one genre (deleting a genre in use is blocked), an optional
to-one director (deleting one unlinks its movies), many-to-many actors and one-to-many
rentals (deleted with their movie). `DATA` holds the rows once; `fill` writes them to a
database, `MEMORY_MODELS` declares them in memory. Titles and names start with distinct
capitals, so every database's collation sorts them alike.
"""

import datetime

import sqlalchemy as sa
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, relationship

from rum.fields import Field
from rum.testing import MemoryModel, to_many, to_one

D = datetime.date
RESOURCES = {"Genre": "genres", "Director": "directors", "Actor": "actors",
             "Movie": "movies", "Rental": "rentals"}

# -- the rows --------------------------------------------------------------------------------
GENRES = [{"id": 1, "name": "Drama"}, {"id": 2, "name": "Comedy"}, {"id": 3, "name": "Western"},
          {"id": 4, "name": "Musical"}]
DIRECTORS = [{"id": 1, "name": "Ava Lane", "born": D(1950, 3, 1)},
             {"id": 2, "name": "Ben Moss", "born": D(1962, 7, 15)},
             {"id": 3, "name": "Cy Hart", "born": None},
             {"id": 4, "name": "Dee Ray", "born": D(1975, 1, 20)}]
ACTORS = [{"id": i, "name": name} for i, name in enumerate(
    ["Ann Ames", "Bob Best", "Cat Cole", "Dan Dunn", "Eve Eng", "Fay Fox", "Gus Gray"], 1)]
MOVIE_COLUMNS = ("id", "title", "year", "color", "released", "genre", "director",
                 "description", "actors")
MOVIES = [dict(zip(MOVIE_COLUMNS, values, strict=True)) for values in [
    (1, "Alpha Harbor", 1990, True, D(1990, 5, 1), 1, 1, "A quiet town by the sea.", [1, 2]),
    (2, "Bright Night", 1995, False, None, 2, 1, None, [2, 3]),
    (3, "Cold River", 1990, True, D(1990, 9, 12), 1, 2, "Fishing, and a harbor feud.", [1]),
    (4, "Dark Harbor", 2001, True, D(2001, 2, 3), 3, None, None, []),
    (5, "Echo Valley", 1995, False, D(1995, 11, 30), 2, 2, "Two brothers.", [4, 5, 6]),
    (6, "Far Night", 2010, True, D(2010, 6, 6), 1, 3, None, [1, 3, 5]),
    (7, "Gold Rush", 1984, False, D(1984, 1, 15), 3, 4, "A river of gold.", [6]),
    (8, "Hollow Night", 2001, True, None, 1, 1, None, [2]),
    (9, "Iron Bay", 2010, True, D(2010, 8, 8), 2, 3, "Ships.", [3, 4]),
    (10, "Jade River", 1999, False, D(1999, 12, 31), 1, None, None, [5]),
    (11, "Keen Edge", 1995, True, D(1995, 3, 3), 3, 2, None, []),
    (12, "Lost Road", 2005, False, D(2005, 5, 5), 2, 4, "Dust.", [1, 6]),
]]
RENTAL_COLUMNS = ("id", "customer", "movie", "returned", "rented_on")
RENTALS = [dict(zip(RENTAL_COLUMNS, values, strict=True)) for values in [
    (1, "kim", 1, True, D(2024, 1, 5)), (2, "lee", 1, False, D(2024, 2, 10)),
    (3, "kim", 2, False, D(2024, 2, 11)), (4, "max", 3, True, D(2024, 1, 20)),
    (5, "lee", 5, True, D(2024, 3, 1)), (6, "ned", 6, False, D(2024, 3, 2)),
    (7, "kim", 9, False, D(2024, 3, 15)), (8, "max", 12, True, D(2024, 4, 1)),
]]
DATA = {"Genre": GENRES, "Director": DIRECTORS, "Actor": ACTORS, "Movie": MOVIES,
        "Rental": RENTALS}


# -- SQLAlchemy ------------------------------------------------------------------------------
class Base(DeclarativeBase):
    pass


movie_actor = Table(
    "cf_movie_actor", Base.metadata,
    Column("movie_id", ForeignKey("cf_movie.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("cf_actor.id", ondelete="CASCADE"), primary_key=True),
)


class Genre(Base):
    __tablename__ = "cf_genre"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False, unique=True)
    movies = relationship("Movie", back_populates="genre")


class Director(Base):
    __tablename__ = "cf_director"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    born = Column(Date)
    movies = relationship("Movie", back_populates="director")


class Actor(Base):
    __tablename__ = "cf_actor"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    movies = relationship("Movie", secondary=movie_actor, back_populates="actors")


class Movie(Base):
    __tablename__ = "cf_movie"
    id = Column(Integer, primary_key=True)
    title = Column(String(100), nullable=False)
    year = Column(Integer, nullable=False)
    color = Column(Boolean, nullable=False, default=True)
    released = Column(Date)
    genre_id = Column(Integer, ForeignKey("cf_genre.id"), nullable=False)
    director_id = Column(Integer, ForeignKey("cf_director.id"))
    description = Column(Text)
    genre = relationship(Genre, back_populates="movies")
    director = relationship(Director, back_populates="movies")
    actors = relationship(Actor, secondary=movie_actor, back_populates="movies")
    rentals = relationship("Rental", back_populates="movie", passive_deletes=True)


class Rental(Base):
    __tablename__ = "cf_rental"
    id = Column(Integer, primary_key=True)
    customer = Column(String(100), nullable=False)
    movie_id = Column(Integer, ForeignKey("cf_movie.id", ondelete="CASCADE"), nullable=False)
    returned = Column(Boolean, nullable=False, default=False)
    rented_on = Column(Date, nullable=False)
    movie = relationship(Movie, back_populates="rentals")


SQLALCHEMY_MODELS = [Genre, Director, Actor, Movie, Rental]


def fill(url: str) -> None:
    """The schema, dropped and made anew with DATA's rows."""
    engine = sa.create_engine(url)
    try:
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
        with engine.begin() as conn:
            for model in SQLALCHEMY_MODELS:
                rows = [{("genre_id" if k == "genre" else "director_id" if k == "director"
                          else "movie_id" if k == "movie" else k): v
                         for k, v in row.items() if k != "actors"} for row in DATA[model.__name__]]
                conn.execute(model.__table__.insert(), rows)
            conn.execute(movie_actor.insert(), [{"movie_id": m["id"], "actor_id": a}
                                                for m in MOVIES for a in m["actors"]])
            if engine.dialect.name == "postgresql":  # explicit ids leave the sequences at 1
                for model in SQLALCHEMY_MODELS:
                    table = model.__table__.name
                    conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                                         f" (SELECT max(id) FROM {table}))"))
    finally:
        engine.dispose()


def drop(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        Base.metadata.drop_all(engine)
    finally:
        engine.dispose()


# -- memory ----------------------------------------------------------------------------------
def _key() -> Field:
    return Field("id", "integer", primary_key=True, read_only=True)


GENRE = MemoryModel("Genre", [
    _key(),
    Field("name", "string", required=True, searchable=True, max_length=50,
          options={"unique": True}),
    to_many("movies", "Movie", reverse="genre"),
], rows=GENRES)
DIRECTOR = MemoryModel("Director", [
    _key(),
    Field("name", "string", required=True, searchable=True, max_length=100),
    Field("born", "date"),
    to_many("movies", "Movie", reverse="director"),
], rows=DIRECTORS)
ACTOR = MemoryModel("Actor", [
    _key(),
    Field("name", "string", required=True, searchable=True, max_length=100),
    to_many("movies", "Movie", reverse="actors"),
], rows=ACTORS)
MOVIE = MemoryModel("Movie", [
    _key(),
    Field("title", "string", required=True, searchable=True, max_length=100),
    Field("year", "integer", required=True),
    Field("color", "boolean", default=True, options={"nullable": False}),
    Field("released", "date"),
    to_one("genre", "Genre", required=True),
    to_one("director", "Director"),
    Field("description", "text", searchable=True),
    to_many("actors", "Actor", reverse="movies"),
    to_many("rentals", "Rental", reverse="movie", on_delete="delete"),
], rows=MOVIES)
RENTAL = MemoryModel("Rental", [
    _key(),
    Field("customer", "string", required=True, searchable=True, max_length=100),
    to_one("movie", "Movie", required=True),
    Field("returned", "boolean", default=False, options={"nullable": False}),
    Field("rented_on", "date", required=True),
], rows=RENTALS)
MEMORY_MODELS = [GENRE, DIRECTOR, ACTOR, MOVIE, RENTAL]
