"""Sites for the deployment tests, made from the recipes in examples/deploy/.

`make test-deploy` runs these: each test starts a real server (paster, pserve, waitress,
gunicorn, Apache with mod_wsgi) on a free port of 127.0.0.1, talks HTTP to it and stops it
by its PID.
"""

import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

import demo_data
from tests.conftest import ROOT
from tests.fixtures import shapes_model

EXAMPLES = Path(ROOT) / "examples" / "deploy"
FILES_CFG = """[rum.repositoryfactory]
use = 'sqlalchemy'
models = ['shapes_model:Everything']
sqlalchemy.url = 'sqlite:///files.db'

[rum]
secret = 'files-site-secret'
max_body = {max_body}
"""
FILES_INI = """[app:main]
use = egg:rum
full_stack = true
config = %(here)s/files.cfg
"""
UPLOAD_MAX = 64 * 1024 * 1024  # the files site takes a 50 MiB file with room to spare


def make_site(target: Path) -> Path:
    """The demo movie site (model.py, movie.db) with the example configs, in `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "model.py"), target)
    demo_data.create(str(target / "movie.db"))
    for name in ("admin.cfg", "paste-http.ini", "waitress.ini", "rum.ini"):
        shutil.copy(EXAMPLES / name, target)
    return target


def add_files_site(target: Path) -> Path:
    """A second app in `target`: the shapes model's `Everything`, with a binary `blob`."""
    shutil.copy(shapes_model.__file__, target / "shapes_model.py")
    engine = sa.create_engine(f"sqlite:///{target / 'files.db'}")
    shapes_model.Base.metadata.create_all(engine)
    engine.dispose()
    (target / "files.cfg").write_text(FILES_CFG.format(max_body=UPLOAD_MAX))
    (target / "files.ini").write_text(FILES_INI)
    return target


def with_port(ini: Path, port: int) -> Path:
    """The example ini with its port (8080) replaced by `port`."""
    text = ini.read_text()
    assert "8080" in text, ini
    ini.write_text(text.replace("8080", str(port)))
    return ini


@pytest.fixture
def site(tmp_path) -> Path:
    return make_site(tmp_path / "site")
