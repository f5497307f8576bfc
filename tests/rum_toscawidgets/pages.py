"""A real app over the display model, with resource options that only code can give."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rum import Admin, RumApp
from tests.conftest import ROOT, wrap
from tests.fixtures import display_model as dm


def display_client(monkeypatch, tmp_path, resources=None, **changes):
    """A test app over `display_model` (rows filled). `changes`: model name -> attributes
    of its resource class (formatters, widgets, fieldsets); `resources`: INI options."""
    url = f"sqlite:///{tmp_path / 'display.db'}"
    engine = sa.create_engine(url)
    dm.Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all(dm.rows())
        s.commit()
    engine.dispose()
    classes = {name: type(f"{name}Admin", (Admin,), attrs) for name, attrs in changes.items()}
    app = RumApp({"here": ROOT, "rum.repositoryfactory": {"models": dm.MODELS,
                                                          "sqlalchemy.url": url},
                  "resources": resources or {}}, resources=classes)
    return wrap(app), app
