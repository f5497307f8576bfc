"""Create the movie demo database with sample data: `python demo_data.py [movie.db]`.

Does nothing when the file already exists. Deterministic (seeded), a few hundred rows.
"""

import datetime
import logging
import os
import random
import sys

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from model import Actor, Base, Director, Genre, Movie, Rental

log = logging.getLogger("demo_data")
GENRES = ["Drama", "Comedy", "Thriller", "Science fiction", "Documentary", "Animation",
          "Western", "Horror", "Romance", "Adventure"]
FIRST = ["Ada", "Bruno", "Carmen", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas",
         "Kiri", "Luis", "Maya", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara"]
LAST = ["Almeida", "Berg", "Castro", "Dahl", "Evans", "Fischer", "Garcia", "Holm", "Ivanova",
        "Jensen", "Kovacs", "Lind", "Moreau", "Novak", "Ortega", "Petrov"]
WORDS = ["Harbor", "Night", "Silver", "River", "Last", "Summer", "Iron", "Glass", "Winter",
         "Garden", "Empire", "Shadow", "Echo", "Paper", "Golden", "Storm", "Quiet", "Northern"]
NOUNS = ["Lights", "Road", "Letters", "Kingdom", "Promise", "Station", "Mirror", "Tide",
         "Orchard", "Signal", "Bridge", "Hours"]


def populate(session: Session, seed: int = 7) -> None:
    rng = random.Random(seed)
    genres = [Genre(name=g) for g in GENRES]
    directors = [Director(name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                          birth_date=datetime.date(1930 + rng.randrange(60), rng.randrange(1, 13),
                                                   rng.randrange(1, 29)))
                 for _ in range(120)]
    actors = [Actor(name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    birth_date=datetime.date(1940 + rng.randrange(60), rng.randrange(1, 13),
                                             rng.randrange(1, 29)))
              for _ in range(150)]
    movies = []
    for i in range(200):
        title = f"{rng.choice(WORDS)} {rng.choice(NOUNS)}" + (f" {i // 40 + 1}" if i >= 40 else "")
        movies.append(Movie(title=title, year=1950 + rng.randrange(75), genre=rng.choice(genres),
                            director=rng.choice(directors), actors=rng.sample(actors, 3),
                            description=f"A {rng.choice(GENRES).lower()} about "
                                        f"{rng.choice(WORDS).lower()} {rng.choice(NOUNS).lower()}."))
    start = datetime.datetime(2024, 1, 1, 10, 0)
    rentals = [Rental(movie=rng.choice(movies), customer=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                      rented_at=start + datetime.timedelta(hours=7 * i), returned=rng.random() < 0.7)
               for i in range(150)]
    session.add_all(genres + directors + actors + movies + rentals)


def create(path: str) -> bool:
    """Create and fill `path`; False when it already exists."""
    if os.path.exists(path):
        return False
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        populate(session)
        session.commit()
    engine.dispose()
    return True


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    target = sys.argv[1] if len(sys.argv) > 1 else "movie.db"
    if create(target):
        log.info("created %s with sample data", target)
    else:
        log.info("%s exists; left as it is", target)
