"""Domain errors keep their msgid and parameters: English as text, translated where shown."""

import pickle

import pytest

from rum.errors import BadRequest, Invalid, MethodNotAllowed, NotFound, RumError
from rum.formats import error_body
from rum.i18n import N_, Catalogs, Message, Term


@pytest.fixture(scope="module")
def catalogs():
    return Catalogs()


def test_an_error_reads_in_english_as_text():
    exc = NotFound(N_("no %(model)s with id %(id)s"), model=Message("Movie"), id=repr("9"))
    assert str(exc) == exc.message == "no Movie with id '9'"
    assert (exc.message.msgid, exc.message.params["id"]) == ("no %(model)s with id %(id)s", "'9'")
    assert RumError().message == "Server error"  # no message: its title


@pytest.mark.parametrize("lang, expected", [
    ("en", "You may not read movies."),
    ("es", "No puede ver movies."),
    ("de", "Sie dürfen keine Movies lesen."),  # German keeps the noun's capital
])
def test_a_message_is_translated_then_filled(catalogs, lang, expected):
    exc = BadRequest(N_("You may not read %(things)s."), things=Term("Movies"))
    assert exc.text(catalogs[lang]) == expected
    assert catalogs[lang].gettext(exc.message) == expected  # what templates and forms call


def test_plural_messages_take_the_languages_form(catalogs):
    one, many = (Message("%(count)s row", "%(count)s rows", n) for n in (1, 6))
    assert (one, many) == ("1 row", "6 rows")
    assert (catalogs["de"].gettext(one), catalogs["de"].gettext(many)) == ("1 Zeile", "6 Zeilen")


def test_messages_survive_pickling():
    message = Message(N_("no %(model)s with id %(id)s"), model=Term("Movies"), id="1")
    again = pickle.loads(pickle.dumps(message))
    assert (again, again.msgid, type(again.params["model"])) == (message, message.msgid, Term)


def test_json_bodies_translate_messages_and_keep_their_keys(catalogs):
    exc = Invalid({"genre": Message(N_("no %(model)s with id or name %(text)s"),
                                    model=Message("Genre"), text="'x'")})
    body = error_body(exc, catalogs["es"].gettext)
    assert body["error"] == "Invalid input" and body["status"] == 422
    assert body["errors"] == {"genre": "no hay ningún Genre con id o nombre 'x'"}
    assert error_body(exc)["errors"] == {"genre": "no Genre with id or name 'x'"}


def test_method_not_allowed_names_the_methods(catalogs):
    exc = MethodNotAllowed(("GET", "POST"))
    assert str(exc) == "Allowed methods: GET, POST"
    assert exc.text(catalogs["de"]) == "Erlaubte Methoden: GET, POST"
