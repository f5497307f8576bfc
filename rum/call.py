"""The per-request `Call`: built whole before the action runs, handed to it explicitly."""

import hashlib
import hmac
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from genshi.core import Markup

from . import variants
from .access import Access
from .actions import Action
from .contracts import Repository, UnitOfWork
from .fields import Field
from .i18n import Translations
from .request import RumRequest
from .resources import Resource
from .router import Match
from .urls import Urls

if TYPE_CHECKING:
    from .app import RumApp


@dataclass(frozen=True)
class Parent:
    """The row a nested page hangs under, and the relation followed from it."""

    resource: Resource
    id: str
    field: Field

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.resource.name, self.id, self.field.name)


@dataclass(frozen=True)
class Call:
    """Everything one request's action needs, complete when the action starts.

    `resource` is None for actions about the whole admin (home, `_meta`, OpenAPI);
    `parent` is set on nested pages (`/movies/3/actors`). `format` is the one the
    response will have (the extension's, else the best of `Accept`)."""

    app: "RumApp"
    request: RumRequest
    match: Match
    format: str
    urls: Urls
    identity: Any  # from the policy; None when nobody is logged in
    access: Access  # what this identity may reach; the unit of work applies it
    uow: UnitOfWork
    resource: Resource | None = None
    parent: Parent | None = None
    hidden: frozenset[str] = frozenset()  # field names the policy hides here
    since: int = 0  # the app's write generation when the request began (rum.read_memory)

    @property
    def action(self) -> Action:
        return self.match.action

    @property
    def served(self) -> Resource:
        """The resource of a resource action (every action but home, `_meta`, OpenAPI)."""
        if self.resource is None:
            raise LookupError(f"action {self.action.name!r} has no resource")
        return self.resource

    @property
    def repo(self) -> Repository:
        return self.uow.repository(self.served.name)

    def can(self, permission: str, resource: str | None = None) -> bool:
        """Whether the policy lets this request's identity do `permission` (for links)."""
        name = resource if resource is not None else (self.resource.name if self.resource else "")
        if permission != "read" and name in self.app.registry and \
                self.app.registry.get(name).read_only:
            return False  # a view, or a table without a primary key
        return bool(self.app.policy.permits(self.identity, permission, name))

    def allowed(self, name: str, resource: str | None = None) -> bool:
        """Whether action `name` exists for `resource` (default: this one) and the policy
        lets this identity run it: what every link and button of a page asks."""
        res = resource if resource is not None else (self.resource.name if self.resource else "")
        action = self.app.actions.get(name, res)
        return action is not None and self.can(action.permission, res)

    @cached_property
    def list_fields(self) -> tuple[Field, ...]:
        """The list's columns for this request: the resource class's choice
        (`get_list_fields`), less the fields the policy hides."""
        return self.visible(variants.list_fields(self.served, self.request, self.identity))

    @cached_property
    def form_fields(self) -> tuple[Field, ...]:
        """The form's fields for this request (`get_form_fields`), those of
        `get_read_only_fields` marked read-only, less the fields the policy hides."""
        fields = variants.form_fields(self.served, self.request, self.identity)
        return self.visible(variants.read_only(self.served, self.request, self.identity,
                                               fields))

    def visible(self, fields) -> tuple:
        """`fields` without those the policy hides from this identity."""
        return tuple(f for f in fields if f.name not in self.hidden)

    def get_row(self, ident: str, for_update: bool = False) -> Any:
        """The row named `ident`, if the policy's row filters let this identity reach it
        (the repository applies them)."""
        return self.repo.get(ident, for_update=for_update)

    def version(self, stored: str) -> str:
        """A row's version as clients see it (ETag, form `_version`), from the repository's
        token. Keyed with the app's secret: a digest of the row's columns, hidden ones
        included, would otherwise let anyone confirm a guess of a hidden value."""
        if not stored:
            return ""
        message = f"{self.served.name}\x00{stored}".encode()
        return hmac.new(self.app.csrf.secret, message, hashlib.sha256).hexdigest()[:32]

    @property
    def csrf_token(self) -> str:
        return self.app.csrf.token(self.request, self.identity)

    @cached_property
    def translations(self) -> Translations:
        """The request's language: `[rum] locale`, else the best of its Accept-Language."""
        return self.app.catalogs.for_request(self.request)

    def gettext(self, message: str, **params) -> str:
        """`message` in the request's language, `%(name)s` filled from `params`."""
        text = self.translations.gettext(message)
        return text % params if params else text


    def value_of(self, record) -> Any:
        """A page's `value(field, v)`: one value of `record` as markup, as the view shows it."""
        views, resource = self.app.views, self.served
        return lambda field, v: Markup(views.value(resource, field, v, record, self.urls,
                                                   self.translations))
