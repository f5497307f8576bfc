"""The back office example through HTTP: its custom actions, hooks, checks, read-only
fields, per-request variants and site action, built from Python and from its .cfg."""

import datetime

from tests.examples.helpers import (
    ACCOUNTANT,
    CLERK,
    DRAFT,
    PAID,
    SEEDED,
    SENT,
    VOID,
    VOIDED,
    count,
    form_to,
    stored,
    token,
)

TODAY = datetime.date.today().isoformat()


def test_the_cfg_and_the_python_build_serve_the_same_admin(client, cfg_client):
    python, cfg = client.get("/invoices.json").json, cfg_client.get("/invoices.json").json
    assert len(python["items"]) == 20 and len(cfg["items"]) == 25  # the .cfg's page_size
    assert python["items"] == cfg["items"][:20]  # same columns, same default sort
    assert python["items"][0]["issued_on"] > python["items"][-1]["issued_on"]
    for c in (client, cfg_client):
        assert "/invoices/mark_paid.json" in c.get("/openapi.json").json["paths"]
        assert c.get("/_overdue.json").json["overdue"] > 0


# -- custom actions ----------------------------------------------------------------------
def test_the_bulk_action_is_in_the_list_s_menu(client):
    page = client.get("/invoices")
    buttons = {b.attrs.get("formaction") for b in page.html.select("#bulk button")}
    assert "/invoices/mark_paid" in buttons
    assert "/invoices/send_reminder" not in buttons  # a row action: on show pages
    ticks = [f.value for f in page.forms["bulk"].fields["ids"]]  # checkboxes: no value yet
    assert len(ticks) == 20  # the newest first:
    assert page.html.select(f'input[name=ids][value="{SEEDED}"]')


def test_the_bulk_action_asks_then_runs(client, db_path):
    confirm = client.get("/invoices/mark_paid", {"ids": [str(SENT), str(PAID)]})
    assert "Mark these invoices as paid today?" in confirm.text
    assert stored(db_path, SENT)["status"] == "sent"  # asking changes nothing
    paid_before = stored(db_path, PAID)["paid_on"]
    done = form_to(confirm, "/invoices/mark_paid").submit()
    assert done.status_int == 303 and done.location.endswith("/invoices")
    assert "1 of 2 invoices marked paid." in done.follow().text
    assert (stored(db_path, SENT)["status"], stored(db_path, SENT)["paid_on"]) == ("paid", TODAY)
    assert stored(db_path, PAID)["paid_on"] == paid_before


def test_the_bulk_action_answers_json_and_needs_the_csrf_token(client, db_path):
    client.get("/")
    client.post_json("/invoices/mark_paid.json", {"ids": [str(SENT)]}, status=403)
    assert stored(db_path, SENT)["status"] == "sent"
    done = client.post_json("/invoices/mark_paid.json", {"ids": [str(SENT), "5"]},
                            headers=token(client))
    assert done.json == {"message": "2 of 2 invoices marked paid.", "count": 2,
                         "ids": [str(SENT), "5"]}
    assert stored(db_path, 5)["status"] == "paid"


def test_the_row_action_is_a_button_on_the_show_page(client, db_path):
    before = stored(db_path, SENT)["reminders"]
    form = form_to(client.get(f"/invoices/{SENT}"), "/invoices/send_reminder")
    assert form["ids"].value == str(SENT)
    done = form.submit()
    assert done.status_int == 303 and "Reminder sent for INV-00003." in done.follow().text
    assert stored(db_path, SENT)["reminders"] == before + 1


def test_an_action_that_refuses_keeps_nothing(client, db_path):
    before = stored(db_path, SENT)["reminders"]
    refused = client.post_json("/invoices/send_reminder.json",
                               {"ids": [str(SENT), str(PAID)]}, headers=token(client),
                               status=422)
    assert refused.json["errors"] == {"": "INV-00001 is paid: only sent invoices get "
                                          "reminders."}
    assert stored(db_path, SENT)["reminders"] == before  # its increment rolled back


# -- hooks and checks ----------------------------------------------------------------------
def test_the_hooks_number_new_invoices_and_date_payments(client, db_path):
    form = form_to(client.get("/invoices/new"), "/invoices")
    form["customer"] = "2"
    form["issued_on"], form["due_on"], form["amount"] = "2024-12-02", "2025-01-01", "99.90"
    created = form.submit()
    assert created.status_int == 303
    ident = int(created.location.rsplit("/", 1)[1])
    assert ident == SEEDED + 1
    assert stored(db_path, ident)["number"] == f"INV-{ident:05d}"  # after_create
    assert stored(db_path, ident)["paid_on"] is None
    page = client.get(f"/invoices/{ident}/edit", extra_environ=ACCOUNTANT)
    edit = form_to(page, f"/invoices/{ident}")
    edit["status"] = "paid"
    assert edit.submit(extra_environ=ACCOUNTANT).status_int == 303
    assert stored(db_path, ident)["paid_on"] == TODAY  # before_update


