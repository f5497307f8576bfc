"""Who may do what: identity from the WSGI environ, rules by resource, permission, row and field.

The default policy (`use = 'rules'` in `[rum.policy]`) reads::

    [rum.policy]
    use = 'rules'
    default = 'allow'              # or 'deny': what no rule decides
    read_only = False              # True: nobody creates, updates or deletes
    login_required = False         # True: no identity -> 401
    identity = 'myapp.auth:who'    # optional callable(environ) -> Identity | str | None
    rules = [{'roles': ['editor'], 'resources': ['movies'], 'permissions': ['update'],
              'allow': True}]
    hidden_fields = {'persons': ['birth_date']}
    see_hidden = ['admin']         # roles that still see hidden fields
    row_filters = {'rentals': 'myapp.auth:own_rentals'}  # callable(identity) -> filters

Permissions are read, create, update and delete; every action of the action table
names one of them.
Another policy can be plugged in by entry point (group `rum.policy`).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .actions import PERMISSIONS
from .errors import ConfigError
from .plugins import import_object
from .query import OPS, Filter

log = logging.getLogger(__name__)
SECTION = "rum.policy"
ALL = PERMISSIONS  # every action names one of these (rum.actions)
OPTIONS = frozenset({"use", "default", "read_only", "login_required", "identity", "rules",
                     "hidden_fields", "see_hidden", "row_filters"})
RULE_KEYS = frozenset({"resources", "permissions", "roles", "users", "allow"})


@dataclass(frozen=True)
class Identity:
    """The person making the request, as the host knows them."""

    user: str
    roles: frozenset[str] = frozenset()


def identity_from_environ(environ) -> Identity | None:
    """repoze.who's identity (TurboGears), else REMOTE_USER (any server or host)."""
    who = environ.get("repoze.who.identity")
    if who and who.get("repoze.who.userid"):
        roles = set(who.get("groups") or ()) | set(who.get("roles") or ())
        return Identity(str(who["repoze.who.userid"]), frozenset(map(str, roles)))
    user = environ.get("REMOTE_USER")
    if user:
        return Identity(str(user), frozenset(environ.get("rum.roles") or ()))
    return None


def _as_identity(value: Any) -> Identity | None:
    if value is None or isinstance(value, Identity):
        return value
    if isinstance(value, str):
        return Identity(value)
    if isinstance(value, dict):
        return Identity(str(value["user"]), frozenset(value.get("roles") or ()))
    raise TypeError(f"an identity callable returned {type(value).__name__}")


def _names(value, key: str) -> frozenset[str] | None:
    """None for '*' (anything), else the set of names."""
    if value in (None, "*"):
        return None
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(map(str, value))
    raise ConfigError(key, "must be '*', a name or a list of names")


@dataclass(frozen=True)
class Rule:
    resources: frozenset[str] | None
    permissions: frozenset[str] | None
    roles: frozenset[str] | None
    users: frozenset[str] | None
    allow: bool

    def matches(self, identity: Identity | None, permission: str, resource: str) -> bool:
        if self.resources is not None and resource not in self.resources:
            return False
        if self.permissions is not None and permission not in self.permissions:
            return False
        if self.users is not None and (identity is None or identity.user not in self.users):
            return False
        if self.roles is not None and (identity is None or not identity.roles & self.roles):
            return False
        return True


def _rule(raw, key: str) -> Rule:
    if not isinstance(raw, dict) or set(raw) - RULE_KEYS or "allow" not in raw:
        raise ConfigError(key, f"a rule is a dict with 'allow' and any of {sorted(RULE_KEYS)}")
    permissions = _names(raw.get("permissions"), f"{key}.permissions")
    if permissions is not None and permissions - ALL:
        raise ConfigError(f"{key}.permissions", f"unknown {sorted(permissions - ALL)}; "
                          f"use {sorted(ALL)}")
    return Rule(_names(raw.get("resources"), f"{key}.resources"), permissions,
                _names(raw.get("roles"), f"{key}.roles"), _names(raw.get("users"), f"{key}.users"),
                bool(raw["allow"]))


class RulesPolicy:
    """The default policy: first matching rule wins, then `default`."""

    def __init__(self, options: dict, here: str = "", resources=()):
        unknown = set(options) - OPTIONS
        if unknown:
            raise ConfigError(f"{SECTION}.{sorted(unknown)[0]}",
                              f"unknown option; known: {sorted(OPTIONS)}")
        default = options.get("default", "allow")
        if default not in ("allow", "deny"):
            raise ConfigError(f"{SECTION}.default", "must be 'allow' or 'deny'")
        self.allow_by_default = default == "allow"
        self.read_only = bool(options.get("read_only", False))
        self.login_required = bool(options.get("login_required", False))
        finder = options.get("identity")
        self._identify: Callable = (import_object(finder, f"{SECTION}.identity", here)
                                    if finder else identity_from_environ)
        self.rules = tuple(_rule(r, f"{SECTION}.rules[{i}]")
                           for i, r in enumerate(options.get("rules") or ()))
        known = {r.name: r for r in resources}
        self.hidden_fields = {}
        for name, fields in (options.get("hidden_fields") or {}).items():
            key = f"{SECTION}.hidden_fields.{name}"
            if name not in known:
                raise ConfigError(key, f"no resource named {name!r}; known: {sorted(known)}")
            missing = set(fields) - {f.name for f in known[name].fields}
            if missing:
                raise ConfigError(key, f"unknown field(s) {sorted(missing)}")
            self.hidden_fields[name] = frozenset(fields)
        self.see_hidden = frozenset(options.get("see_hidden") or ())
        self.row_filters = {}
        for name, path in (options.get("row_filters") or {}).items():
            key = f"{SECTION}.row_filters.{name}"
            if name not in known:
                raise ConfigError(key, f"no resource named {name!r}")
            self.row_filters[name] = import_object(path, key, here)

    def identify(self, environ) -> Identity | None:
        return _as_identity(self._identify(environ))

    def permits(self, identity: Identity | None, permission: str, resource: str) -> bool:
        if self.login_required and identity is None:
            return False
        if self.read_only and permission != "read":
            return False
        for rule in self.rules:
            if rule.matches(identity, permission, resource):
                return rule.allow
        return self.allow_by_default

    def hidden(self, identity: Identity | None, resource: str) -> frozenset[str]:
        if identity is not None and identity.roles & self.see_hidden:
            return frozenset()
        return self.hidden_fields.get(resource, frozenset())

    def scope(self, identity: Identity | None, resource: str) -> tuple[Filter, ...]:
        """Row predicate as filters: lists are narrowed by them, single rows checked by them."""
        make = self.row_filters.get(resource)
        if make is None:
            return ()
        out = []
        for item in make(identity) or ():
            f = item if isinstance(item, Filter) else Filter(*item)
            if f.op not in OPS:
                raise ValueError(f"row filter for {resource!r} uses unknown operator {f.op!r}")
            out.append(f)
        return tuple(out)
