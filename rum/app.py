"""RumApp: built once from its config, complete when the constructor returns; a WSGI app."""

import logging
import os
import traceback
from collections.abc import Mapping

import webob

from . import history, limits, variants
from .access import Access
from .actions import ActionTable
from .builtin_actions import builtin_table
from .call import Call, Parent
from .config import POLICY, REPOSITORY, VIEW, Config, load_config
from .contracts import (
    ModelInfo,
    Policy,
    PolicyType,
    RepositoryFactory,
    RepositoryFactoryType,
    ViewFactory,
    ViewFactoryType,
)
from .csrf import FIELD as CSRF_FIELD
from .csrf import HEADER as CSRF_HEADER
from .csrf import UNSAFE, Csrf
from .custom_actions import custom_table
from .errors import (
    BadRequest,
    ConfigError,
    Forbidden,
    MethodNotAllowed,
    NotFound,
    RumError,
    Unauthorized,
    Unavailable,
)
from .formats import error_body, json_response
from .headers import secure
from .i18n import N_, Catalogs, Message, Term
from .navigation import Navigation
from .plugins import Plugins, load_plugin
from .read_memory import ReadMemory
from .rendering import Renderer
from .request import RumRequest
from .resources import Registry, Resource, build_resource, resource_class, served_name
from .responding import negotiate, respond
from .router import STATIC_PREFIX, Match, Router
from .secret import app_secret, check_shared
from .static import StaticFiles
from .urls import Urls

log = logging.getLogger(__name__)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
PERMISSIONS = {  # a sentence per permission, to translate whole
    "read": N_("You may not read %(things)s."),
    "create": N_("You may not create %(things)s."),
    "update": N_("You may not update %(things)s."),
    "delete": N_("You may not delete %(things)s."),
}
STATIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")


def _build_registry(infos: list[ModelInfo], config: Config, resources=None) -> Registry:
    """Resources from the models, their INI options and resource classes (`resources`:
    model name -> rum.Admin subclass or instance), relations pointing at resource names."""
    if not isinstance(resources or {}, Mapping):
        raise ConfigError("resources", "RumApp(resources=...) takes a dict of model name -> "
                          "resource class, such as {'Movie': MovieAdmin}")
    given = dict(resources or {})
    unknown = (set(config.resources) | set(given)) - {info.name for info in infos}
    if unknown:
        raise ConfigError(f"resources.{sorted(unknown)[0]}", "no such model is served; "
                          f"models: {sorted(info.name for info in infos)}")
    setups = {info.name: resource_class(info.name, config.resources.get(info.name, {}),
                                        given.get(info.name), config.here) for info in infos}
    names = {name: served_name(name, opts, admin) for name, (opts, admin) in setups.items()}
    built = []
    for info in infos:
        fields = tuple(f.but(related=names.get(f.related))
                       if f.is_relation and f.related is not None else f for f in info.fields)
        opts, admin = setups[info.name]
        built.append(build_resource(ModelInfo(info.model, info.name, fields,
                                                  read_only=info.read_only,
                                                  label_fields=info.label_fields), opts,
                                        f"resources.{info.name}",
                                        config.options["page_size"], admin))
    return Registry(built)