def test_before_delete_keeps_all_but_drafts(client, db_path):
    headers = token(client)
    refused = client.delete(f"/invoices/{SENT}.json", headers=headers, status=422)
    assert refused.json["errors"] == {"": "Only drafts can be deleted; void the invoice "
                                          "instead."}
    assert stored(db_path, SENT)
    client.delete(f"/invoices/{DRAFT}.json", headers=headers, status=204)
    assert stored(db_path, DRAFT) == {}


def test_cross_field_validation_answers_beside_the_field_or_for_the_form(client, db_path):
    form = form_to(client.get(f"/invoices/{SENT}/edit"), f"/invoices/{SENT}")
    form["due_on"] = "2000-01-01"
    page = form.submit(status=422)
    assert "The due date cannot come before the issue date." in \
        page.html.select_one("#due_on\\:error").text
    assert page.html.select_one('[name="due_on"]')["value"] == "2000-01-01"  # input kept
    assert stored(db_path, SENT)["due_on"] != "2000-01-01"
    form = form_to(client.get(f"/invoices/{PAID}/edit"), f"/invoices/{PAID}")
    form["reference"] = "PO-1"
    page = form.submit(status=422)
    assert "A paid invoice is closed: void it and issue a new one." in page.text
    assert stored(db_path, PAID)["reference"] != "PO-1"


# -- read-only fields -------------------------------------------------------------------------
def test_read_only_fields_are_shown_and_never_written(client, db_path):
    before = stored(db_path, SENT)
    edit = client.get(f"/invoices/{SENT}/edit")
    for name in ("number", "reminders", "paid_on"):
        assert not edit.html.select(f'form [name="{name}"]'), name
    assert before["number"] in edit.html.select_one("form.record").text  # shown as text
    form = form_to(edit, f"/invoices/{SENT}")
    fields = [(k, f.value) for k, fs in form.fields.items() for f in fs if k]
    client.post(f"/invoices/{SENT}", fields + [("number", "HACKED"), ("reminders", "9")],
                status=303)
    version = client.get(f"/invoices/{SENT}.json").headers["ETag"]
    changed = client.patch_json(f"/invoices/{SENT}.json",
                                {"number": "X", "paid_on": "2020-01-01", "reference": "PO-9"},
                                headers={**token(client), "If-Match": version})
    assert changed.json["reference"] == "PO-9"
    after = stored(db_path, SENT)
    assert [after[k] for k in ("number", "reminders", "paid_on")] == \
        [before[k] for k in ("number", "reminders", "paid_on")]


# -- per request -------------------------------------------------------------------------------
def test_accountants_see_void_invoices_and_more_columns(client):
    clerk = client.get("/invoices.json?limit=100", extra_environ=CLERK).json
    accountant = client.get("/invoices.json?limit=100", extra_environ=ACCOUNTANT).json
    assert (clerk["count"], accountant["count"]) == (SEEDED - VOIDED, SEEDED)
    assert "paid_on" in accountant["items"][0] and "paid_on" not in clerk["items"][0]
    client.get(f"/invoices/{VOID}", extra_environ=CLERK, status=404)
    client.get(f"/invoices/{VOID}", extra_environ=ACCOUNTANT, status=200)
    header = client.get("/invoices.csv", extra_environ=ACCOUNTANT).text.splitlines()[0]
    assert header.endswith(",Paid on")


def test_only_accountants_set_the_status_by_hand_or_deactivate_customers(client):
    clerk = client.get(f"/invoices/{SENT}/edit", extra_environ=CLERK)
    assert not clerk.html.select('form [name="status"]')
    assert "sent" in clerk.html.select_one("form.record").text  # shown as text
    assert client.get(f"/invoices/{SENT}/edit", extra_environ=ACCOUNTANT).html.select(
        'form [name="status"]')
    assert not client.get("/customers/1/edit", extra_environ=CLERK).html.select(
        'form [name="active"]')
    assert client.get("/customers/1/edit", extra_environ=ACCOUNTANT).html.select(
        'form [name="active"]')


# -- the action table ----------------------------------------------------------------------------
def test_the_site_action_counts_overdue_invoices(client, db_path):
    expected = count(db_path, "status = 'sent' and due_on < ?", TODAY)
    answer = client.get("/_overdue")  # JSON is its only format
    assert answer.content_type == "application/json"
    assert answer.json["overdue"] == expected > 0
    listed = client.get(answer.json["list"].replace("/invoices?", "/invoices.json?"))
    assert listed.json["count"] == expected


def test_customers_lose_bulk_delete_and_keep_single_delete(client):
    assert "Delete selected" not in client.get("/customers").text
    assert "Delete selected" in client.get("/invoices").text
    client.get("/customers/delete_many", {"ids": "1"}, status=404)
    client.get("/invoices/delete_many", {"ids": str(DRAFT)}, status=200)
    assert client.get("/customers/5/confirm_delete").status_int == 200
