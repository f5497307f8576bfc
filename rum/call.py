"""The per-request `Call` and the helpers every action uses to answer: pages and redirects."""

import hashlib
import hmac
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import webob
from genshi.core import Markup

from .access import Access
from .contracts import UnitOfWork
from .errors import NotFound
from .flash import pop_flash, set_flash
from .i18n import Translations
from .request import RumRequest
from .resources import Resource
from .router import Match
from .urls import Urls


@dataclass
class Call:
    """Everything one request's action needs, passed explicitly."""

    app: Any  # the RumApp
    request: RumRequest
    match: Match
    urls: Urls
    resource: Resource | None = None
    uow: UnitOfWork | None = None
    identity: Any = None  # from the policy; None when nobody is logged in
    access: Access | None = None  # what this identity may reach; the unit of work applies it
    hidden: frozenset = frozenset()  # field names the policy hides here
    parent: Any = None  # a nesting.Parent for `/movies/3/actors` pages

    @property
    def repo(self):
        return self.uow.repository(self.resource.name)

    @property
    def wants_json(self) -> bool:
        return self.match.format == "json"

    def can(self, permission: str, resource: str | None = None) -> bool:
        """Whether the policy lets this request's identity do `permission` (for links)."""
        name = resource if resource is not None else (self.resource.name if self.resource else "")
        if permission != "read" and name in self.app.registry and \
                self.app.registry.get(name).read_only:
            return False  # a view, or a table without a primary key
        return self.app.policy.permits(self.identity, permission, name)

    def visible(self, fields) -> tuple:
        """`fields` without those the policy hides from this identity."""
        return tuple(f for f in fields if f.name not in self.hidden)

    def get_row(self, ident: str, for_update: bool = False):
        """The row named `ident`, if the policy's row filters let this identity reach it
        (the repository applies them)."""
        return self.repo.get(ident, for_update=for_update)

    def version(self, stored: str) -> str:
        """A row's version as clients see it (ETag, form `_version`), from the repository's
        token. Keyed with the app's secret: a digest of the row's columns, hidden ones
        included, would otherwise let anyone confirm a guess of a hidden value."""
        if not stored:
            return ""
        message = f"{self.resource.name}\x00{stored}".encode()
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


def page(call: Call, template: str, status: int = 200, **data) -> webob.Response:
    """Render a Genshi page with the layout's common data."""
    response = webob.Response(status=status, content_type="text/html", charset="utf-8")
    flash = pop_flash(call.request, response)
    translations = call.translations
    data.update(can=call.can, csrf_token=call.csrf_token)
    data.update(urls=call.urls, app_title=call.app.options["title"], flash=flash,
                resources=[translations.resource(r) for r in call.app.readable(call.identity)],
                resource=translations.resource(call.resource), Markup=Markup)
    name = call.resource.name if call.resource else ""
    response.text = call.app.renderer.render(template, data, resource=name,
                                             translations=translations)
    call.app.catalogs.vary(response)
    return response


def value_of(call: Call, record) -> Any:
    """A page's `value(field, v)`: one value of `record` as markup, as the view shows it."""
    views, resource = call.app.views, call.resource
    return lambda field, v: Markup(views.value(resource, field, v, record, call.urls,
                                               call.translations))


def redirect(call: Call, location: str, message: str = "") -> webob.Response:
    response = webob.Response(status=303, location=location)
    if message:
        set_flash(response, call.request, message)
    return response


def only_html(call: Call) -> None:
    if call.match.format not in ("html",):
        raise NotFound(f"no {call.match.format} form of this page")


