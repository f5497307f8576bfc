"""Genshi page templates: loaded once, looked up per resource first (`movies/show.html`)."""

import os
from gettext import NullTranslations

from genshi.core import START, QName
from genshi.filters import Translator
from genshi.template import Context, TemplateLoader
from genshi.template.loader import TemplateNotFound

from .i18n import DEFAULT, Translations, _Untranslated
from .values import display

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
TRANSLATIONS = "rum_translations"  # the render context's key for the request's translations
TRANSLATED_ATTRS = Translator.INCLUDE_ATTRS | {"aria-label"}


class RequestTranslator(Translator):
    """Genshi's Translator (static text and i18n: directives), with the translations the
    render context carries rather than fixed ones, so one cached template serves every
    language."""

    def __call__(self, stream, ctxt=None, translate_text=True, translate_attrs=True):
        translations = ctxt.get(TRANSLATIONS) if ctxt is not None else None
        if ctxt is not None and _as_written(translations):
            # English without a catalog: the text stays as written, so walking every event
            # to translate it would change nothing. The i18n: directives still need these.
            ctxt.update(_untranslated(translations or NullTranslations()))
            return stream
        translator = Translator(translations or NullTranslations(), self.ignore_tags,
                                self.include_attrs, self.extract_text)
        return translator(stream, ctxt, translate_text=translate_text,
                          translate_attrs=translate_attrs)


def _as_written(translations) -> bool:
    """Whether `translations` leave every message as written (no catalog at all)."""
    catalog = getattr(translations, "catalog", translations)
    return translations is None or type(catalog) in (NullTranslations, _Untranslated)


def _untranslated(translations) -> dict:
    """The context entries Genshi's Translator sets, for messages that stay as written."""
    gettext, ngettext = translations.gettext, translations.ngettext
    return {"_i18n.gettext": gettext, "_i18n.ngettext": ngettext,
            "_i18n.dgettext": lambda _domain, msg: gettext(msg),
            "_i18n.dngettext": lambda _domain, s, p, n: ngettext(s, p, n),
            "_i18n.pgettext": lambda _context, msg: gettext(msg),
            "_i18n.npgettext": lambda _context, s, p, n: ngettext(s, p, n),
            "_i18n.dpgettext": lambda _domain, _context, msg: gettext(msg),
            "_i18n.dnpgettext": lambda _domain, _context, s, p, n: ngettext(s, p, n)}


def _translatable(template) -> None:
    RequestTranslator(include_attrs=TRANSLATED_ATTRS).setup(template)


class _Context(Context):
    """A render context that is true without counting itself. Genshi's Translator asks
    `if ctxt:` on every nested stream, and `Context.__len__` lists every variable of every
    frame to answer: a tenth of a list page's render time."""

    def __bool__(self) -> bool:
        return True


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
        """Templates get `_`, `ngettext`, `lang`, `in_sentence` and `number` (a count in the
        locale's digits) from `translations`."""
        translations = translations or Translations(DEFAULT, NullTranslations())
        data = {**data, TRANSLATIONS: translations, "_": translations.gettext,
                "ngettext": translations.ngettext, "lang": translations.lang,
                "in_sentence": translations.in_sentence, "display": display,
                "number": translations.formats.count}
        stream = self.template(name, resource).generate(_Context(**data)) | _Lang(translations.lang)
        return stream.render("html", doctype="html5", encoding=None, strip_whitespace=False)
