"""Where a browser goes after a write: the form's "Save and add another" / "Save and
continue editing" buttons (`_then`), and back to the list it came from (`return_to`).

Both only steer the redirect of an HTML form; JSON clients get status and data as always.
`return_to` is a relative URL of this admin's own list of the resource, or of a nested
list of it under a parent row (`/movies/5/actors?...`), checked here, so a link cannot turn
the admin into an open redirect.
"""

from urllib.parse import quote, unquote, urlsplit

from .call import Call
from .errors import MethodNotAllowed, NotFound
from .router import Match

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_RETURN_TO = 2000  # characters: a list URL with its filters, never more


def _form_value(call: Call, name: str) -> str:
    """A field of a submitted form ('' for JSON and other bodies)."""
    if call.request.content_type not in FORM_TYPES:
        return ""
    value = call.request.form.get(name, "")
    return value if isinstance(value, str) else ""


def local_path(value: str, root: str) -> bool:
    """Whether `value` is a path of this admin: no scheme, no host (`//host`, `/\\host`),
    under its mount point `root`."""
    if not value or len(value) > MAX_RETURN_TO or not value.isprintable() or "\\" in value:
        return False
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("//"):
        return False
    return value.startswith(root + "/")


def nested_list(call: Call, value: str) -> Match | None:
    """The route of `value` when it is a nested list page (HTML) whose rows are this
    resource's, as `/movies/5/actors?...` is for actors; else None."""
    path = urlsplit(value).path[len(call.urls.root):]
    try:
        match = call.app.router.match(unquote(path), "GET")
    except (NotFound, MethodNotAllowed):
        return None
    if match.action.name != "nested_index" or match.format or \
            match.resource not in call.app.registry:
        return None
    field = call.app.registry.get(match.resource).fields_by_name.get(match.relation)
    if field is None or field.related != call.served.name:
        return None
    return match


def return_to(call: Call) -> str:
    """The request's `return_to` (query or form), when it is this resource's own list page
    with any query, or a nested list of its rows; else ''."""
    value = call.request.GET.get("return_to", "") or _form_value(call, "return_to")
    if not local_path(value, call.urls.root):
        return ""
    base = call.urls.index(call.served.name)
    if value == base or value.startswith(base + "?"):
        return value
    return value if nested_list(call, value) is not None else ""


def return_query(url: str) -> str:
    """The query string that carries `url` on as `return_to` ('' for none)."""
    return f"return_to={quote(url, safe='/')}" if url else ""


def after_save(call: Call, record_id: str, saved_to: str) -> str:
    """The redirect after a form saved row `record_id`: the button's choice (`_then`),
    else the list it came from, else `saved_to` (its show page, or a nested list)."""
    then = _form_value(call, "_then")
    if then == "add":
        if call.parent is not None and call.allowed("nested_new"):
            return call.urls.url("nested_new", *call.parent.key)
        if call.allowed("new"):
            return call.urls.new(call.served.name)
    if then == "edit" and call.allowed("edit"):
        return call.urls.edit(call.served.name, record_id)
    return return_to(call) or saved_to
