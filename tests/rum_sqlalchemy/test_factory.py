"""The repository factory: sessions and transactions, reflection set-up, host sessions."""

import importlib.util

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from model import Genre
from rum.errors import ConfigError
from rum_sqlalchemy import SQLAlchemyRepositoryFactory
from rum_sqlalchemy.factory import make_engine
from tests.conftest import DEMO_MODELS, ROOT

NAMES = {"Person": "persons", "Genre": "genres", "Actor": "actors", "Director": "directors",
         "Movie": "movies", "Rental": "rentals"}


def factory(url, **options):
    made = SQLAlchemyRepositoryFactory({"models": list(DEMO_MODELS), "sqlalchemy.url": url,
                                        **options}, here=ROOT)
    made.bind({m.model: NAMES[m.name] for m in made.models()})
    return made


def genre_count(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(Genre))


def test_one_transaction_rolled_back_on_error(demo_db):
    f = factory(demo_db)
    before = genre_count(f.engine)
    with pytest.raises(RuntimeError), f.unit_of_work({}) as uow:
        uow.repository("genres").create({"name": "first"})
        uow.repository("genres").create({"name": "second"})
        raise RuntimeError("after two writes")
    assert genre_count(f.engine) == before


def test_non_transactional_commits_each_write(demo_db):
    f = factory(demo_db, **{"session.transactional": False})
    before = genre_count(f.engine)
    with pytest.raises(RuntimeError), f.unit_of_work({}) as uow:
        uow.repository("genres").create({"name": "kept"})
        raise RuntimeError("after one write")
    assert genre_count(f.engine) == before + 1


def test_host_session_with_external_transaction(demo_db, monkeypatch):
    engine = sa.create_engine(demo_db)
    # pysqlite needs this for SAVEPOINTs to nest in a real transaction (SQLAlchemy docs)
    sa.event.listen(engine, "connect", lambda dbapi, _rec: setattr(dbapi, "isolation_level", None))
    sa.event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    host = scoped_session(sessionmaker(bind=engine))
    import tests.rum_sqlalchemy.test_factory as me
    monkeypatch.setattr(me, "HOST_SESSION", host, raising=False)
    f = factory(demo_db, **{"session.factory": "tests.rum_sqlalchemy.test_factory:HOST_SESSION",
                            "session.external": True})
    before = genre_count(engine)
    with f.unit_of_work({}) as uow:
        uow.repository("genres").create({"name": "host owned"})
    assert host().query(Genre).filter_by(name="host owned").count() == 1
    host.rollback()  # the host's transaction decides, not Rum
    assert genre_count(engine) == before
    with f.unit_of_work({}) as uow:
        uow.repository("genres").create({"name": "host committed"})
    host.commit()
    assert genre_count(engine) == before + 1
    host.remove()


def test_reflection_of_an_empty_database_names_the_key(tmp_path):
    with pytest.raises(ConfigError) as info:
        SQLAlchemyRepositoryFactory({"sqlalchemy.url": f"sqlite:///{tmp_path / 'e.db'}"})
    assert info.value.key == "rum.repositoryfactory.sqlalchemy.url"


def test_reflection_table_choice(demo_db):
    f = SQLAlchemyRepositoryFactory({"sqlalchemy.url": demo_db, "tables": ["genre", "movie"]})
    assert [m.name for m in f.models()] == ["genre", "movie"]
    with pytest.raises(ConfigError) as info:
        SQLAlchemyRepositoryFactory({"sqlalchemy.url": demo_db, "tables": ["nope"]})
    assert info.value.key == "rum.repositoryfactory.tables"


def test_reflected_rows_are_editable(demo_db):
    f = SQLAlchemyRepositoryFactory({"sqlalchemy.url": demo_db, "reflect": True})
    f.bind({m.model: m.name + "s" for m in f.models()})
    with f.unit_of_work({}) as uow:
        repo = uow.repository("genres")
        row = repo.create({"name": "Reflected"})
        ident = repo.record(row, ()).id
    with Session(f.engine) as s:
        assert s.get(Genre, int(ident)).name == "Reflected"


def test_a_postgresql_url_without_a_driver_uses_the_installed_one():
    engine = make_engine("postgresql://postgres@127.0.0.1:5432/nowhere", ROOT)
    installed = "psycopg" if importlib.util.find_spec("psycopg") else "psycopg2"
    assert engine.dialect.driver == installed
    engine.dispose()


@pytest.mark.parametrize("option", ["schemas", "keys"])
def test_reflection_options_with_models_name_their_key(demo_db, option):
    with pytest.raises(ConfigError) as info:
        SQLAlchemyRepositoryFactory({"sqlalchemy.url": demo_db, "models": ["model:Genre"],
                                     option: ["public"]}, here=ROOT)
    assert info.value.key == f"rum.repositoryfactory.{option}"
