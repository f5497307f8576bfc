"""The app's secret, which signs CSRF tokens and keys edit versions: one for every process.

A form served by one process is posted to whichever process takes the next request
(gunicorn workers, mod_wsgi daemons, a restarted server), so all of them need the same
secret. It is, in this order:

1. `[rum] secret`, when set;
2. else, for an app configured by a `.cfg` file, the secret kept beside that file in
   `<file>.secret` (`development.cfg.secret`): the first process to start makes it (random,
   mode 0600, put in place atomically) and every other process of the deployment reads it;
3. else (a dict config, or a directory Rum may not write) a random secret of this process
   alone. Then a request that the server marks `wsgi.multiprocess` cannot be trusted to
   come back to the same process: its writes are refused with a 500 saying what to set,
   rather than some of them failing the CSRF or version check at random.
"""

import logging
import os
import secrets
import tempfile
from dataclasses import dataclass

from .errors import ConfigError, Misconfigured
from .i18n import N_

log = logging.getLogger(__name__)
SUFFIX = ".secret"


@dataclass(frozen=True)
class Secret:
    key: bytes
    shared: bool  # every process of the deployment has this key
    origin: str  # where it comes from, for the log


def app_secret(configured: str, config_file: str = "") -> Secret:
    """The secret of an app with `[rum] secret` = `configured`, read from `config_file`
    ("" for a dict config)."""
    if configured:
        return Secret(configured.encode("utf-8"), True, "[rum] secret")
    if config_file:
        path = config_file + SUFFIX
        try:
            return Secret(_kept(path), True, path)
        except OSError as exc:
            log.warning("[rum] secret is not set and %s cannot be made or read (%s)", path, exc)
    log.warning("[rum] secret is not set: using a random one for this process alone. Under a "
                "server of several processes (gunicorn -w 2, mod_wsgi daemons) Rum refuses "
                "writes until every process has the same [rum] secret.")
    return Secret(secrets.token_bytes(32), False, "this process")


def _kept(path: str) -> bytes:
    """The secret in `path`, made there first if there is none yet. Several processes may
    start at once: each writes its candidate to a file of its own and links it to `path`;
    the first link wins and every process reads the winner."""
    if not os.path.exists(path):
        fd, candidate = tempfile.mkstemp(prefix=".rum-secret-", dir=os.path.dirname(path) or ".")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32) + "\n")
            try:
                os.link(candidate, path)  # atomic, and never replaces an existing secret
            except FileExistsError:
                pass
        finally:
            os.unlink(candidate)
    with open(path, encoding="utf-8") as fh:
        text = fh.read().strip()
    if not text:
        raise ConfigError("rum.secret", f"{path} is empty: remove it (Rum then makes a new "
                          "one) or set [rum] secret")
    log.info("[rum] secret is not set: using the one kept in %s", path)
    return text.encode("utf-8")


def check_shared(secret: Secret, environ: dict, unsafe: bool) -> None:
    """Refuse a write (`unsafe`) that the server says several processes may be serving
    (`wsgi.multiprocess`) when the secret is this process's own."""
    if unsafe and not secret.shared and environ.get("wsgi.multiprocess"):
        log.error("refusing a write: several processes serve this app (wsgi.multiprocess) "
                  "and [rum] secret is not set; set [rum] secret to one long random value "
                  "for all of them")
        raise Misconfigured(N_("This admin runs in several processes without a shared secret, "
                          "so it cannot accept changes: its configuration needs [rum] secret "
                          "(one long random value, the same for every process)."))
