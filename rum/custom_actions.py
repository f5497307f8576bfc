"""Custom actions of resource classes, as entries of the app's action table.

An `@action` method `publish` of the resource `movies` becomes two actions at
`/movies/publish`: `confirm_publish` (GET: the confirmation page for `?ids=...`) and
`publish` (POST, HTML or JSON: runs it on the posted `ids` in the request's transaction).
The list's action menu offers it for the ticked rows (through its confirmation page, as
the list's form is a GET), the show page for its row.
"""

import re
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from . import history
from .actions import Action, ActionTable, CustomAction, Doc
from .call import Call
from .deleting import chosen_preview, chosen_rows, nothing_ticked
from .errors import ConfigError
from .i18n import N_
from .matching import wants_all
from .results import Page, Result

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MENUS = {"row": ("show",), "selection": ("list",), "both": ("list", "show")}


@dataclass(frozen=True)
class Button:
    """A custom action's button on a page: to its confirmation page, or posting at once."""

    label: str
    confirm: str  # the question ("": a row's button posts without asking)
    confirm_url: str  # the confirmation page (the list adds the ticked ids)
    post_to: str


def buttons(call: Call, menu: str, ident: str = "") -> list[Button]:
    """The custom actions this identity may run, for `menu` ("list" or "show")."""
    resource = call.served.name
    out = []
    for a in call.app.actions.for_resource(resource):
        if menu in a.menus and a.methods == ("POST",) and call.allowed(a.name):
            query = urlencode({"ids": ident}) if ident else ""
            out.append(Button(a.label, a.confirm, call.urls.url(f"confirm_{a.name}", resource,
                                                                 query=query),
                              call.urls.url(a.name, resource)))
    return out


def confirm_page(custom: CustomAction, call: Call) -> Result:
    """What the action will run on, and the question; its form posts to the action."""
    back = nothing_ticked(call)
    if back is not None:
        return back
    records, count, params = chosen_preview(call, custom.label, N_("handled"))
    post_to = call.urls.url(custom.name, call.served.name) + (f"?{params}" if params else "")
    return Result(page=Page("confirm_action.html", {
        "records": records, "count": count, "more": count - len(records),
        "everything": wants_all(call), "label": custom.label, "question": custom.confirm,
        "post_to": post_to}))


def run(custom: CustomAction, call: Call) -> Result:
    """The resource class's method on the posted rows (locked, within the policy's reach).
    What it returns is the message; an error it raises rolls everything back."""
    ids, rows = chosen_rows(call, custom.label, N_("handled"))
    watches = [history.watch(call, row) for row in rows]
    message = getattr(call.served.admin, custom.method)(call, rows)
    for row, watch in zip(rows, watches, strict=True):
        if watch is not None:
            watch.done(custom.name, row, always=True)
    if not message:
        message = call.gettext("%(action)s: %(count)s done.", action=custom.label,
                               count=len(rows))
    return Result(data={"message": str(message), "count": len(rows), "ids": ids},
                  redirect=call.urls.index(call.served.name), message=str(message))


def _entries(resource, custom: CustomAction) -> tuple[Action, Action]:
    path = f"/{resource.name}/{custom.name}"
    common = dict(target="selection", resource=resource.name, label=custom.label,
                  confirm=custom.confirm, menus=MENUS[custom.on])
    confirm = Action(f"confirm_{custom.name}", path, ("GET",), custom.permission,
                     partial(confirm_page, custom), formats=("html",), page_for=custom.name,
                     **common)
    doc = Doc(f"{custom.label}: %(plural)s", body="ids", ok="done", matching=True,
              codes=(400, 401, 403, 404, 409, 413, 422))
    act = Action(custom.name, path, ("POST",), custom.permission, partial(run, custom),
                 formats=("html", "json"), docs={"POST": doc}, **common)
    return confirm, act


def custom_table(table: ActionTable, registry) -> ActionTable:
    """`table` with every resource class's own actions and the built-in ones it drops."""
    extra: list[Action] = []
    excluded: dict[str, frozenset[str]] = {}
    builtin = table.names()
    for resource in registry:
        if resource.admin is None:
            continue
        key = f"resources.{getattr(resource.model, '__name__', resource.name)}"
        dropped = frozenset(resource.admin.exclude_actions)
        if dropped - builtin:
            raise ConfigError(f"{key}.exclude_actions", f"no action named "
                              f"{sorted(dropped - builtin)[0]!r}; actions: {sorted(builtin)}")
        excluded[resource.name] = dropped
        taken = builtin | {f.name for f in resource.fields}
        for custom in type(resource.admin).custom_actions():
            if not NAME.match(custom.name) or custom.name in taken or \
                    f"confirm_{custom.name}" in taken:
                raise ConfigError(f"{key}.{custom.method}", f"the action name {custom.name!r} "
                                  "is taken by a built-in action or a field, or is not a "
                                  "lower-case name; give @action(name=...) another")
            extra.extend(_entries(resource, custom))
    return table.with_(extra, excluded)
