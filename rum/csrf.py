"""CSRF protection without server sessions: a signed double-submit token.

The browser holds a random nonce in an HttpOnly cookie; every form carries
HMAC(secret, nonce, user), and every unsafe request must send it back (form field
`_csrf` or header `X-CSRF-Token`). A page on another site can make the browser send the
cookie but can neither read it nor compute the HMAC, so its forged request fails.

The token is bound to the identity the policy found (its `user`; "" for anonymous): a
cookie and token pair planted while anonymous, or minted for alice, is refused for bob.
Logging in or out therefore asks for a reload before the next form is accepted.
"""

import hashlib
import hmac
import re
import secrets

from .errors import Forbidden
from .i18n import N_

COOKIE = "rum_csrf"
FIELD = "_csrf"
HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NONCE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
NEW_NONCE = "rum.csrf.new_nonce"  # environ key: a nonce made during this request


class Csrf:
    """Issues and checks tokens for one RumApp (its secret)."""

    def __init__(self, secret: bytes, enabled: bool = True):
        self.secret = secret
        self.enabled = enabled

    def _sign(self, nonce: str, identity=None) -> str:
        # length-prefixed, so no nonce/user split can collide with another
        message = b"%d:%s:%s" % (len(nonce), nonce.encode("ascii"),
                                 user_of(identity).encode("utf-8"))
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:40]

    @staticmethod
    def _cookie_nonce(request) -> str | None:
        value = request.cookies.get(COOKIE, "")
        return value if NONCE.match(value) else None

    def token(self, request, identity=None) -> str:
        """The token for forms on this response, for `identity` (None: anonymous); makes a
        nonce (and later a cookie) if needed."""
        nonce = self._cookie_nonce(request) or request.environ.get(NEW_NONCE)
        if nonce is None:
            nonce = secrets.token_urlsafe(24)
            request.environ[NEW_NONCE] = nonce
        return self._sign(nonce, identity)

    def set_cookie(self, request, response) -> None:
        """Give the browser the nonce made while answering (if any)."""
        nonce = request.environ.get(NEW_NONCE)
        if nonce:
            response.set_cookie(COOKIE, nonce, path=request.script_name or "/", httponly=True,
                                samesite="Lax", secure=request.scheme == "https")

    def check(self, request, submitted: str | None, identity=None) -> None:
        """Forbidden unless an unsafe request carries the token matching its cookie and the
        identity making it."""
        if not self.enabled or request.method.upper() not in UNSAFE:
            return
        nonce = self._cookie_nonce(request)
        sent = request.headers.get(HEADER) or submitted or ""
        if not nonce or not sent:
            raise Forbidden(N_("The form's security token is missing (cookies must be on). "
                               "Reload the page and submit again."))
        if not hmac.compare_digest(self._sign(nonce, identity).encode("ascii"),
                                   sent.encode("utf-8", "replace")):
            raise Forbidden(N_("The form's security token is wrong or out of date. "
                               "Reload the page and submit again."))


def user_of(identity) -> str:
    """The user an identity names: its `user` (rum.policy.Identity), a plain string, or ""."""
    if identity is None:
        return ""
    return str(getattr(identity, "user", identity))
