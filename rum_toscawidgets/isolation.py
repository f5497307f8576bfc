"""Keep tw2's thread-local request state apart from a host's.

tw2 keeps one request-local dict per thread and expects a TwMiddleware in it while widgets
render or validate. Rum does not wrap itself in TwMiddleware (it would buffer every response);
it keeps a configured middleware object of its own and swaps it in only around its calls,
restoring whatever a host (TurboGears uses tw2 too) had there before.

tw2 also remembers, in one process-wide dict keyed by template name
(`tw2.core.templating.engine_name_cache`), which engine renders a template: the first app
to render `tw2.forms.templates.input_field` decides for every other. So Rum names its engine
in its widgets' templates (`genshi:tw2.forms.templates.input_field`, see `pin_engine`): a
host that prefers Kajiki keeps Kajiki, Rum keeps Genshi, and the names Rum's renders put in
that dict are taken out again when its scope ends, so the host finds the dict as it left it.
"""

from contextlib import contextmanager

from tw2.core import core as tw2_core
from tw2.core import templating
from tw2.core.middleware import TwMiddleware

ENGINE = "genshi"


class Tw2State:
    """This app's tw2 configuration, made current only inside `scope()`."""

    def __init__(self, debug: bool = False):
        with self._isolated():
            # A TwMiddleware takes the resources queued by widget classes at import time;
            # building ours in isolation leaves those for the host's own middleware.
            self.middleware = TwMiddleware(
                None, default_engine=ENGINE, preferred_rendering_engines=[ENGINE],
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
        cache = templating.engine_name_cache
        known = set(cache)
        try:
            with self._isolated() as local:
                local["middleware"] = self.middleware
                yield
        finally:
            for name in [n for n in list(cache) if n not in known]:
                cache.pop(name, None)


def pin_engine(widget) -> None:
    """Name Rum's engine in the template of `widget` and of every child under it.

    A template name that carries its engine (`genshi:...`) is rendered by that engine
    whatever a host prefers or tw2's global engine cache says for the bare name.
    """
    stack = [widget]
    while stack:
        current = stack.pop()
        template = getattr(current, "template", None)
        if isinstance(template, str) and template and ":" not in template:
            current.template = f"{ENGINE}:{template}"
        stack.extend(getattr(current, "children", None) or ())
