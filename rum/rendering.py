"""Genshi page templates: loaded once, looked up per resource first (`movies/show.html`)."""

import logging
import os
from gettext import NullTranslations

from genshi.core import START, QName, Stream
from genshi.filters import Translator
from genshi.template import Context, TemplateLoader
from genshi.template.loader import TemplateNotFound

from .i18n import DEFAULT, Translations, _Untranslated
from .page_matches import compilable
from .page_static import compile_stream
from .page_writer import NotWritable, PageWriter, pipeline_known
from .values import display

log = logging.getLogger(__name__)
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
TRANSLATIONS = "rum_translations"  # the render context's key for the request's translations
TRANSLATED_ATTRS = Translator.INCLUDE_ATTRS | {"aria-label"}
MAX_COMPILED = 400  # compiled page streams kept: (template, language) pairs


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
        translator = self.fixed(translations)
        return translator(stream, ctxt, translate_text=translate_text,
                          translate_attrs=translate_attrs)

    def fixed(self, translations) -> Translator:
        """Genshi's Translator with these settings and `translations`."""
        return Translator(translations or NullTranslations(), self.ignore_tags,
                          self.include_attrs, self.extract_text)

    def translated(self, stream, translations) -> list:
        """A template's prepared stream with its static text in `translations`' language."""
        if _as_written(translations):
            return list(stream)
        return list(self.fixed(translations)(iter(stream), _Context()))

    def set_functions(self, ctxt, translations) -> None:
        """The context entries the `i18n:` directives call, as this filter sets them."""
        if _as_written(translations):
            ctxt.update(_untranslated(translations or NullTranslations()))
        else:
            for _ in self.fixed(translations)(iter(()), ctxt):
                pass


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
    """Renders pages; a user's template directories come before Rum's own.

    A page whose match templates allow it (`rum.page_matches`, true of Rum's layout) is
    rendered from its stream compiled for the language (`rum.page_static`); any other the
    ordinary Genshi way, and every page so with `auto_reload` (debug)."""

    def __init__(self, search_path: list[str], auto_reload: bool = False):
        self.loader = TemplateLoader(list(search_path) + [TEMPLATES], auto_reload=auto_reload,
                                     max_cache_size=200, callback=_translatable)
        self.auto_reload = auto_reload
        self._names: dict[tuple[str, str], str] = {}  # (resource, name) -> template file found
        self._compilable: dict[str, bool] = {}  # template file -> whether it may be compiled
        self._compiled: dict[tuple, list] = {}  # (template, language) -> compiled stream
        self._writable: dict[str, bool] = {}  # template file -> False once PageWriter refused

    def _found(self, name: str, resource: str) -> str:
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
        return found

    def template(self, name: str, resource: str = ""):
        return self.loader.load(self._found(name, resource))

    def render(self, name: str, data: dict, resource: str = "", translations=None) -> str:
        """Templates get `_`, `ngettext`, `lang`, `in_sentence` and `number` (a count in the
        locale's digits) from `translations`."""
        translations = translations or Translations(DEFAULT, NullTranslations())
        data = {**data, TRANSLATIONS: translations, "_": translations.gettext,
                "ngettext": translations.ngettext, "lang": translations.lang,
                "in_sentence": translations.in_sentence, "display": display,
                "number": translations.formats.count}
        found = self._found(name, resource)
        template = self.loader.load(found)
        if self.auto_reload or not self._may_compile(found, template):
            stream = template.generate(_Context(**data)) | _Lang(translations.lang)
            return _serialized(stream)
        if self._writable.get(found, True):
            try:
                return self.written(template, data, translations)
            except NotWritable as e:
                log.info("page %s is rendered through Genshi's pipeline: %s", found, e)
                self._writable[found] = False
        return self.generated(template, data, translations)

    def written(self, template, data: dict, translations) -> str:
        """The page from its compiled stream by `PageWriter` (refuses with NotWritable)."""
        translator = self._translator(template)
        if not pipeline_known(template.filters, also=(translator,)):
            raise NotWritable("a stream filter other than Genshi's and the translator")
        ctxt = _Context(**data)
        stream = self._compiled_stream(template, translations)
        translator.set_functions(ctxt, translations)
        writer = PageWriter(ctxt, translations.lang)
        writer.write(stream)
        return writer.text()

    def generated(self, template, data: dict, translations) -> str:
        """The page from its compiled stream through Genshi's filters and serializer."""
        # filters applied directly, not by `|` (which wraps each event once more)
        return _serialized(Stream(_Lang(translations.lang)(self._generate(template, data,
                                                                          translations))))

    def _may_compile(self, found: str, template) -> bool:
        may = self._compilable.get(found)
        if may is None:
            may = self._compilable[found] = compilable(template)
        return may

    def fragment(self, name: str, data: dict, translations) -> str:
        """A part of a page (`navigation.html`): rendered the ordinary way, no doctype."""
        data = {**data, TRANSLATIONS: translations, "_": translations.gettext,
                "lang": translations.lang}
        stream = self.loader.load(name).generate(_Context(**data))
        return stream.render("html", encoding=None, strip_whitespace=False)

    def _generate(self, template, data: dict, translations) -> Stream:
        """`template.generate`, from its stream compiled for the language (`page_static`)
        rather than translating and serializing its static parts again."""
        ctxt = _Context(**data)
        translator = self._translator(template)
        stream = self._compiled_stream(template, translations)
        translator.set_functions(ctxt, translations)
        for filter_ in template.filters:
            if filter_ is not translator:
                stream = filter_(iter(stream), ctxt)
        return Stream(stream, template.serializer)

    @staticmethod
    def _translator(template) -> "RequestTranslator":
        return next(f for f in template.filters if isinstance(f, RequestTranslator))

    def _compiled_stream(self, template, translations) -> list:
        """The template's stream translated and compiled for the language (`page_static`)."""
        key = (id(template), translations.lang, _as_written(translations))
        stream = self._compiled.get(key)
        if stream is None:
            if len(self._compiled) >= MAX_COMPILED:  # bounded: templates x languages
                self._compiled.clear()
            stream = self._compiled[key] = compile_stream(
                self._translator(template).translated(template.stream, translations))
        return stream


def _serialized(stream) -> str:
    return stream.render("html", doctype="html5", encoding=None, strip_whitespace=False)
