"""The way back from a row reached through a nested list to its parent row:
"Movies › Heat › Actors › Al Pacino", built from the page's checked `return_to`.

The parent row is read through the unit of work, so its row filters apply: a parent the
identity may not read gives no trail (and its label is never shown).
"""

from dataclasses import dataclass

from .call import Call
from .errors import NotFound
from .next_page import nested_list, return_to


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str = ""  # '' for the current page (the last crumb)


def trail(call: Call, here: str) -> list[Crumb]:
    """Parent list › parent row › relation › `here`, when the page was reached from a
    nested list (its `return_to`); [] otherwise."""
    back = return_to(call)
    match = nested_list(call, back) if back else None
    if match is None or not call.access.can_read(match.resource):
        return []
    parent = call.translations.resource(call.app.registry.get(match.resource))
    repo = call.uow.repository(parent.name)
    try:
        label = repo.record(repo.get(match.id), ()).label
    except NotFound:
        return []
    relation = parent.fields_by_name[match.relation]
    return [Crumb(parent.plural_label, call.urls.index(parent.name)),
            Crumb(label, call.urls.show(parent.name, match.id)),
            Crumb(relation.label, back), Crumb(here)]
