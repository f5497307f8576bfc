"""Finding backends by entry point: Rum's own first, any installed distribution's after."""

import json

import pytest

from rum.errors import ConfigError
from rum.plugins import Plugins, load_plugin
from rum.policy import RulesPolicy
from rum_sqlalchemy import SQLAlchemyRepositoryFactory
from rum_toscawidgets import ToscaWidgetsViewFactory


def test_rums_own_backends_load_without_scanning_every_distribution():
    installed = Plugins()
    assert load_plugin("rum.repositoryfactory", "sqlalchemy", "k", installed) \
        is SQLAlchemyRepositoryFactory
    assert load_plugin("rum.viewfactory", "toscawidgets", "k", installed) \
        is ToscaWidgetsViewFactory
    assert load_plugin("rum.policy", "rules", "k", installed) is RulesPolicy
    assert installed._all is None  # the scan of every distribution was not needed


def test_a_third_partys_plugin_is_found_in_its_own_distribution(tmp_path, monkeypatch):
    info = tmp_path / "rum_thirdparty-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: rum-thirdparty\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[rum.policy]\nthirdparty = json:dumps\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert load_plugin("rum.policy", "thirdparty", "rum.policy.use") is json.dumps


def test_an_unknown_name_fails_naming_the_key_and_what_is_installed():
    with pytest.raises(ConfigError) as caught:
        load_plugin("rum.repositoryfactory", "nosuch", "rum.repositoryfactory.use", Plugins())
    assert "rum.repositoryfactory.use" in str(caught.value)
    assert "'memory', 'sqlalchemy'" in str(caught.value)
