"""Languages: Accept-Language negotiation, catalogs, and translated pages through the real app."""

import logging
import os
import re
import subprocess
import sys
from gettext import GNUTranslations, NullTranslations

import pytest

from rum import RumApp
from rum.errors import ConfigError
from rum.i18n import LOCALEDIR, Catalogs, Translations, negotiate, parse_accept_language
from tests.conftest import ROOT, demo_config, post, wrap

DEMO_LABELS = os.path.join(ROOT, "locale")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def create(app, resource: str, params: dict, headers=None, status="*"):
    """POST a new row the way a browser does: from the form page, with what it carries."""
    form = app.get(f"/{resource}/new", headers=headers).text
    hidden = dict(re.findall(r'<input type="hidden" name="(_\w+)" value="([^"]*)"', form))
    hidden.update((m[1], m[0]) for m in re.findall(
        r'<input type="hidden" value="([^"]*)" name="(_\w+)"', form))
    return post(app, f"/{resource}", {**hidden, **params}, headers=headers, status=status)


def error_beside(html: str, field: str) -> str:
    found = re.search(rf'<span id="{re.escape(field)}:error" class="error">([^<]*)</span>', html)
    return found.group(1) if found else ""


# --- negotiation ---------------------------------------------------------------------------

def test_accept_language_is_ordered_by_quality_then_position():
    assert parse_accept_language("fr;q=0.3, es-MX, de;q=0.8, en;q=0.8") == [
        "es-mx", "de", "en", "fr"]


def test_accept_language_drops_refused_and_malformed_ranges():
    assert parse_accept_language("es;q=0, de;q=abc, <script>, fr ;q=0.5, , *;q=0.1") == [
        "fr", "*"]
    assert parse_accept_language(None) == []
    assert parse_accept_language("") == []


AVAILABLE = ("de", "en", "es")


@pytest.mark.parametrize("header, expected", [
    ("es", "es"),
    ("de-DE,de;q=0.9,en;q=0.8", "de"),
    ("es-MX", "es"),  # a region falls back to its language
    ("ES_mx", "es"),
    ("zh-Hant-TW, es;q=0.2", "es"),  # the best available, not the first asked for
    ("fr, de;q=0.5, es;q=0.7", "es"),
    ("en-US, es;q=0.9", "en"),
    ("fr", "en"),  # nothing available: the default
    ("fr, *;q=0.5", "en"),
    ("", "en"),
    (None, "en"),
    ("es;q=0, de;q=0", "en"),
])
def test_negotiate(header, expected):
    assert negotiate(header, AVAILABLE) == expected


def test_negotiate_keeps_the_spelling_of_the_catalog_directory():
    assert negotiate("pt-br, pt;q=0.5", ("en", "pt_BR")) == "pt_BR"


# --- catalogs ------------------------------------------------------------------------------

def test_rum_ships_spanish_and_german():
    catalogs = Catalogs()
    assert catalogs.available == ("de", "en", "es")
    for locale in ("es", "de"):
        mo = os.path.join(LOCALEDIR, locale, "LC_MESSAGES", "rum.mo")
        assert os.path.isfile(mo) and os.path.isfile(mo[:-3] + ".po")
    assert catalogs["es"].gettext("Next") == "Siguiente"
    assert catalogs["de"].gettext("Next") == "Weiter"
    assert catalogs["en"].gettext("Next") == "Next"
    assert catalogs["es"].gettext("no such message") == "no such message"
    assert catalogs["de"].ngettext("%(count)s row", "%(count)s rows", 1) == "%(count)s Zeile"
    assert catalogs["de"].ngettext("%(count)s row", "%(count)s rows", 7) == "%(count)s Zeilen"


def test_config_locale_wins_over_accept_language():
    catalogs = Catalogs("es")
    assert catalogs.negotiate("de, en;q=0.5") == "es"
    assert catalogs.negotiate(None) == "es"
    assert Catalogs("es-MX").forced == "es"
    assert Catalogs("").negotiate("de") == "de"


def test_unknown_config_locale_is_a_config_error():
    with pytest.raises(ConfigError) as caught:
        Catalogs("fr")
    assert caught.value.key == "rum.locale" and "available" in str(caught.value)


@pytest.mark.parametrize("options, key", [
    ({"locale": 1}, "rum.locale"),
    ({"translations": 3}, "rum.translations"),
    ({"translations": ["ok", None]}, "rum.translations"),
])
def test_bad_options_name_their_key(demo_db, options, key):
    with pytest.raises(ConfigError) as caught:
        RumApp(demo_config(demo_db, rum=options))
    assert caught.value.key == key


