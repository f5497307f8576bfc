"""Static files of one RumApp, from the package directories its parts name."""

import mimetypes
import os

import webob

from .errors import NotFound
from .i18n import N_


class StaticFiles:
    """Serves `<prefix>/<path>` from a directory per prefix; never outside those directories."""

    def __init__(self, dirs: dict[str, str], max_age: int = 3600):
        self.dirs = {prefix: os.path.realpath(d) for prefix, d in dirs.items()}
        self.max_age = max_age

    def response(self, request, path: str) -> webob.Response:
        prefix, _, rest = path.partition("/")
        root = self.dirs.get(prefix)
        if root is None or not rest or "\x00" in rest:  # the OS refuses NUL in a path
            raise NotFound(N_("no static file %(path)s"), path=repr(path))
        full = os.path.realpath(os.path.join(root, rest))
        if not full.startswith(root + os.sep) or not os.path.isfile(full):
            raise NotFound(N_("no static file %(path)s"), path=repr(path))
        ctype = mimetypes.guess_type(full)[0] or "application/octet-stream"
        response = webob.Response(content_type=ctype, charset=None)
        if ctype.startswith("text/") or ctype in ("application/javascript",):
            response.charset = "utf-8"
        with open(full, "rb") as fh:
            response.body = fh.read()
        response.cache_control.max_age = self.max_age
        response.cache_control.public = True
        response.conditional_response = True
        response.md5_etag()
        return response
