"""A real app over the display model, with resource options that only code can give."""

import dataclasses

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rum import RumApp
from rum import app as rum_app
from tests.conftest import ROOT, wrap
from tests.fixtures import display_model as dm


def display_client(monkeypatch, tmp_path, resources=None, **changes):
    """A test app over `display_model` (rows filled). `changes`: model name -> Resource
    attributes to set (formatters, widgets, fieldsets), given the way a resource class will."""
    url = f"sqlite:///{tmp_path / 'display.db'}"
    engine = sa.create_engine(url)
    dm.Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all(dm.rows())
        s.commit()
    engine.dispose()
    built = rum_app.build_resource

    def build_resource(info, options, key, page_size):
        return dataclasses.replace(built(info, options, key, page_size),
                                   **changes.get(info.name, {}))

    monkeypatch.setattr(rum_app, "build_resource", build_resource)
    app = RumApp({"here": ROOT, "rum.repositoryfactory": {"models": dm.MODELS,
                                                          "sqlalchemy.url": url},
                  "resources": resources or {}})
    return wrap(app), app
