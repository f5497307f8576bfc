"""Domain errors. Each carries its HTTP status; `rum.app` maps them to responses in one place.

A message is a msgid marked with N_ and its parameters: `NotFound(N_("no %(label)s with id
%(id)s"), label=..., id=...)`. `message` is then a `rum.i18n.Message`: English text as `str`
(logs, `str(exc)`), translated where the error is shown (`Translations.gettext(message)`)."""

from .i18n import N_, Message


class RumError(Exception):
    """Base of every error Rum turns into an HTTP answer."""

    status = 500
    title = N_("Server error")

    def __init__(self, message: str = "", **params):
        self.message = message if isinstance(message, Message) and not params else \
            Message(message or self.title, **params)
        super().__init__(str(self.message))

    def text(self, translations) -> str:
        """The message in the language of `translations` (a `rum.i18n.Translations`)."""
        return translations.gettext(self.message)


class BadRequest(RumError):
    status = 400
    title = N_("Bad request")


class Unauthorized(RumError):
    status = 401
    title = N_("Login required")


class Forbidden(RumError):
    status = 403
    title = N_("Forbidden")


class NotFound(RumError):
    status = 404
    title = N_("Not found")


class MethodNotAllowed(RumError):
    status = 405
    title = N_("Method not allowed")

    def __init__(self, allowed: tuple[str, ...], message: str = "", **params):
        if not message:
            message, params = N_("Allowed methods: %(methods)s"), {"methods": ", ".join(allowed)}
        super().__init__(message, **params)
        self.allowed = allowed


class Conflict(RumError):
    """`errors`: the fields changed on both sides since the client read the row, if known."""

    status = 409
    title = N_("Conflict")

    def __init__(self, message: str = "", errors: dict[str, str] | None = None, **params):
        super().__init__(message, **params)
        self.errors = errors or {}


class PreconditionFailed(RumError):
    status = 412
    title = N_("Precondition failed")


class PreconditionRequired(RumError):
    """A write that names no version to check (no If-Match, no `_version`): it could
    silently overwrite someone else's change, so it is refused unless blind writes are on."""

    status = 428
    title = N_("Precondition required")


class TooLarge(RumError):
    status = 413
    title = N_("Request body too large")


class UriTooLong(RumError):
    status = 414
    title = N_("Request URI too long")


class Unavailable(RumError):
    """The database does not answer (down, unreachable, too slow): try again later."""

    status = 503
    title = N_("Service unavailable")
    retry_after = 5  # seconds: sent as the Retry-After header

    def __init__(self, message: str = "", **params):
        super().__init__(message or N_("The database is not answering right now. "
                                       "Please try again in a moment."), **params)


class Misconfigured(RumError):
    """The deployment cannot serve this request as configured (the message says what to
    set); a 500 that is the operator's to fix, not a bug."""

    title = N_("Server configuration error")


class Invalid(RumError):
    """Input that fails validation: `errors` maps a field name (or '' for the form) to a message.

    `choices`: field name -> the rows (`rum.contracts.Ref`) a name given for it matches
    when it matches several, so a form can offer them to choose from."""

    status = 422
    title = N_("Invalid input")

    def __init__(self, errors: dict[str, str], message: str = "", choices=None):
        super().__init__(message or "; ".join(f"{k or 'form'}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.choices: dict = dict(choices or {})


class ConfigError(Exception):
    """A configuration mistake, raised at start-up; the message names the key and the fix."""

    def __init__(self, key: str, problem: str):
        super().__init__(f"config key {key!r}: {problem}")
        self.key = key
