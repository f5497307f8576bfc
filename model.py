"""The movie demo: the models of the original Rum tutorial, on SQLAlchemy 2."""

import datetime

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, relationship


class Base(DeclarativeBase):
    pass


movie_actor = Table(
    "movie_actor", Base.metadata,
    Column("movie_id", ForeignKey("movie.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actor.id", ondelete="CASCADE"), primary_key=True),
)


class Person(Base):
    __tablename__ = "person"
    id = Column(Integer, primary_key=True)
    type = Column(String(20), nullable=False, default="person")
    name = Column(String(100), nullable=False)
    birth_date = Column(Date)
    __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "person"}

    def __str__(self):
        return self.name or ""


class Actor(Person):
    __tablename__ = "actor"
    id = Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    movies = relationship("Movie", secondary=movie_actor, back_populates="actors")
    __mapper_args__ = {"polymorphic_identity": "actor"}


class Director(Person):
    __tablename__ = "director"
    id = Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    movies = relationship("Movie", back_populates="director")
    __mapper_args__ = {"polymorphic_identity": "director"}


class Genre(Base):
    __tablename__ = "genre"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, unique=True)
    movies = relationship("Movie", back_populates="genre")

    def __str__(self):
        return self.name or ""


class Movie(Base):
    __tablename__ = "movie"
    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    year = Column(Integer, nullable=False)
    genre_id = Column(Integer, ForeignKey("genre.id"), nullable=False, index=True)
    director_id = Column(Integer, ForeignKey("director.id"), index=True)
    description = Column(Text)
    genre = relationship(Genre, back_populates="movies")
    director = relationship(Director, back_populates="movies")
    actors = relationship(Actor, secondary=movie_actor, back_populates="movies")
    rentals = relationship("Rental", back_populates="movie", passive_deletes=True)

    def __str__(self):
        return self.title or ""


class Rental(Base):
    __tablename__ = "rental"
    id = Column(Integer, primary_key=True)
    movie_id = Column(Integer, ForeignKey("movie.id", ondelete="CASCADE"), nullable=False,
                      index=True)
    customer = Column(String(100), nullable=False)
    rented_at = Column(DateTime, nullable=False, default=datetime.datetime.now)
    returned = Column(Boolean, nullable=False, default=False)
    movie = relationship(Movie, back_populates="rentals")

    def __str__(self):
        return f"{self.customer} / {self.movie}" if self.movie else str(self.customer)