def test_a_missing_translations_directory_only_warns(demo_db, caplog):
    with caplog.at_level(logging.WARNING, logger="rum.i18n"):
        app = RumApp(demo_config(demo_db, rum={"translations": "no-such-dir"}))
    assert "no-such-dir" in caplog.text
    assert app.catalogs.available == ("de", "en", "es")


def _write_mo(path, messages: dict, locale: str) -> None:
    pytest.importorskip("babel")
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale=locale)
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fp:
        write_mo(fp, catalog)


def test_host_catalogs_come_first_and_fall_back_to_rums(tmp_path):
    _write_mo(str(tmp_path / "es" / "LC_MESSAGES" / "rum.mo"), {"Next": "Adelante"}, "es")
    _write_mo(str(tmp_path / "fr" / "LC_MESSAGES" / "rum.mo"), {"Movie": "Film"}, "fr")
    catalogs = Catalogs("", [str(tmp_path)])
    assert catalogs.available == ("de", "en", "es", "fr")
    assert catalogs["es"].gettext("Next") == "Adelante"
    assert catalogs["es"].gettext("Previous") == "Anterior"  # Rum's own, behind the host's
    assert catalogs["fr"].gettext("Movie") == "Film"
    assert catalogs["fr"].gettext("Next") == "Next"


def test_translations_read_labels_in_a_sentence_as_the_language_does():
    assert Translations("es", NullTranslations()).in_sentence("Películas") == "películas"
    assert Translations("de", NullTranslations()).in_sentence("Filme") == "Filme"
    assert Translations("de_AT", NullTranslations()).in_sentence("Filme") == "Filme"
    assert Translations("pt_BR", NullTranslations()).lang == "pt-BR"


def test_a_translated_resource_is_a_copy(rum_app):
    movies = rum_app.registry.get("movies")
    with open(os.path.join(DEMO_LABELS, "es", "LC_MESSAGES", "rum.mo"), "rb") as fp:
        spanish = Translations("es", GNUTranslations(fp))
    translated = spanish.resource(movies)
    assert (translated.label, translated.plural_label) == ("Película", "Películas")
    assert [f.label for f in translated.list_fields][:3] == ["Id", "Título", "Género"]
    assert [f.name for f in translated.form_fields] == [f.name for f in movies.form_fields]
    assert movies.label == "Movie" and movies.list_fields[1].label == "Title"  # untouched
    assert rum_app.catalogs["en"].resource(movies) is movies


# --- through the app -----------------------------------------------------------------------

