"""Rows named by their label (inputs and filters without JS): when a name matches several
rows, the error carries them so the page can offer a choice instead of a dead end."""

from dataclasses import dataclass

from .contracts import Ref
from .errors import Invalid
from .i18n import N_, Message

MATCHES_SHOWN = 20  # a name shared by more rows offers this many, and says there are more


@dataclass(frozen=True)
class Ambiguity:
    """The rows a name typed for a field matches; `more`: past the `refs` shown."""

    text: str
    refs: tuple[Ref, ...]
    more: bool = False


def unsettable(field: str, label: str) -> Invalid:
    """The error for a relation no served resource stands behind."""
    return Invalid({field: Message(N_("%(label)s cannot be set here"), label=Message(label))})


def unknown(field: str, resource: str, text: str) -> Invalid:
    """The error for an id or name of no row the access may read."""
    return Invalid({field: Message(N_("no %(model)s with id or name %(text)s"),
                                   model=Message(resource), text=repr(text))})


def ambiguous(field: str, resource: str, text: str, refs: list[Ref]) -> Invalid:
    """The error for a name several rows share; `refs`: up to MATCHES_SHOWN + 1 of them."""
    return Invalid({field: Message(N_("more than one %(model)s is called %(text)s; give its id"),
                                   model=Message(resource), text=repr(text))},
                   choices={field: Ambiguity(text, tuple(refs[:MATCHES_SHOWN]),
                                             len(refs) > MATCHES_SHOWN)})
