"""Languages: gettext catalogs loaded once per RumApp, one picked per request.

Rum's own messages are in `rum/i18n/<locale>/LC_MESSAGES/rum.mo`; a host may add catalogs of
its own (`[rum] translations = ['locale']`, same layout and domain) to translate its models'
labels, and their messages come first. Which locale a request gets: `[rum] locale` when set,
else the best of its Accept-Language among the locales there are catalogs for, else English.

Views receive a `Translations`: an object with the stdlib's `gettext`/`ngettext` and `formats`
(dates, times and numbers in the locale's way, `rum.localized.Formats`). `gettext` of a
`Message` (an error's text that kept its msgid and parameters) translates the msgid, then fills it.
"""

import gettext
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from functools import cached_property

from .fields import Field

log = logging.getLogger(__name__)
DOMAIN = "rum"
LOCALEDIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "i18n")
DEFAULT = "en"  # the language of the messages in the source; needs no catalog
# Languages that capitalize nouns, so a label inside a sentence keeps its capital.
CAPITALIZED_NOUNS = frozenset({"de"})
LANGUAGE_RANGE = re.compile(r"^(\*|[a-zA-Z]{1,8}(?:[-_][a-zA-Z0-9]{1,8})*)$")


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where shown."""
    return message


class Message(str):
    """A message as English text that keeps its msgid and parameters, to be translated where
    it is shown: `Message(N_("no %(label)s with id %(id)s"), label=..., id=...)`.

    Parameters that are Messages themselves (a resource's label) are translated too. With
    `plural` and `n`, it is an ngettext message: `%(count)s` then takes the locale's form."""

    msgid: str
    plural: str
    params: dict

    def __new__(cls, msgid: str, plural: str = "", n: int | None = None, **params):
        if plural:
            params.setdefault("count", n)
        english = plural if plural and n != 1 else msgid
        self = super().__new__(cls, english % params if params else english)
        self.msgid, self.plural, self.params = msgid, plural, params
        return self

    def text(self, translations) -> str:
        """This message in the language of `translations` (its gettext, ngettext)."""
        if self.plural:
            template = translations.ngettext(self.msgid, self.plural, self.params["count"])
        else:
            template = translations.gettext(self.msgid)
        if not self.params:
            return template
        filled = {k: v.text(translations) if isinstance(v, Message) else v
                  for k, v in self.params.items()}
        return template % filled

    def __reduce__(self):
        return (_message, (self.msgid, self.plural, self.params))


def _message(msgid: str, plural: str, params: dict) -> Message:
    return Message(msgid, plural, **params)


class Term(Message):
    """A label inside a sentence: 'movies' in English, 'Filme' in German (`in_sentence`)."""

    def __new__(cls, label: str):
        self = str.__new__(cls, label.lower())
        self.msgid, self.plural, self.params = label, "", {}
        return self

    def text(self, translations) -> str:
        label = translations.gettext(self.msgid)
        in_sentence = getattr(translations, "in_sentence", None)
        return in_sentence(label) if in_sentence is not None else label.lower()

    def __reduce__(self):
        return (Term, (self.msgid,))


def normalize(tag: str) -> str:
    """'es_MX', 'ES-mx' -> 'es-mx': one spelling for comparing language tags."""
    return tag.strip().replace("_", "-").lower()


def parse_accept_language(header: str | None) -> list[str]:
    """The language ranges of an Accept-Language header, best first; q=0 ones dropped."""
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.partition(";")
        tag = tag.strip()
        if not LANGUAGE_RANGE.match(tag):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-min(quality, 1.0), position, normalize(tag)))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(header: str | None, available: Iterable[str], default: str = DEFAULT) -> str:
    """The best available locale for an Accept-Language header: 'es-MX' gets 'es'."""
    by_tag = {normalize(loc): loc for loc in available}
    for tag in parse_accept_language(header):
        if tag == "*":
            return default
        while tag:
            if tag in by_tag:
                return by_tag[tag]
            tag = tag.rpartition("-")[0]
    return default


