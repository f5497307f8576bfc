"""tw2's per-thread request state: Rum's scope swaps its own in and restores the host's."""

import threading

import tw2.core as twc
import tw2.forms as twf
from tw2.core import core as tw2_core
from tw2.core.middleware import TwMiddleware

from rum.fields import Field
from rum_toscawidgets.forms import ToscaWidgetsForm
from rum_toscawidgets.isolation import Tw2State


def test_scope_restores_host_state():
    local = tw2_core.request_local()
    host_mw = TwMiddleware(None, preferred_rendering_engines=["genshi"], default_engine="genshi")
    local.clear()
    local.update({"middleware": host_mw, "resources": ["host-resource"], "host-key": 1})
    ours = Tw2State()
    assert local["middleware"] is host_mw, "building Rum's state must not replace the host's"
    with ours.scope():
        assert local["middleware"] is ours.middleware
        assert "host-key" not in local
        form = ToscaWidgetsForm((Field("name", "string", required=True),), "Iso")
        assert 'name="name"' in form.render({}, {}, {})
    assert local["middleware"] is host_mw
    assert local["resources"] == ["host-resource"] and local["host-key"] == 1
    # the host can still render its own widgets afterwards
    assert "<input" in twf.TextField(id="host_field").display()
    local.clear()


def test_scope_restores_even_when_the_call_fails():
    local = tw2_core.request_local()
    local.clear()
    local["marker"] = "host"
    ours = Tw2State()
    try:
        with ours.scope():
            raise twc.ValidationError("boom")
    except twc.ValidationError:
        pass
    assert local == {"marker": "host"}
    local.clear()


def test_two_states_in_threads_do_not_mix():
    seen = []

    def worker(state):
        for _ in range(50):
            with state.scope():
                seen.append(tw2_core.request_local()["middleware"] is state.middleware)

    states = [Tw2State(), Tw2State()]
    threads = [threading.Thread(target=worker, args=(s,)) for s in states]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 100 and all(seen)
