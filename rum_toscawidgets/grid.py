"""The list grid and its pager: one cached Genshi template loop, no per-cell widgets."""

import os
from gettext import NullTranslations

from genshi.template import TemplateLoader

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """Page links to show: first, last and a window around the current page; None is a gap."""
    wanted = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
    out: list[int | None] = []
    for n in sorted(wanted):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


class Grid:
    """GridView for one resource."""

    def __init__(self, resource, loader: TemplateLoader):
        self.resource = resource
        self.template = loader.load("grid.html")

    def render(self, records, page, links, translations=None, fields=None) -> str:
        """`translations`: anything with the stdlib's gettext/ngettext (English without);
        `fields`: the columns to show (the resource's list fields less any the policy hides)."""
        translations = translations or NullTranslations()
        numbers = page_numbers(page.query.page, page.pages) if page.pages else []
        fields = self.resource.list_fields if fields is None else fields
        stream = self.template.generate(resource=self.resource, fields=fields,
                                        records=records, page=page, links=links, numbers=numbers,
                                        _=translations.gettext, ngettext=translations.ngettext)
        return stream.render("html", encoding=None)
