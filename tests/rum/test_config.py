"""Reading `.cfg` files and checking config dicts."""

import os
import textwrap

import pytest

from rum.config import APP_OPTIONS, Config, as_bool, load_config, read_cfg
from rum.errors import ConfigError

CFG = """\
[DEFAULT]
debug = True

[rum.repositoryfactory]
use = 'sqlalchemy'
models = ['model:Person', 'model:Movie']
sqlalchemy.url = 'sqlite:///%(here)s/movie.db'
session.transactional = True

[rum.viewfactory]
use = 'toscawidgets'

[rum]
title = 'Movies'
page_size = 10

[resource:Movie]
list_fields = ['title', 'year']
page_size = 5
"""


def write(tmp_path, text: str, name: str = "app.cfg") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def test_read_cfg(tmp_path):
    here = str(tmp_path)
    raw = read_cfg(write(tmp_path, CFG))
    assert raw == {
        "here": here,
        "debug": True,
        "rum.repositoryfactory": {
            "use": "sqlalchemy",
            "models": ["model:Person", "model:Movie"],
            "sqlalchemy.url": f"sqlite:///{here}/movie.db",
            "session.transactional": True,
        },
        "rum.viewfactory": {"use": "toscawidgets"},
        "rum": {"title": "Movies", "page_size": 10},
        "resources": {"Movie": {"list_fields": ["title", "year"], "page_size": 5}},
    }


def test_read_cfg_keeps_key_case(tmp_path):
    raw = read_cfg(write(tmp_path, "[rum.repositoryfactory]\nSQLAlchemy.URL = 'x'\n"))
    assert raw["rum.repositoryfactory"] == {"SQLAlchemy.URL": "x"}


def test_load_config_from_cfg_path(tmp_path):
    path = write(tmp_path, CFG)
    for source in (path, tmp_path / "app.cfg"):
        config = load_config(source)
        assert config.here == str(tmp_path)
        assert config.debug is True
        assert config.repository["use"] == "sqlalchemy"
        assert config.view == {"use": "toscawidgets"}
        assert config.options == {**APP_OPTIONS, "title": "Movies", "page_size": 10}
        assert config.resources == {"Movie": {"list_fields": ["title", "year"], "page_size": 5}}


def test_load_config_from_dict():
    config = load_config({
        "here": "/srv/app", "debug": "false",
        "rum.repositoryfactory": {"use": "sqlalchemy"},
        "rum": {"max_limit": 100},
        "resources": {"Movie": {"label": "Film"}},
    })
    assert config == Config(here="/srv/app", debug=False, repository={"use": "sqlalchemy"},
                            view={}, options={**APP_OPTIONS, "max_limit": 100},
                            resources={"Movie": {"label": "Film"}})


def test_load_config_defaults_and_overrides():
    config = load_config({})
    assert (config.here, config.debug, config.options) == (os.getcwd(), False, APP_OPTIONS)
    assert load_config({"debug": True}, debug="0").debug is False
    assert load_config({"debug": True}, debug=None).debug is True
    same = Config(here="/x")
    assert load_config(same) is same


def test_load_config_does_not_change_its_input():
    source = {"rum": {"page_size": 5}}
    load_config(source, debug=True)
    assert source == {"rum": {"page_size": 5}}


@pytest.mark.parametrize("text, key", [
    ("[rum.repositoryfactory]\nuse = sqlalchemy\n", "rum.repositoryfactory.use"),
    ("[DEFAULT]\ndebug = yes please\n", "DEFAULT.debug"),
    ("[rum]\ntitle =\n", "rum.title"),
    ("[resource:Movie]\nlabel = Film\n", "resource:Movie.label"),
    ("[rum]\ntitle = 'a'\n[rum]\ntitle = 'b'\n", "config"),
])
def test_read_cfg_errors_name_the_key(tmp_path, text, key):
    with pytest.raises(ConfigError) as info:
        read_cfg(write(tmp_path, text))
    assert info.value.key == key
    assert repr(key) in str(info.value)


def test_missing_file(tmp_path):
    missing = str(tmp_path / "nope.cfg")
    for call in (read_cfg, load_config):
        with pytest.raises(ConfigError) as info:
            call(missing)
        assert info.value.key == "config"
        assert "does not exist" in str(info.value)


@pytest.mark.parametrize("source, key", [
    ({"databse": {}}, "databse"),
    ({"rum.viewfactory": {}, "zzz": 1, "aaa": 2}, "aaa"),
    ({"rum": {"colour": "red"}}, "rum.colour"),
    ({"rum": {"page_size": 0}}, "rum.page_size"),
    ({"rum": {"page_size": "10"}}, "rum.page_size"),
    ({"rum": {"page_size": 2.5}}, "rum.page_size"),
    ({"rum": {"max_limit": -1}}, "rum.max_limit"),
    ({"rum": {"max_offset": 0}}, "rum.max_offset"),
    ({"rum": {"max_offset": "10000"}}, "rum.max_offset"),
    ({"rum": {"relation_select_limit": None}}, "rum.relation_select_limit"),
    ({"rum": ["page_size"]}, "rum"),
    ({"resources": "Movie"}, "resources"),
    ({"debug": "maybe"}, "debug"),
    ({"rum": {"blind_writes": "sometimes"}}, "rum.blind_writes"),
    ({"rum": {"blind_writes": None}}, "rum.blind_writes"),
    ({"rum": {"memory_seconds": -1}}, "rum.memory_seconds"),
    ({"rum": {"memory_seconds": "30"}}, "rum.memory_seconds"),
    ({"rum": {"memory_seconds": True}}, "rum.memory_seconds"),
    (42, "config"),
])
def test_load_config_errors_name_the_key(source, key):
    with pytest.raises(ConfigError) as info:
        load_config(source)
    assert info.value.key == key


def test_unknown_section_in_file_is_an_unknown_top_level_key(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "[rum.viewfactroy]\nuse = 'toscawidgets'\n"))
    assert info.value.key == "rum.viewfactroy"


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), (1, True), (0, False),
    ("True", True), ("true", True), (" YES ", True), ("on", True), ("1", True),
    ("False", False), ("false", False), ("no", False), ("off", False), ("0", False), ("", False),
])
def test_as_bool(value, expected):
    assert as_bool(value, "debug") is expected


@pytest.mark.parametrize("value", ["maybe", "2", "tru", None])
def test_as_bool_rejects_other_values(value):
    with pytest.raises(ConfigError) as info:
        as_bool(value, "rum.debug")
    assert info.value.key == "rum.debug"
    assert repr(value) in str(info.value)


def test_bool_page_size_is_rejected():
    with pytest.raises(ConfigError):
        load_config({"rum": {"page_size": True}})


@pytest.mark.parametrize("value, expected", [(True, True), ("false", False), ("1", True)])
def test_blind_writes_is_a_boolean(value, expected):
    assert load_config({"rum": {"blind_writes": value}}).options["blind_writes"] is expected
    assert load_config({}).options["blind_writes"] is False
