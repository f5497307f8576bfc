"""How a record form lays out its fields: a list, or `<fieldset>` sections with legends.

The fields keep one flat layout (their names and validation do not change with sections);
only the template groups them, as the resource's `fieldsets` say.
"""

import tw2.core as twc
import tw2.forms as twf

from .display import renderer
from .validators import translated

SECTIONED = "rum_toscawidgets.templates.fields_sections"


def _root(widget):
    while getattr(widget, "parent", None) is not None:
        widget = widget.parent
    return widget


def mark_invalid(child) -> None:
    """The input says it is invalid and is described by its message (the span the layout
    writes after it), so a screen reader reads the message on reaching the input."""
    child.safe_modify("attrs")
    child.attrs["aria-invalid"] = "true"
    child.attrs["aria-describedby"] = f"{child.compound_id}:error"


class FieldsLayout(twf.ListLayout):
    """The fields of one record form; errors and choices arrive per request.

    `rum_sections` ((title, field names), ...) groups them: set for a resource with
    fieldsets, whose layout class then renders with the `SECTIONED` template."""

    rum_relations = twc.Variable(default={})
    rum_errors = twc.Variable(default={})
    rum_choices = twc.Variable("field -> rum.names.Ambiguity, offered beside it", default={})
    rum_gettext = twc.Variable(default=None)  # the request's language; None is English
    rum_translations = twc.Variable(default=None)  # its formats too, for read-only values
    rum_sections = twc.Param("(title, field names) of each section", default=())
    sections = twc.Variable("(translated title, child widgets) of each section", default=())
    css_class = "fields"

    def prepare(self):
        gettext = self.rum_gettext or str
        for child in self.children:  # before the children prepare: inputs copy their attrs
            message = self.rum_errors.get(child.key)
            if message:
                child.error_msg = translated(message, child.validator, gettext)
                mark_invalid(child)
        super().prepare()
        for child in self.children:
            if child.label:
                child.label = gettext(child.label)
            if child.help_text:
                child.help_text = gettext(child.help_text)
        if self.rum_sections:
            shown = {c.key: c for c in self.children_non_hidden}
            self.sections = [(gettext(title) if title else "",
                              [shown[n] for n in names if n in shown])
                             for title, names in self.rum_sections]


class ReadOnlyText(twf.widgets.FormField):
    """A field the form shows and never takes: its value as text, no input, no value back."""

    template = "rum_toscawidgets.templates.read_only"
    field = twc.Param("the rum field shown", default=None)
    html = twc.Variable(default="")

    def prepare(self):
        super().prepare()
        self.html = renderer(self.field, "", None, _root(self).rum_translations)(self.value, None)

    def _validate(self, value, state=None):
        self._validated = True
        return twc.validation.EmptyField  # never among the form's values
