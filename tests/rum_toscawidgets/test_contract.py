"""rum.contracts' view Protocols say exactly what rum_toscawidgets offers: the same methods,
each with the same parameters (names, kinds, defaults)."""

import inspect

import pytest

from rum.contracts import FormView, GridView, ViewFactory, ViewFactoryType
from rum.fields import Field
from rum_toscawidgets import ToscaWidgetsViewFactory
from rum_toscawidgets.forms import ToscaWidgetsForm
from rum_toscawidgets.grid import Grid

PAIRS = [(ViewFactory, ToscaWidgetsViewFactory), (FormView, ToscaWidgetsForm),
         (GridView, Grid)]


def _params(function) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()
            if p.name not in ("self", "cls")]


def _methods(protocol) -> list[str]:
    return [name for name, member in vars(protocol).items()
            if not name.startswith("_") and inspect.isfunction(member)]


@pytest.mark.parametrize("protocol, implementation", PAIRS, ids=[p.__name__ for p, _ in PAIRS])
def test_each_method_has_the_protocols_parameters(protocol, implementation):
    names = _methods(protocol)
    assert names
    for name in names:
        assert _params(getattr(implementation, name)) == _params(getattr(protocol, name)), name


def test_the_factory_is_built_as_the_protocol_says():
    assert _params(ToscaWidgetsViewFactory) == _params(ViewFactoryType.__call__)


def test_a_form_has_the_protocols_attributes():
    form = ToscaWidgetsForm((Field("a", "string"), Field("b", "date", read_only=True)), "C")
    for name in FormView.__annotations__:
        assert hasattr(form, name), name
    assert form.multipart is False
