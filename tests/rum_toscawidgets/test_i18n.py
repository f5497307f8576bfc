"""The views in another language: whatever has gettext/ngettext comes in, nothing else of rum.i18n."""

import re

import pytest

from rum.builtin_actions import builtin_table
from rum.contracts import Record
from rum.errors import Invalid
from rum.fields import Field
from rum.links import ListLinks
from rum.query import Page, Query
from rum.resources import Resource
from rum.urls import Urls
from rum_toscawidgets import ToscaWidgetsViewFactory
from rum_toscawidgets.forms import ToscaWidgetsForm
from rum_toscawidgets.isolation import Tw2State
from rum_toscawidgets.validators import StringConverter, translated

SPANISH = {"Title": "Título", "Next": "Siguiente", "Show": "Ver", "Enter a value": "Introduzca un valor",
           "Enter at most $max_length characters": "Introduzca como máximo $max_length caracteres"}


class Pseudo:
    """Just the stdlib's gettext protocol."""

    def gettext(self, message):
        return SPANISH.get(message, message)

    def ngettext(self, singular, plural, n):
        return ("%(count)s fila" if n == 1 else "%(count)s filas") if "row" in singular else (
            singular if n == 1 else plural)


FIELDS = (Field("id", "integer", primary_key=True, read_only=True),
          Field("title", "string", required=True, max_length=5))
RESOURCE = Resource(name="movies", model=object, label="Movie", plural_label="Movies",
                    fields=FIELDS, list_fields=FIELDS, form_fields=FIELDS[1:])


def test_translated_fills_in_the_translated_template():
    validator = StringConverter(max_length=5)
    assert translated("Enter at most 5 characters", validator, Pseudo().gettext) == (
        "Introduzca como máximo 5 caracteres")
    assert translated("Enter a value", validator, Pseudo().gettext) == "Introduzca un valor"
    assert translated("something else", None, Pseudo().gettext) == "something else"


def test_grid_texts_and_labels_in_the_given_language():
    query = Query()
    page = Page([Record("1", "x", {"id": 1, "title": "Alien"})], query, count=41, has_next=True)
    links = ListLinks(Urls("", builtin_table()), "movies", query, 20)
    views = ToscaWidgetsViewFactory({}, registry=[RESOURCE])
    grid = views.grid(RESOURCE)
    with views.scope():
        html = grid.render(page.rows, page, links, translations=Pseudo())
        english = grid.render(page.rows, page, links)
    assert ">Título</a>" in html and ">Siguiente</a>" in html and ">Ver</a>" in html
    assert "41 filas" in html
    assert ">Title</a>" in english and ">Next</a>" in english and "41 rows" in english


@pytest.fixture
def form():
    state = Tw2State()
    with state.scope():
        yield ToscaWidgetsForm(FIELDS[1:], "Movie")


def test_form_labels_and_errors_in_the_given_language(form):
    with pytest.raises(Invalid) as caught:
        form.validate({"title": "too long"})
    html = form.render({"title": "too long"}, caught.value.errors, {}, translations=Pseudo())
    assert re.search(r'<label for="title">Título</label>', html)
    assert "Introduzca como máximo 5 caracteres" in html
    assert caught.value.errors == {"title": "Enter at most 5 characters"}  # validate: English
