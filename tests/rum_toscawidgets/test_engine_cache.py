"""tw2's process-wide engine cache: a host preferring Kajiki keeps it, Rum keeps Genshi."""

import pytest
import tw2.forms as twf
from tw2.core import core as tw2_core
from tw2.core import templating
from tw2.core.middleware import TwMiddleware

from rum.fields import Field
from rum_toscawidgets.forms import ToscaWidgetsForm
from rum_toscawidgets.isolation import Tw2State
from tests.fixtures.tw2_spy import spy_on_renders

FIELDS = (Field("name", "string", required=True), Field("notes", "text"),
          Field("active", "boolean"))


@pytest.fixture
def engines(monkeypatch):
    """(engine, template) of every tw2 render, with a fresh engine cache for the test."""
    yield spy_on_renders(monkeypatch)
    tw2_core.request_local().clear()


def _host(engine: str):
    local = tw2_core.request_local()
    local.clear()
    local["middleware"] = TwMiddleware(None, default_engine=engine,
                                       preferred_rendering_engines=[engine, "genshi"])
    return local


def test_rum_renders_with_genshi_after_a_kajiki_host_and_leaves_its_cache(engines):
    pytest.importorskip("kajiki", reason="kajiki is in the embed extra: pip install -e '.[embed]'")
    _host("kajiki")
    before_host = twf.TextField(id="host_name").display()
    assert engines and {e for e, _ in engines} == {"kajiki"}
    cache = dict(templating.engine_name_cache)
    assert cache.get("tw2.forms.templates.input_field") == "kajiki"

    ours = Tw2State()
    form = ToscaWidgetsForm(FIELDS, "Pinned")
    del engines[:]
    with ours.scope():
        html = form.render({"name": "n"}, {}, {})
    assert 'name="name"' in html and "<textarea" in html
    assert engines and {e for e, _ in engines} == {"genshi"}, engines
    assert templating.engine_name_cache == cache, "Rum changed tw2's engine cache"

    del engines[:]
    after_host = twf.TextField(id="host_name").display()
    assert after_host == before_host
    assert {e for e, _ in engines} <= {"kajiki"}


def test_rum_first_does_not_decide_for_the_host(engines):
    """Rum rendering first must not leave `genshi` for bare template names."""
    ours = Tw2State()
    form = ToscaWidgetsForm(FIELDS, "First")
    tw2_core.request_local().clear()
    with ours.scope():
        form.render({}, {}, {})
    assert templating.engine_name_cache == {}
    assert engines and all(e == "genshi" for e, _ in engines)


def test_every_template_of_a_form_names_its_engine():
    form = ToscaWidgetsForm(FIELDS + (Field("file", "binary"), Field("at", "date", read_only=True)),
                            "Named", widgets={"notes": twf.TextArea},
                            fieldsets=(("Basics", ("name",)),))
    templates = [form.widget.template] + [c.template for c in form.widget.children]
    assert templates and all(t.startswith("genshi:") for t in templates), templates