def test_list_page_in_spanish(client):
    page = client.get("/movies", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in page.text
    text = text_of(page.text)
    for spanish in ("Buscar", "Siguiente", "200 filas", "Ver", "Editar", "Eliminar",
                    "Acciones", "Añadir movie", "Aplicar filtros", "Ir al contenido"):
        assert spanish in text, spanish
    assert 'aria-label="Páginas"' in page.text and 'aria-label="Recursos"' in page.text
    for english in ("Search", "Next", "rows", "Show", "Edit", "Actions"):
        assert not re.search(rf"\b{english}\b", text), english


def test_list_page_in_german(client):
    page = client.get("/movies?page=2", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="de">' in page.text
    text = text_of(page.text)
    for german in ("Suchen", "Weiter", "Zurück", "200 Zeilen", "Anzeigen", "Bearbeiten",
                   "Löschen", "Movie anlegen"):
        assert german in text, german


def test_english_without_a_header(client):
    page = client.get("/movies")
    assert '<html lang="en">' in page.text
    assert "Accept-Language" in page.headers["Vary"]  # for caches: the language depends on it
    text = text_of(page.text)
    for english in ("Search", "Next", "200 rows", "Show", "Edit", "New movie"):
        assert english in text, english


def test_headings_and_buttons_of_the_other_pages(client):
    spanish = {"Accept-Language": "es"}
    assert "Añadir movie" in text_of(client.get("/movies/new", headers=spanish).text)
    edit = text_of(client.get("/movies/1/edit", headers=spanish).text)
    assert "Editar movie:" in edit and "Guardar" in edit and "Cancelar" in edit
    german = {"Accept-Language": "de"}
    new = text_of(client.get("/movies/new", headers=german).text)
    assert "Movie anlegen" in new and "Anlegen" in new and "Abbrechen" in new
    show = text_of(client.get("/movies/1", headers=german).text)
    assert "Bearbeiten" in show and "Zurück zur Liste: Movies" in show


def test_form_errors_are_translated_beside_their_fields(client):
    params = {"title": "", "year": "nineteen", "genre": "1"}
    page = create(client, "movies", params, headers={"Accept-Language": "es"}, status=422)
    assert error_beside(page.text, "title") == "Introduzca un valor"
    assert error_beside(page.text, "year") == "Introduzca un número entero"
    assert "Corrija los errores indicados a continuación." in page.text
    page = create(client, "movies", params, headers={"Accept-Language": "de"}, status=422)
    assert error_beside(page.text, "title") == "Geben Sie einen Wert ein"
    assert error_beside(page.text, "year") == "Geben Sie eine ganze Zahl ein"


def test_a_filled_in_validator_message_is_translated(client):
    params = {"title": "x" * 201, "year": "2001", "genre": "1"}
    page = create(client, "movies", params, headers={"Accept-Language": "es"}, status=422)
    assert error_beside(page.text, "title") == "Introduzca como máximo 200 caracteres"
    page = create(client, "movies", params, status=422)
    assert error_beside(page.text, "title") == "Enter at most 200 characters"


def test_database_refusals_are_translated_too(client):
    page = create(client, "genres", {"name": "Drama"}, headers={"Accept-Language": "de"},
                  status=422)
    assert error_beside(page.text, "name") == "existiert bereits; wählen Sie einen anderen Wert"


def test_flash_after_create_is_in_the_language_of_the_request(client):
    created = create(client, "genres", {"name": "Noir"}, headers={"Accept-Language": "es"},
                     status=303)
    shown = created.follow(headers={"Accept-Language": "es"})
    assert "Registro creado: Genre Noir." in shown.text
    created = create(client, "genres", {"name": "Giallo"}, headers={"Accept-Language": "de"},
                     status=303)
    assert "Genre Giallo angelegt." in created.follow().text


def test_error_pages_are_translated_and_json_stays_english(client):
    page = client.get("/no-such-thing", headers={"Accept-Language": "de"}, status=404)
    assert '<html lang="de">' in page.text
    assert "404 Nicht gefunden" in page.text and "Zurück zur Startseite" in page.text
    assert "Accept-Language" in page.headers["Vary"]
    body = client.get("/movies/999999.json", headers={"Accept-Language": "de"}, status=404).json
    assert body["error"] == "Not found"


def test_model_labels_from_a_host_catalog(demo_db):
    app = wrap(RumApp(demo_config(demo_db, rum={"translations": ["locale"]})))
    text = text_of(app.get("/movies", headers={"Accept-Language": "es"}).text)
    for spanish in ("Películas", "Añadir película", "Título", "Año", "Género", "Alquileres"):
        assert spanish in text, spanish
    text = text_of(app.get("/movies/new", headers={"Accept-Language": "de"}).text)
    assert "Film anlegen" in text and "Titel" in text and "Regisseur" in text
    created = create(app, "genres", {"name": "Noir"}, headers={"Accept-Language": "es"},
                     status=303)
    assert "Registro creado: Género Noir." in created.follow().text


def test_two_apps_keep_their_own_language(demo_db):
    spanish = wrap(RumApp(demo_config(demo_db, rum={"locale": "es"})))
    german = wrap(RumApp(demo_config(demo_db, rum={"locale": "de"})))
    asks_english = {"Accept-Language": "en"}
    assert "Accept-Language" not in german.get("/movies").headers.get("Vary", "")
    for _ in range(2):
        es_page = spanish.get("/movies", headers=asks_english).text
        de_page = german.get("/movies", headers=asks_english).text
        assert '<html lang="es">' in es_page and "Siguiente" in es_page and "Weiter" not in es_page
        assert '<html lang="de">' in de_page and "Weiter" in de_page and "Siguiente" not in de_page
    page = create(german, "movies", {"title": ""}, headers=asks_english, status=422)
    assert error_beside(page.text, "title") == "Geben Sie einen Wert ein"


# --- the catalogs are current --------------------------------------------------------------

def _read_po(path):
    from babel.messages.pofile import read_po

    with open(path, "rb") as fp:
        return read_po(fp)


def test_every_message_is_translated_and_compiled(tmp_path):
    """Fails when a new UI string has no Spanish or German yet: run `make i18n`, translate."""
    pytest.importorskip("babel")
    pot = tmp_path / "rum.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    wanted = {m.id for m in _read_po(str(pot)) if m.id}
    assert len(wanted) > 50
    for locale in ("es", "de"):
        po_path = os.path.join(LOCALEDIR, locale, "LC_MESSAGES", "rum.po")
        catalog = _read_po(po_path)
        translated = {m.id for m in catalog if m.id and not m.fuzzy and (
            all(m.string) if isinstance(m.string, tuple) else m.string)}
        assert not wanted - translated, f"{locale}: untranslated {sorted(wanted - translated)}"
        with open(po_path[:-3] + ".mo", "rb") as fp:
            compiled = GNUTranslations(fp)
        for message in catalog:
            if message.id and not isinstance(message.id, tuple):
                assert compiled.gettext(message.id) == message.string, (
                    f"{locale}: rum.mo is older than rum.po; run `make i18n`")


# --- values and errors in the request's language ----------------------------------------------

NARROW = "\u202f"
IN_LOCALE = [  # (Accept-Language, rental 1's date, 404 text, 400 text, 422 text beside `genre`)
    ("en", f"Jan 26, 2024, 5:00:00{NARROW}AM", "no Movie with id '99999'",
     "cannot sort on 'nope'", "no Genre with id or name 'Nope'"),
    ("es", "26 ene 2024, 5:00:00", "no hay ningún Movie con id '99999'",
     "no se puede ordenar por 'nope'", "no hay ningún Genre con id o nombre 'Nope'"),
    ("de", "26.01.2024, 05:00:00", "kein Movie mit ID '99999'",
     "nach 'nope' kann nicht sortiert werden", "kein Genre mit ID oder Namen 'Nope'"),
]


@pytest.mark.parametrize("lang, date, not_found, bad, invalid", IN_LOCALE,
                         ids=[c[0] for c in IN_LOCALE])
def test_dates_and_errors_in_the_language_of_the_request(client, lang, date, not_found, bad,
                                                         invalid):
    headers = {"Accept-Language": lang}
    listed = client.get("/rentals?sort=id&limit=1", headers=headers).text
    assert f">{date}<" in listed
    assert f">{date}<" in client.get("/rentals/1", headers=headers).text
    page = client.get("/movies/99999", headers=headers, status=404)
    assert f'<p class="error-message">{not_found}</p>' in page.text.replace("&#39;", "'")
    assert client.get("/movies/99999.json", headers=headers, status=404).json == {
        "error": "Not found", "message": not_found, "status": 404}  # `error` stays as it is
    page = client.get("/movies?sort=nope", headers=headers, status=400)
    assert bad in page.text.replace("&#39;", "'")
    assert client.get("/movies.json?sort=nope", headers=headers, status=400).json["message"] == bad
    page = create(client, "movies", {"title": "T", "year": "2001", "genre": "Nope"},
                  headers=headers, status=422)
    assert error_beside(page.text, "genre").replace("&#39;", "'") == invalid


@pytest.mark.parametrize("lang", ["en", "es", "de"])
def test_json_csv_and_form_inputs_keep_iso_in_every_language(client, lang):
    headers = {"Accept-Language": lang}
    assert client.get("/rentals/1.json", headers=headers).json["rented_at"] == "2024-01-26T05:00:00"
    assert ",2024-01-26T05:00:00," in client.get("/rentals.csv?sort=id", headers=headers).text
    form = client.get("/rentals/1/edit", headers=headers).forms[0]
    assert form["rented_at"].value == "2024-01-26T05:00"


@pytest.mark.parametrize("lang, sentence", [
    ("en", "Unlinks 1 actor (it is kept)."),
    ("de", "1 Actor wird nur entkoppelt (bleibt erhalten)."),
    ("es", "Desvincula 1 actor (se conserva)."),
])
def test_one_related_row_reads_in_the_singular(client, lang, sentence):
    movie = client.get("/movies/1.json").json
    for ref in movie["actors"][1:]:  # leave it one actor
        post(client, "/movies/1/actors/unlink", {"ids": ref["id"]}, status=303)
    page = client.get("/movies/1/confirm_delete", headers={"Accept-Language": lang})
    assert sentence in text_of(page.text)


@pytest.mark.parametrize("lang, exclude, names", [
    ("en", "'exclude' takes at most 500 ids", "a filter on 'director' takes at most 50 values"),
    ("es", "'exclude' admite como máximo 500 ids",
     "un filtro sobre 'director' admite como máximo 50 valores"),
    ("de", "'exclude' nimmt höchstens 500 IDs",
     "ein Filter auf 'director' nimmt höchstens 50 Werte"),
])
def test_limits_of_suggestions_and_name_filters_read_in_the_language(client, lang, exclude,
                                                                      names):
    headers = {"Accept-Language": lang}
    many_ids = ",".join(str(i) for i in range(501))
    answer = client.get(f"/movies/complete.json?field=actors&exclude={many_ids}",
                        headers=headers, status=400)
    assert answer.json["message"] == exclude
    many_names = ",".join(f"Name {i}" for i in range(51))
    answer = client.get(f"/movies.json?f.director.in={many_names}", headers=headers, status=400)
    assert answer.json["message"] == names
