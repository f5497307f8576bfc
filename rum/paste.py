"""The PasteDeploy entry point: `use = egg:rum` in an `[app:main]` section."""

from typing import TYPE_CHECKING

from .config import as_bool
from .errors import ConfigError

if TYPE_CHECKING:  # for the annotation only; make_app imports it when called
    from .app import RumApp


def make_app(global_conf: dict, **local_conf) -> "RumApp":
    """`paste.app_factory`: options arrive as strings (`full_stack = True` is 'True')."""
    from .app import RumApp

    config = local_conf.pop("config", None)
    if not config:
        raise ConfigError("config", "set config = %(here)s/development.cfg in [app:main]")
    full_stack = as_bool(local_conf.pop("full_stack", True), "full_stack")
    debug = local_conf.pop("debug", global_conf.get("debug"))
    if local_conf:
        raise ConfigError(sorted(local_conf)[0], "unknown [app:main] option; "
                          "known: config, full_stack, debug")
    return RumApp(config, full_stack=full_stack,
                  debug=None if debug is None else as_bool(debug, "debug"))
