"""Rum as a peer of `../shared/bench`: the movie database of its `gen_db.py`, configured like
the anchors (pages of 20 by id, list columns id/title/year/genre, search on the title, CSV
columns id/title/year/genre, debug off).

`bench.ini` loads `make_app` (gunicorn `--paste bench/bench.ini`); `BENCH_DB` names the SQLite
file (bench.py sets it for every server it starts). The models are the shared
`apps/sa_models.py` mapping the SQLAlchemy peers use, imported from the shared harness
(`BENCH_SHARED`, default `../shared/bench` beside the project). When `BENCH_SQLTRACE` names a
file, every statement SQLite runs is appended to it (the probe's SQL counts).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("BENCH_SHARED") or os.path.join(ROOT, os.pardir, "shared", "bench")
MODELS = ("Movie", "Genre", "Director", "Actor", "Person", "Rental")
SECRET = "rum-bench-not-a-production-secret"  # fixed, so forms survive a worker restart


def sa_models():
    """The shared mapping (`apps/sa_models.py` of the harness)."""
    apps = os.path.join(os.path.abspath(SHARED), "apps")
    if not os.path.isfile(os.path.join(apps, "sa_models.py")):
        raise RuntimeError(f"the shared benchmark is not at {SHARED}: set BENCH_SHARED")
    if apps not in sys.path:
        sys.path.insert(0, apps)
    import sa_models as module
    return module


def install_sql_trace(engine):
    """If BENCH_SQLTRACE names a file, append every statement SQLite runs to it
    (sqlite3 trace callback: the SQL really executed, one per line). As in sa_models.py."""
    from sqlalchemy import event

    path = os.environ.get("BENCH_SQLTRACE")
    if not path:
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _rec):
        def cb(sql, _path=path):
            with open(_path, "a") as f:
                f.write(" ".join(sql.split()) + "\n")
        dbapi_conn.set_trace_callback(cb)


def config(db_path: str) -> dict:
    """The RumApp config for the database at `db_path`."""
    from rum_sqlalchemy.factory import make_engine

    sa_models()  # importable as `sa_models` from here on
    engine = make_engine(f"sqlite:///{os.path.abspath(db_path)}", HERE)
    install_sql_trace(engine)
    return {
        "here": HERE,
        "debug": False,
        "rum.repositoryfactory": {"use": "sqlalchemy", "engine": engine,
                                  "models": [f"sa_models:{name}" for name in MODELS]},
        "rum.viewfactory": {"use": "toscawidgets"},
        "rum": {"title": "Rum bench", "secret": SECRET, "page_size": 20},
        "resources": {"Movie": {"list_fields": ["id", "title", "year", "genre"],
                                "search_fields": ["title"], "page_size": 20}},
    }


def make_app(global_conf=None, **local):
    """`paste.app_factory` for bench.ini; `db` in [app:main] overrides BENCH_DB (tests)."""
    from rum import RumApp

    db = local.pop("db", None) or os.environ["BENCH_DB"]
    if not os.path.isfile(db):
        raise RuntimeError(f"no database at {db}: run gen_db.py first")
    return RumApp(config(db), full_stack=True)