class RumApp:
    """The admin application. `RumApp(dict_or_cfg_path)`; then serve it with any WSGI server.
    `resources={"Movie": MovieAdmin}` gives models their resource classes (rum.admin)."""

    def __init__(self, config, *, resources=None, actions: ActionTable | None = None,
                 full_stack: bool | None = None, debug: bool | None = None):
        """`actions`: the table of built-in actions to serve (default: all of
        `rum.builtin_actions.builtin_table()`); resource classes add their own."""
        self.config = load_config(config, debug=debug, full_stack=full_stack)
        self.full_stack = self.config.full_stack
        self.debug = self.config.debug
        self.options = self.config.options
        installed = Plugins()  # one look-up of the installed entry points for the three
        repo_options = dict(self.config.repository)
        factory: RepositoryFactoryType = load_plugin(
            "rum.repositoryfactory", repo_options.pop("use", "sqlalchemy"), f"{REPOSITORY}.use",
            installed)
        self.repositories: RepositoryFactory = factory(repo_options, here=self.config.here)
        self.history = history.settings(self.config.history)
        # before models(): the backend may hide its history table from reflection
        self.history_source = history.enable(self.repositories, self.history,
                                             self.config.here)
        infos = self.repositories.models()
        self.registry = _build_registry(infos, self.config, resources)
        self.repositories.bind({r.model: r.name for r in self.registry})
        notes = getattr(self.repositories, "notes", None)  # optional in the contract
        self.table_notes = list(notes()) if notes is not None else []
        view_options = dict(self.config.view)
        views: ViewFactoryType = load_plugin("rum.viewfactory", view_options.pop("use", "toscawidgets"),
                                              f"{VIEW}.use", installed)
        self.views: ViewFactory = views(view_options, registry=self.registry, debug=self.debug)
        self.catalogs = Catalogs(self.options["locale"], [
            os.path.join(self.config.here, p) for p in self.options["translations"]])
        templates = [os.path.join(self.config.here, p) for p in self.options["templates"]]
        self.renderer = Renderer(templates, auto_reload=self.debug)
        self.navigation = Navigation(self.renderer)
        self.memory = ReadMemory(self.options["memory_seconds"])
        policy_options = dict(self.config.policy)
        policy: PolicyType = load_plugin("rum.policy", policy_options.get("use", "rules"),
                                         f"{POLICY}.use", installed)
        self.policy: Policy = policy(policy_options, here=self.config.here, resources=list(self.registry))
        self.secret = app_secret(self.options["secret"], self.config.file)
        self.csrf = Csrf(self.secret.key, enabled=self.options["csrf"])
        self.actions = custom_table(actions if actions is not None else builtin_table(),
                                    self.registry)
        self.router = Router(self.actions)
        self.static = StaticFiles({"rum": STATIC, **self.views.static_dirs()})
        log.info("Rum serving %d resources: %s", len(self.registry),
                 ", ".join(r.name for r in self.registry))

    def __call__(self, environ, start_response):
        request = RumRequest(environ)
        response = self.respond(request)
        return response(environ, start_response)

    def respond(self, request: RumRequest) -> webob.Response:
        """The pipeline: route, resolve, authorize, run the action in one unit of work,
        render its result."""
        fmt = ""
        try:
            limits.check_body(request.environ, self.options["max_body"])
            limits.check_query_string(request.environ, self.options["max_query"])
            check_shared(self.secret, request.environ, request.method.upper() in UNSAFE)
            identity = self.policy.identify(request.environ)
            path = request.checked_path()
            if path.startswith(STATIC_PREFIX):  # assets, not actions: no login needed
                if request.method not in ("GET", "HEAD"):
                    raise MethodNotAllowed(("GET",))
                return self.static.response(request, path[len(STATIC_PREFIX):])
            try:
                match = self.router.match(path, request.effective_method)
            except (NotFound, MethodNotAllowed):
                self.require_login(identity)  # what exists is not for anonymous eyes either
                raise
            self.require_login(identity)
            fmt = negotiate(request, match.format, match.action.formats)
            resource, parent = self.target(match)
            access = self.authorize(request, identity, match, resource, parent)
            write = request.method.upper() in UNSAFE  # its version check must be atomic
            since = self.memory.generation
            try:
                with self.repositories.unit_of_work(request.environ, access=access,
                                                    write=write) as uow, \
                        self.views.scope():
                    call = Call(self, request, match, fmt,
                                Urls(request.script_name, self.actions), identity, access,
                                uow, resource, parent,
                                access.hidden(resource.name) if resource else frozenset(),
                                since)
                    response = respond(call, match.action.handler(call))
            finally:
                if write:  # committed or not: what was remembered may be past
                    self.memory.written()
            if request.method in ("GET", "HEAD") and self.csrf.enabled:
                # JSON clients read the token here and send it back in the same header
                response.headers[CSRF_HEADER] = self.csrf.token(request, identity)
            self.csrf.set_cookie(request, response)
            secure(response, self.options["frame_ancestors"])
            return response
        except RumError as exc:
            response = self.error_response(request, exc, fmt)
            secure(response, self.options["frame_ancestors"])
            return response
        except UnicodeError:
            return self.error_response(request, BadRequest(N_("the request is not valid UTF-8")),
                                       fmt)
        except Exception:
            if not self.full_stack:
                raise
            log.exception("unexpected error on %s %r", request.method,
                          request.environ.get("PATH_INFO"))
            if self.debug:  # tracebacks in debug mode only, never in production
                error = RumError(traceback.format_exc())
                response = self.error_response(request, error, fmt)
                secure(response, self.options["frame_ancestors"])
                return response
            return self.error_response(request, RumError(N_("An unexpected error happened; it "
                                                            "has been logged.")), fmt)

    def target(self, match: Match) -> tuple[Resource | None, Parent | None]:
        """The resource an action is about, and on nested pages the parent row's relation:
        the child resource, or the owner's for actions that change the owner (linking)."""
        action = match.action
        if action.target == "site":
            return None, None
        owner = self.registry.get(match.resource)
        if action.target != "relation":
            return owner, None
        field = owner.fields_by_name.get(match.relation)
        if field is None or field.kind != "to_many" or not field.related:
            raise NotFound(N_("%(label)s has no collection %(relation)s"),
                           label=Message(owner.label), relation=repr(match.relation))
        parent = Parent(owner, match.id, field)
        return (owner if action.owner else self.registry.get(field.related)), parent

    def require_login(self, identity) -> None:
        """Unauthorized for anonymous requests when the policy says `login_required`: every
        page, the home page, `_meta` and the OpenAPI document included (not static files)."""
        if identity is None and getattr(self.policy, "login_required", False):
            raise Unauthorized(N_("Log in to use this admin."))

    def readable(self, identity) -> list:
        """The resources `identity` may read: all that any listing of resources shows."""
        return [r for r in self.registry if self.policy.permits(identity, "read", r.name)]

    def authorize(self, request: RumRequest, identity, match: Match,
                  resource: Resource | None, parent: Parent | None) -> Access:
        """Policy (who may do this here), then CSRF (did this page send it), before any
        work; what this identity may reach, for the unit of work."""
        self.require_login(identity)
        permission = match.action.permission
        if parent is not None and not self.policy.permits(identity, "read",
                                                          parent.resource.name):
            raise Forbidden(N_("You may not read %(things)s."),
                            things=Term(parent.resource.plural_label))
        if resource is not None and resource.read_only and permission != "read":
            raise Forbidden(N_("%(things)s are read-only."), things=Message(resource.plural_label))
        if resource is not None and not self.policy.permits(identity, permission,
                                                            resource.name):
            raise Forbidden(PERMISSIONS.get(permission)
                            or N_("You may not %(permission)s %(things)s."),
                            permission=permission, things=Term(resource.plural_label))
        if request.method.upper() in UNSAFE:
            submitted = None
            if request.content_type in FORM_TYPES:
                submitted = request.form.get(CSRF_FIELD)
            self.csrf.check(request, submitted, identity)
        return Access(self.policy, identity,
                      base=variants.base_for(self.registry, request, identity))

    def _readable_for(self, request) -> list:
        try:
            return self.readable(self.policy.identify(request.environ))
        except Exception:  # an error page must render even when identifying failed
            log.exception("identifying the request failed while answering an error")
            return []

    def error_response(self, request, exc: RumError, fmt: str = "") -> webob.Response:
        """The one place domain errors become HTTP responses.

        JSON and CSV requests get a JSON error body (a program reads either), pages HTML.
        `fmt` is the response's format when routing got that far.
        """
        if not fmt:
            path = request.environ.get("PATH_INFO", "")
            fmt = "json" if path.endswith((".json", ".csv")) else \
                negotiate(request, "", ("html", "json"))
        if fmt in ("json", "csv"):
            translations = self.catalogs.for_request(request)  # Accept-Language: read, never fails
            response = json_response(error_body(exc, translations.gettext), status=exc.status)
            self.catalogs.vary(response)
        else:
            response = webob.Response(status=exc.status, content_type="text/html",
                                      charset="utf-8")
            try:
                translations = self.catalogs.for_request(request)
                readable = self._readable_for(request)
                urls = Urls(request.script_name, self.actions)
                named = _named_resource(request, readable, urls)
                resources = [translations.resource(r) for r in readable]
                menu = named.name if named is not None else None
                response.text = self.renderer.render("error.html", {
                    "error": exc, "urls": urls, "url": urls.url,
                    "app_title": self.options["title"], "flash": None,
                    "resources": resources, "resource": translations.resource(named),
                    "menu_resource": menu,
                    "navigation": self.navigation.html(urls, translations, resources, menu)},
                    translations=translations)
                self.catalogs.vary(response)
            except Exception:
                log.exception("error page failed to render")
                response.content_type = "text/plain"
                response.text = f"{exc.status} {exc.title}\n{exc.message}\n"
        # without an extension, Accept chose JSON or HTML: caches must keep them apart
        response.vary = tuple(response.vary or ()) + ("Accept",)
        if isinstance(exc, MethodNotAllowed):
            response.allow = exc.allowed
        if isinstance(exc, Unavailable):
            response.retry_after = exc.retry_after
            response.cache_control.no_store = True
        return response


def _named_resource(request, readable: list, urls: Urls) -> Resource | None:
    """The resource the request's path names (`/movies/99999/edit`), when this identity may
    read it and it has a list: the error page links back there rather than home."""
    # the raw WSGI string: names are ASCII, and a path that is not UTF-8 gets this page too
    name = request.environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
    return next((r for r in readable if r.name == name and urls.has("index", r.name)), None)
