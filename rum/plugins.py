"""Finding backends by entry point and model classes by dotted path."""

import importlib
import importlib.util
import os
import sys
from importlib.metadata import (
    EntryPoint,
    EntryPoints,
    PackageNotFoundError,
    distribution,
    entry_points,
)
from typing import Any

from .errors import ConfigError

DISTRIBUTION = "rum"  # the distribution registering Rum's own backends


class Plugins:
    """The entry points plugins are looked up in, for one app's start: Rum's own
    distribution's first (one metadata file), every installed distribution's only for a
    name Rum does not register (reading those scans each distribution's metadata: a
    noticeable part of start-up, so it is done once, and only when needed)."""

    def __init__(self):
        self._own: EntryPoints | None = None
        self._all: Any = None  # entry_points(): SelectableGroups before Python 3.12

    def _own_points(self) -> EntryPoints:
        if self._own is None:
            try:
                self._own = distribution(DISTRIBUTION).entry_points
            except PackageNotFoundError:  # run from a source tree: only the scan finds them
                self._own = EntryPoints(())
        return self._own

    def _all_points(self, group: str) -> EntryPoints:
        if self._all is None:
            self._all = entry_points()
        return self._all.select(group=group)

    def named(self, group: str, name: str) -> list[EntryPoint]:
        own = [ep for ep in self._own_points().select(group=group) if ep.name == name]
        return own or [ep for ep in self._all_points(group) if ep.name == name]

    def names(self, group: str) -> list[str]:
        return sorted({ep.name for ep in self._all_points(group)})


def load_plugin(group: str, name: str, key: str, installed: Plugins | None = None) -> Any:
    """The object registered as `name` in entry-point `group`; ConfigError naming `key` if none.
    `installed`: one `Plugins` for the several plugins an app loads."""
    if not isinstance(name, str) or not name:
        raise ConfigError(key, f"must name a plugin of group {group!r}")
    installed = installed if installed is not None else Plugins()
    found = installed.named(group, name)
    if not found:
        known = installed.names(group)
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
