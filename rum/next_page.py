"""Where a browser goes after a write: the form's "Save and add another" / "Save and
continue editing" buttons (`_then`), and back to the list it came from (`return_to`).

Both only steer the redirect of an HTML form; JSON clients get status and data as always.
`return_to` is a relative URL of this admin's own list of the resource, checked here, so a
link cannot turn the admin into an open redirect.
"""

from urllib.parse import quote

from .call import Call

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_RETURN_TO = 2000  # characters: a list URL with its filters, never more


def _form_value(call: Call, name: str) -> str:
    """A field of a submitted form ('' for JSON and other bodies)."""
    if call.request.content_type not in FORM_TYPES:
        return ""
    value = call.request.form.get(name, "")
    return value if isinstance(value, str) else ""


def return_to(call: Call) -> str:
    """The request's `return_to` (query or form), when it is this resource's own list page
    with any query; else ''."""
    value = call.request.GET.get("return_to", "") or _form_value(call, "return_to")
    if not value or len(value) > MAX_RETURN_TO or not value.isprintable():
        return ""
    base = call.urls.index(call.served.name)
    return value if value == base or value.startswith(base + "?") else ""


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
