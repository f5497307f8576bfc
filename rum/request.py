"""The request object: WebOb's, plus the method override HTML forms need."""

import webob

from .errors import BadRequest, RumError
from .i18n import N_

OVERRIDABLE = frozenset({"PUT", "DELETE", "PATCH"})


class RumRequest(webob.Request):
    """A WebOb request; per-request state of Rum lives here, never in globals."""

    @property
    def form(self):
        """The body's form fields (WebOb's POST), or BadRequest when it cannot be parsed."""
        try:
            return self.POST
        except RumError:
            raise
        except Exception:  # a broken multipart boundary, bad encoding, truncated body...
            raise BadRequest(N_("the form data in the request body cannot be read")) from None

    @property
    def effective_method(self) -> str:
        """POST with `_method=PUT|DELETE|PATCH` (HTML forms) counts as that method."""
        method = self.method.upper()
        if method == "POST" and "_method" in self.GET:
            override = self.GET["_method"].upper()
        elif method == "POST" and self.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            override = self.form.get("_method", "").upper()
        else:
            return method
        if not override:
            return method
        if override not in OVERRIDABLE:
            raise BadRequest(N_("_method must be one of %(methods)s, not %(method)s"),
                             methods=sorted(OVERRIDABLE), method=repr(override))
        return override

    def checked_path(self) -> str:
        """PATH_INFO as text; undecodable bytes are the client's mistake (400), not ours."""
        try:
            return self.path_info
        except UnicodeError:  # servers hand over undecodable bytes in various shapes
            raise BadRequest(N_("the request path is not valid UTF-8")) from None
