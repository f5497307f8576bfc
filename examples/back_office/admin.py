"""The back office's resource classes: what its admin of customers and invoices adds to
what Rum finds in the models. docs/extending.md quotes them."""

import datetime

import tw2.forms as twf
from genshi.core import Markup

from rum import Admin, action
from rum.errors import Invalid

ACCOUNTANT = "accountant"  # sees void invoices, sets an invoice's status by hand


def is_accountant(identity) -> bool:
    return identity is not None and ACCOUNTANT in identity.roles


def mailbox(value, record):
    return f"{record.label} <{value}>"  # plain text: Rum escapes it


def due_date(value, record):
    """Sent invoices past their due date stand out."""
    if record.values.get("status") == "sent" and value < datetime.date.today():
        return Markup("<strong>%s overdue</strong>") % value.isoformat()  # % escapes
    return value.isoformat()


class CustomerAdmin(Admin):
    list_fields = ["name", "email", "country", "active"]
    search_fields = ["name", "email"]
    default_sort = "name"
    widgets = {"email": twf.EmailField}
    formatters = {"email": mailbox}
    exclude_actions = ["confirm_delete_many", "delete_many"]

    def get_form_fields(self, request, identity):
        if is_accountant(identity):
            return None  # every field, as Rum chooses them
        return ["name", "email", "country"]  # only accountants (de)activate customers


class InvoiceAdmin(Admin):
    list_fields = ["number", "customer", "issued_on", "due_on", "amount", "status"]
    search_fields = ["number", "reference"]
    default_sort = "-issued_on,number"
    form_fields = ["number", "customer", "issued_on", "due_on", "amount", "status",
                   "reference", "notes", "reminders", "paid_on"]
    fieldsets = [("Invoice", ["number", "customer", "issued_on", "due_on", "amount"]),
                 ("Follow-up", ["status", "reference", "notes", "reminders", "paid_on"])]
    read_only_fields = ["number", "reminders", "paid_on"]
    widgets = {"notes": twf.TextArea}
    formatters = {"amount": lambda value, record: f"€ {value:,.2f}",
                  "due_on": due_date}

    def get_list_fields(self, request, identity):
        return [*self.list_fields, "paid_on"] if is_accountant(identity) else None

    def get_read_only_fields(self, request, identity):
        if is_accountant(identity):
            return self.read_only_fields
        return [*self.read_only_fields, "status"]  # others change it by actions only

    def base_query(self, request, identity):
        return [] if is_accountant(identity) else [("status", "ne", "void")]

    def validate(self, call, values, row=None):
        if row is not None and row.status == "paid":
            raise Invalid({"": "A paid invoice is closed: void it and issue a new one."})
        issued = values.get("issued_on", getattr(row, "issued_on", None))
        due = values.get("due_on", getattr(row, "due_on", None))
        if issued and due and due < issued:
            raise Invalid({"due_on": "The due date cannot come before the issue date."})

    def after_create(self, call, row):
        row.number = f"INV-{row.id:05d}"  # read-only: set on the row, as `values` skip it

    def before_update(self, call, row, values):
        if values.get("status") == "paid":
            row.paid_on = datetime.date.today()

    def before_delete(self, call, row):
        if row.status != "draft":
            raise Invalid({"": "Only drafts can be deleted; void the invoice instead."})

    @action("Mark paid", on="selection", confirm="Mark these invoices as paid today?")
    def mark_paid(self, call, rows):
        unpaid = [row for row in rows if row.status in ("draft", "sent")]
        for row in unpaid:
            row.status, row.paid_on = "paid", datetime.date.today()
        return f"{len(unpaid)} of {len(rows)} invoices marked paid."

    @action("Send reminder", on="row")
    def send_reminder(self, call, rows):
        for row in rows:
            if row.status != "sent":
                raise Invalid({"": f"{row.number} is {row.status}: only sent invoices "
                                   "get reminders."})
            row.reminders += 1
        return f"Reminder sent for {', '.join(row.number for row in rows)}."