@dataclass(frozen=True)
class Translations:
    """One locale's messages. `gettext`/`ngettext` as in the stdlib; labels of resources too."""

    locale: str
    catalog: gettext.NullTranslations

    @property
    def lang(self) -> str:
        """The locale as an HTML `lang` value: 'pt_BR' -> 'pt-BR'."""
        return self.locale.replace("_", "-")

    @cached_property
    def formats(self):
        """Dates, times and numbers as this locale writes them (patterns parsed once)."""
        from .localized import Formats, babel_locale
        return Formats(babel_locale(self.locale))

    def gettext(self, message: str) -> str:
        if isinstance(message, Message):
            return message.text(self)
        return self.catalog.gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def in_sentence(self, label: str) -> str:
        """A label as it reads inside a sentence: 'New movie', but German 'Film anlegen'."""
        return label if normalize(self.locale).split("-")[0] in CAPITALIZED_NOUNS else label.lower()

    def resource(self, resource):
        """A copy of a resource whose labels (its own and its fields') are translated."""
        if resource is None or isinstance(self.catalog, _Untranslated):
            return resource
        labelled = {f.name: f.but(label=self.gettext(f.label)) for f in resource.fields}
        changes = {attr.name: tuple(labelled.get(f.name, f) for f in value)
                   for attr in dataclass_fields(resource)
                   if isinstance(value := getattr(resource, attr.name), tuple)
                   and value and all(isinstance(f, Field) for f in value)}
        return replace(resource, label=self.gettext(resource.label),
                       plural_label=self.gettext(resource.plural_label), **changes)


class _Untranslated(gettext.NullTranslations):
    """English with no catalog at all: messages as written."""


def _catalog_files(directory: str) -> Iterator[tuple[str, str]]:
    """(locale, path of its .mo) for every catalog of the Rum domain in `directory`."""
    if not os.path.isdir(directory):
        return
    for locale in sorted(os.listdir(directory)):
        path = os.path.join(directory, locale, "LC_MESSAGES", f"{DOMAIN}.mo")
        if os.path.isfile(path):
            yield locale, path


def _load(path: str) -> gettext.GNUTranslations:
    with open(path, "rb") as fp:
        return gettext.GNUTranslations(fp)


class Catalogs:
    """The languages one RumApp speaks: loaded at start-up, read-only afterwards."""

    def __init__(self, locale: str = "", directories: Iterable[str] = (),
                 builtin: str = LOCALEDIR):
        from .errors import ConfigError  # here, as errors.py marks its titles with N_

        found: dict[str, list[str]] = {}
        for directory in [*directories, builtin]:  # a host's catalogs before Rum's own
            if not os.path.isdir(directory):  # optional extras: not worth refusing to start
                log.warning("rum.translations: %r is not a directory; labels stay untranslated",
                            directory)
            for loc, path in _catalog_files(directory):
                found.setdefault(loc, []).append(path)
        self._by_locale: dict[str, Translations] = {
            DEFAULT: Translations(DEFAULT, _Untranslated())}
        for loc, paths in found.items():
            first, *then = [_load(p) for p in paths]
            for catalog in then:
                first.add_fallback(catalog)  # a message missing here is looked up there
            self._by_locale[loc] = Translations(loc, first)
        self.available = tuple(sorted(self._by_locale))
        self.forced = ""
        if locale:
            self.forced = negotiate(locale, self.available, default="")
            if not self.forced:
                raise ConfigError("rum.locale", f"no catalog for {locale!r}; "
                                  f"available: {list(self.available)}")
        log.debug("languages: %s%s", ", ".join(self.available),
                  f" (always {self.forced})" if self.forced else "")

    def __getitem__(self, locale: str) -> Translations:
        return self._by_locale[locale]

    def negotiate(self, accept_language: str | None) -> str:
        return self.forced or negotiate(accept_language, self.available)

    def vary(self, response) -> None:
        """Tell caches a page's language depends on Accept-Language (unless it is fixed)."""
        if not self.forced and "Accept-Language" not in (response.vary or ()):
            response.vary = (*(response.vary or ()), "Accept-Language")

    def for_request(self, request) -> Translations:
        """The translations a request gets: the configured locale, or its Accept-Language's."""
        return self._by_locale[self.negotiate(request.headers.get("Accept-Language"))]
