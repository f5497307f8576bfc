"""Keep tw2's thread-local request state apart from a host's.

tw2 keeps one request-local dict per thread and expects a TwMiddleware in it while widgets
render or validate. Rum does not wrap itself in TwMiddleware (it would buffer every response);
it keeps a configured middleware object of its own and swaps it in only around its calls,
restoring whatever a host (TurboGears uses tw2 too) had there before.
"""

from contextlib import contextmanager

from tw2.core import core as tw2_core
from tw2.core.middleware import TwMiddleware


class Tw2State:
    """This app's tw2 configuration, made current only inside `scope()`."""

    def __init__(self, debug: bool = False):
        with self._isolated():
            # A TwMiddleware takes the resources queued by widget classes at import time;
            # building ours in isolation leaves those for the host's own middleware.
            self.middleware = TwMiddleware(
                None, default_engine="genshi", preferred_rendering_engines=["genshi"],
                debug=False, auto_reload_templates=debug, inject_resources=False,
                serve_resources=False, serve_controllers=False)

    @staticmethod
    @contextmanager
    def _isolated():
        local = tw2_core.request_local()
        saved = dict(local)
        local.clear()
        try:
            yield local
        finally:
            local.clear()
            local.update(saved)

    @contextmanager
    def scope(self):
        with self._isolated() as local:
            local["middleware"] = self.middleware
            yield
