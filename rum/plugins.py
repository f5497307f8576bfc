"""Finding backends by entry point and model classes by dotted path."""

import importlib
import importlib.util
import os
import sys
from importlib.metadata import EntryPoints, entry_points
from typing import Any

from .errors import ConfigError


def load_plugin(group: str, name: str, key: str, installed: EntryPoints | None = None) -> Any:
    """The object registered as `name` in entry-point `group`; ConfigError naming `key` if none.
    `installed`: `entry_points()` read once for several plugins (each read scans the
    metadata of every installed distribution, a noticeable part of start-up)."""
    if not isinstance(name, str) or not name:
        raise ConfigError(key, f"must name a plugin of group {group!r}")
    in_group = (installed if installed is not None else entry_points()).select(group=group)
    found = [ep for ep in in_group if ep.name == name]
    if not found:
        known = sorted({ep.name for ep in in_group})
        raise ConfigError(key, f"no {group!r} plugin named {name!r}; installed: {known}")
    try:
        return found[0].load()
    except Exception as exc:  # an import error inside the plugin is a set-up mistake
        raise ConfigError(key, f"plugin {name!r} failed to load: {exc}") from exc


def _import_module(modname: str, here: str):
    try:
        return importlib.import_module(modname)
    except ModuleNotFoundError as exc:
        top = modname.split(".")[0]
        if exc.name != top or not here:
            raise
    # Not on sys.path: look beside the config file, as the original Rum did.
    for candidate in (os.path.join(here, top + ".py"), os.path.join(here, top, "__init__.py")):
        if os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location(top, candidate)
            if spec is None or spec.loader is None:  # a .py file always has both
                raise ImportError(f"cannot load {candidate}", name=top)
            module = importlib.util.module_from_spec(spec)
            sys.modules[top] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                sys.modules.pop(top, None)
                raise
            return importlib.import_module(modname)
    raise ModuleNotFoundError(f"No module named {top!r}", name=top)


def import_object(path: str, key: str, here: str = "") -> Any:
    """Import `package.module:Attr` (or pass an object through); ConfigError naming `key`."""
    if not isinstance(path, str):
        return path
    modname, _, attr = path.partition(":")
    if not modname or not attr:
        raise ConfigError(key, f"{path!r} is not of the form 'package.module:Name'")
    try:
        module = _import_module(modname, here)
    except ImportError as exc:
        raise ConfigError(key, f"cannot import {modname!r} ({exc}); is it on sys.path "
                          f"or beside the config file in {here!r}?") from exc
    obj = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ConfigError(key, f"module {modname!r} has no attribute {attr!r}") from None
    return obj
