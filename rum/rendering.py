"""Genshi page templates: loaded once, looked up per resource first (`movies/show.html`)."""

import os
from gettext import NullTranslations

from genshi.core import START, QName
from genshi.filters import Translator
from genshi.template import TemplateLoader
from genshi.template.loader import TemplateNotFound

from .i18n import DEFAULT, Translations

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
TRANSLATIONS = "rum_translations"  # the render context's key for the request's translations
TRANSLATED_ATTRS = Translator.INCLUDE_ATTRS | {"aria-label"}


class RequestTranslator(Translator):
    """Genshi's Translator (static text and i18n: directives), with the translations the
    render context carries rather than fixed ones, so one cached template serves every
    language."""

    def __call__(self, stream, ctxt=None, translate_text=True, translate_attrs=True):
        translations = ctxt.get(TRANSLATIONS) if ctxt is not None else None
        translator = Translator(translations or NullTranslations(), self.ignore_tags,
                                self.include_attrs, self.extract_text)
        return translator(stream, ctxt, translate_text=translate_text,
                          translate_attrs=translate_attrs)


def _translatable(template) -> None:
    RequestTranslator(include_attrs=TRANSLATED_ATTRS).setup(template)


class _Lang:
    """Stream filter: `<html lang>` is the page's language, unless a template set its own."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, stream):
        stream = iter(stream)
        for kind, data, pos in stream:
            if kind is START and data[0].localname == "html":
                tag, attrs = data
                if attrs.get("lang") is None:
                    data = tag, attrs | [(QName("lang"), self.lang)]
                yield kind, data, pos
                break
            yield kind, data, pos
        yield from stream


class Renderer:
    """Renders pages; a user's template directories come before Rum's own."""

    def __init__(self, search_path: list[str], auto_reload: bool = False):
        self.loader = TemplateLoader(list(search_path) + [TEMPLATES], auto_reload=auto_reload,
                                     max_cache_size=200, callback=_translatable)
        self.auto_reload = auto_reload
        self._names: dict[tuple[str, str], str] = {}  # (resource, name) -> template file found

    def template(self, name: str, resource: str = ""):
        found = self._names.get((resource, name))
        if found is None or self.auto_reload:
            found = name
            if resource:
                try:
                    self.loader.load(f"{resource}/{name}")
                    found = f"{resource}/{name}"
                except TemplateNotFound:
                    pass
            self._names[(resource, name)] = found
        return self.loader.load(found)

    def render(self, name: str, data: dict, resource: str = "", translations=None) -> str:
        """Templates get `_`, `ngettext`, `lang` and `in_sentence` from `translations`."""
        translations = translations or Translations(DEFAULT, NullTranslations())
        data = {**data, TRANSLATIONS: translations, "_": translations.gettext,
                "ngettext": translations.ngettext, "lang": translations.lang,
                "in_sentence": translations.in_sentence}
        stream = self.template(name, resource).generate(**data) | _Lang(translations.lang)
        return stream.render("html", doctype="html5", encoding=None)
