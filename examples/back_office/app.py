"""The back office built from Python; `back_office.cfg` says the same in a config file.

`build(db_url)` gives the models their resource classes in code and adds one action of its
own to Rum's table: `GET /_overdue.json`, the sent invoices past their due date.
"""

import datetime
import os

from rum import RumApp
from rum.actions import Action
from rum.builtin_actions import builtin_table
from rum.query import Filter, Query
from rum.results import Result

from .admin import CustomerAdmin, InvoiceAdmin

HERE = os.path.dirname(os.path.abspath(__file__))
CFG = os.path.join(HERE, "back_office.cfg")
MODELS = ["examples.back_office.models:Customer", "examples.back_office.models:Invoice"]


def overdue(call):
    """The sent invoices due before today, among those this identity may see."""
    filters = (Filter("status", "eq", "sent"),
               Filter("due_on", "lt", datetime.date.today().isoformat()))
    query = Query(filters=filters, limit=1)
    page = call.uow.repository("invoices").select(query)
    return Result(data={"overdue": page.count, "list": call.urls.index(
        "invoices", query=query.to_query_string())})


def actions():
    """Rum's built-in actions and the back office's own."""
    return builtin_table().with_([
        Action("overdue", "/_overdue", ("GET",), "read", overdue, "site", ("json",))])


def settings(db_url: str) -> dict:
    """Rum's configuration of the back office, as back_office.cfg has it."""
    return {
        "rum": {"title": "Back office"},
        "rum.repositoryfactory": {"use": "sqlalchemy", "models": MODELS,
                                  "sqlalchemy.url": db_url},
        "rum.viewfactory": {"use": "toscawidgets"},
    }


def build(db_url: str) -> RumApp:
    return RumApp(settings(db_url), actions=actions(),
                  resources={"Customer": CustomerAdmin, "Invoice": InvoiceAdmin})


def from_cfg(path: str = CFG) -> RumApp:
    """The same app from `back_office.cfg` (its database beside the file)."""
    return RumApp(path, actions=actions())
