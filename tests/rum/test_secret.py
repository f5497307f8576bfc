"""The app's secret: `[rum] secret`, else one kept beside the .cfg for every process, else
this process's own, with writes refused when the server says several processes serve."""

import logging
import multiprocessing
import os
import stat

import pytest

from rum import RumApp
from rum.errors import ConfigError
from rum.secret import app_secret, check_shared
from tests.conftest import copy_demo, demo_config, wrap

MESSAGE = "without a shared secret"


def test_the_configured_secret_wins_over_a_file(tmp_path):
    cfg = tmp_path / "site.cfg"
    secret = app_secret("s3cret", str(cfg))
    assert secret.key == b"s3cret" and secret.shared
    assert not (tmp_path / "site.cfg.secret").exists()


def test_without_one_a_secret_is_kept_beside_the_config_file(tmp_path):
    cfg = str(tmp_path / "site.cfg")
    first = app_secret("", cfg)
    kept = tmp_path / "site.cfg.secret"
    assert first.shared and first.origin == str(kept)
    assert len(first.key) == 64 and first.key == kept.read_bytes().strip()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert app_secret("", cfg).key == first.key  # the next process (or a restart) reads it
    assert [p.name for p in tmp_path.iterdir()] == ["site.cfg.secret"]  # no candidates left


def _race(cfg: str, start, queue) -> None:
    start.wait(timeout=30)  # all at once, as gunicorn's workers load the app
    queue.put(app_secret("", cfg).key)


def test_processes_starting_together_agree_on_one_secret(tmp_path):
    context = multiprocessing.get_context("fork")
    queue, start = context.Queue(), context.Barrier(8)
    cfg = str(tmp_path / "site.cfg")
    workers = [context.Process(target=_race, args=(cfg, start, queue)) for _ in range(8)]
    for worker in workers:
        worker.start()
    keys = {queue.get(timeout=30) for _ in workers}
    for worker in workers:
        worker.join(timeout=30)
    assert keys == {(tmp_path / "site.cfg.secret").read_bytes().strip()}


def test_an_empty_secret_file_is_a_config_error(tmp_path):
    (tmp_path / "site.cfg.secret").write_text("\n")
    with pytest.raises(ConfigError, match="rum.secret.*is empty"):
        app_secret("", str(tmp_path / "site.cfg"))


def test_where_no_file_can_be_kept_the_secret_is_this_processs_own(tmp_path, monkeypatch,
                                                                     caplog):
    def refused(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "link", refused)
    with caplog.at_level(logging.WARNING, "rum.secret"):
        secret = app_secret("", str(tmp_path / "site.cfg"))
    assert not secret.shared and len(secret.key) == 32
    assert "cannot be made or read" in caplog.text and "[rum] secret" in caplog.text
    assert not app_secret("", "").shared  # a dict config has no place for one


def test_an_app_from_a_cfg_file_shares_the_kept_secret(tmp_path):
    copy_demo(tmp_path)
    first = RumApp(str(tmp_path / "development.cfg"))
    second = RumApp(str(tmp_path / "development.cfg"))
    assert first.secret.shared and first.csrf.secret == second.csrf.secret
    client = wrap(first)
    token = client.get("/").headers["X-CSRF-Token"]
    other = wrap(second)  # the "other worker" takes the post, with the same cookie
    other.set_cookie("rum_csrf", client.cookies["rum_csrf"])
    created = other.post("/genres", {"name": "Shared", "_csrf": token},
                         extra_environ={"wsgi.multiprocess": True})
    assert created.status_int == 303


@pytest.fixture
def unshared(demo_db):
    app = RumApp(demo_config(demo_db))
    assert not app.secret.shared
    return wrap(app)


def test_a_process_only_secret_refuses_writes_under_several_processes(unshared, caplog):
    many = {"wsgi.multiprocess": True}
    assert unshared.get("/genres", extra_environ=many).status_int == 200  # reads go on
    token = unshared.get("/").headers["X-CSRF-Token"]
    with caplog.at_level(logging.ERROR, "rum.secret"):
        refused = unshared.post("/genres", {"name": "Lost", "_csrf": token},
                                extra_environ=many, status=500)
    assert MESSAGE in refused.text and "[rum] secret" in refused.text
    assert "set [rum] secret" in caplog.text
    as_json = unshared.post_json("/genres.json", {"name": "Lost"}, extra_environ=many,
                                 headers={"X-CSRF-Token": token}, status=500)
    assert MESSAGE in as_json.json["message"]
    assert unshared.get("/genres.json", {"q": "Lost"}).json["items"] == []


def test_a_process_only_secret_serves_a_single_process_server(unshared):
    token = unshared.get("/").headers["X-CSRF-Token"]
    created = unshared.post("/genres", {"name": "Kept", "_csrf": token},
                            extra_environ={"wsgi.multiprocess": False})
    assert created.status_int == 303


def test_check_shared_lets_safe_and_shared_requests_through():
    from rum.secret import Secret

    own, shared = Secret(b"k", False, "this process"), Secret(b"k", True, "[rum] secret")
    check_shared(own, {"wsgi.multiprocess": True}, unsafe=False)
    check_shared(shared, {"wsgi.multiprocess": True}, unsafe=True)
    check_shared(own, {}, unsafe=True)
