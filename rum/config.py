"""Configuration: a dict, or a `.cfg` file of INI sections with Python-literal values.

The file form is the one of the original Rum documentation::

    [DEFAULT]
    debug = True

    [rum.repositoryfactory]
    use = 'sqlalchemy'
    models = ['model:Person', 'model:Movie']
    sqlalchemy.url = 'sqlite:///movie.db'

    [rum.viewfactory]
    use = 'toscawidgets'

Optional sections: `[rum]` for app options and `[resource:Movie]` for one model's options.
"""

import ast
import configparser
import os
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError

REPOSITORY = "rum.repositoryfactory"
VIEW = "rum.viewfactory"
APP = "rum"
RESOURCE_PREFIX = "resource:"
POLICY = "rum.policy"
HISTORY = "rum.history"
TOP_KEYS = frozenset({"debug", "here", REPOSITORY, VIEW, APP, POLICY, HISTORY, "resources",
                      "full_stack"})
APP_OPTIONS = {
    "title": "Rum admin",
    "page_size": 20,
    "max_limit": 500,
    "templates": [],
    "locale": "",  # e.g. 'es': always this language; '' picks one from Accept-Language
    "translations": [],  # directories of your own catalogs: <dir>/<locale>/LC_MESSAGES/rum.mo
    "relation_select_limit": 100,  # above this many rows a relation input autocompletes
    "max_body": 10 * 1024 * 1024,  # request bodies over this many bytes get 413 (rum.limits)
    # numbered pages reach this many rows deep; past it `page=N` is a 400 and Next/Previous
    # (keyset cursors, as cheap at any depth) or filters go further: OFFSET reads and drops
    # every row before the page, seconds deep into a big table
    "max_offset": 100_000,  # rows a typed page number skips (keys only, in the key query)
    "max_query": 8192,  # query strings over this many bytes get 414 (rum.limits)
    "max_search": 500,  # characters of a search (q) or of one filter value
    "max_filters": 50,  # filters in one list query
    "max_sort": 10,  # sort terms in one list query
    "max_bulk": 500,  # rows one bulk action (ticked, or all matching) may touch; more: 413
    "secret": "",  # signs CSRF tokens, keys versions; unset: kept in <cfg>.secret (rum.secret)
    "csrf": True,  # False only behind a host that checks CSRF itself
    "frame_ancestors": "'self'",  # CSP frame-ancestors: who may show Rum in a frame
    # seconds the app trusts a remembered read (a small relation's rows offered as filter
    # values, where a typed page begins) against writes it does not see; 0: none kept
    "memory_seconds": 30,
    "blind_writes": False,  # True: JSON PUT/PATCH without If-Match or _version are accepted
}


@dataclass
class Config:
    here: str
    debug: bool = False
    repository: dict = field(default_factory=dict)
    view: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    resources: dict = field(default_factory=dict)
    policy: dict = field(default_factory=dict)
    history: dict = field(default_factory=dict)  # `[rum.history]` (rum.history.settings)
    full_stack: bool = True  # False: unexpected errors propagate to the host
    file: str = ""  # the .cfg file read, absolute; "" for a dict config


def as_bool(value: Any, key: str) -> bool:
    """Accept real booleans and the strings PasteDeploy hands over ('True', 'false', '1')."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value)
    text = str(value).strip().lower()
    if text in {"true", "yes", "on", "1"}:
        return True
    if text in {"false", "no", "off", "0", ""}:
        return False
    raise ConfigError(key, f"expected true or false, got {value!r}")


def _literal(text: str, key: str, here: str) -> Any:
    text = text.replace("%(here)s", here)
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise ConfigError(key, f"value {text!r} is not a Python literal; "
                          "quote strings, e.g. 'sqlite:///movie.db'") from None


class _CaseKeepingParser(configparser.ConfigParser):
    def optionxform(self, optionstr: str) -> str:
        return optionstr  # keys such as 'sqlalchemy.url' keep their case


def read_cfg(path: str) -> dict:
    """Parse a `.cfg` file into the dict form."""
    if not os.path.isfile(path):
        raise ConfigError("config", f"file {path!r} does not exist")
    here = os.path.dirname(os.path.abspath(path))
    parser = _CaseKeepingParser(interpolation=None, default_section="DEFAULT")
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as exc:
        raise ConfigError("config", f"{path}: {exc}") from None
    out: dict[str, Any] = {"here": here}
    defaults = parser.defaults()
    for key, text in defaults.items():
        out[key] = _literal(text, f"DEFAULT.{key}", here)
    for section in parser.sections():
        values = {k: _literal(v, f"{section}.{k}", here)
                  for k, v in parser.items(section) if k not in defaults}
        if section.startswith(RESOURCE_PREFIX):
            out.setdefault("resources", {})[section[len(RESOURCE_PREFIX):]] = values
        else:
            out[section] = values
    return out


def load_config(source: "str | dict | Config", **overrides: Any) -> Config:
    """A Config from a dict, a `.cfg` path or a Config; raises ConfigError naming the key."""
    if isinstance(source, Config):
        return source
    file = ""
    if isinstance(source, str | os.PathLike):
        file = os.path.abspath(os.fspath(source))
        raw = read_cfg(file)
    elif isinstance(source, dict):
        raw = dict(source)
    else:
        raise ConfigError("config", f"expected a dict or a .cfg path, got {type(source).__name__}")
    raw.update({k: v for k, v in overrides.items() if v is not None})
    unknown = set(raw) - TOP_KEYS
    if unknown:
        raise ConfigError(sorted(unknown)[0], f"unknown top-level key; known keys: {sorted(TOP_KEYS)}")
    for section in (REPOSITORY, VIEW, APP, POLICY, HISTORY, "resources"):
        if not isinstance(raw.get(section, {}), dict):
            raise ConfigError(section, "must be a section (a dict of options)")
    options = dict(APP_OPTIONS)
    app = raw.get(APP, {})
    bad = set(app) - set(APP_OPTIONS)
    if bad:
        raise ConfigError(f"{APP}.{sorted(bad)[0]}", f"unknown option; known: {sorted(APP_OPTIONS)}")
    options.update(app)
    for key in ("page_size", "max_limit", "relation_select_limit", "max_body", "max_offset",
                "max_query", "max_search", "max_filters", "max_sort", "max_bulk"):
        number = options[key]
        if type(number) is not int or number < 1:
            raise ConfigError(f"{APP}.{key}", "must be a whole number of 1 or more")
    seconds = options["memory_seconds"]
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise ConfigError(f"{APP}.memory_seconds", "must be a number of seconds, 0 or more "
                                                   "(0 remembers nothing)")
    options["blind_writes"] = as_bool(options["blind_writes"], f"{APP}.blind_writes")
    if not isinstance(options["locale"], str):
        raise ConfigError(f"{APP}.locale", "must be a locale name such as 'es', or ''")
    if isinstance(options["translations"], str):
        options["translations"] = [options["translations"]]
    if not isinstance(options["translations"], list | tuple) or not all(
            isinstance(d, str) for d in options["translations"]):
        raise ConfigError(f"{APP}.translations", "must be a list of directories")
    return Config(
        here=raw.get("here") or os.getcwd(),
        debug=as_bool(raw.get("debug", False), "debug"),
        repository=dict(raw.get(REPOSITORY, {})),
        view=dict(raw.get(VIEW, {})),
        options=options,
        resources=dict(raw.get("resources", {})),
        policy=dict(raw.get(POLICY, {})),
        history=dict(raw.get(HISTORY, {})),
        full_stack=as_bool(raw.get("full_stack", True), "full_stack"),
        file=file,
    )
