"""Flash messages in a cookie: set on the redirect after a write, shown once on the next page."""

import json
from urllib.parse import quote, unquote

COOKIE = "rum_flash"
KINDS = ("success", "error", "info")


def set_flash(response, request, message: str, kind: str = "success") -> None:
    value = quote(json.dumps([kind if kind in KINDS else "info", message[:500]]))
    response.set_cookie(COOKIE, value, path=(request.script_name or "/"), httponly=True,
                        samesite="Lax")


def pop_flash(request, response) -> tuple[str, str] | None:
    """The pending message, if any; clears the cookie on `response`."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    response.delete_cookie(COOKIE, path=(request.script_name or "/"))
    if len(raw) > 2000:  # ours are short; anything longer was not set by us
        return None
    try:
        kind, message = json.loads(unquote(raw))
    except (ValueError, TypeError, RecursionError):
        return None
    if kind not in KINDS or not isinstance(message, str):
        return None
    return kind, message
