"""The back office's pages: formatters in lists and show pages (text escaped, markup
kept), widget overrides and fieldsets in forms, and the formats one URL answers in."""

import csv
import datetime
import io

from tests.examples.helpers import DRAFT, SENT, count, form_to, stored, token

OVERDUE = "<strong>{} overdue</strong>"


def test_formatters_in_the_list_and_the_show_page(client, db_path):
    sent, draft = stored(db_path, SENT), stored(db_path, DRAFT)
    assert sent["due_on"] < datetime.date.today().isoformat()  # seeded in 2024
    listing = client.get("/invoices?sort=issued_on").text
    show = client.get(f"/invoices/{SENT}").text
    for page in (listing, show):
        assert f"€ {float(sent['amount']):,.2f}" in page
        assert OVERDUE.format(sent["due_on"]) in page  # markup kept
        assert draft["due_on"] in listing and OVERDUE.format(draft["due_on"]) not in listing
    assert "€ 1,563.50" in client.get("/invoices").text  # the newest, in thousands
    raw = client.get(f"/invoices/{SENT}.json").json  # JSON keeps the values
    assert (raw["amount"], raw["due_on"]) == (f"{float(sent['amount']):.2f}", sent["due_on"])


def test_a_formatter_s_plain_text_is_escaped(client):
    listing = client.get("/customers").text
    assert "Smith &amp; Jones &lt;accounts@smith-jones.example&gt;" in listing
    assert "<accounts@" not in listing
    show = client.get("/customers/2").text
    assert "Smith &amp; Jones &lt;accounts@smith-jones.example&gt;" in show


def test_widget_overrides_in_the_forms(client, db_path):
    new = client.get("/invoices/new")
    assert new.html.select_one('form textarea[name="notes"]') is not None
    email = client.get("/customers/new").html.select_one('form input[name="email"]')
    assert email is not None and email["type"] == "email"
    form = form_to(client.get(f"/invoices/{SENT}/edit"), f"/invoices/{SENT}")
    form["notes"] = "Called twice.\nPromised by Friday."
    assert form.submit().status_int == 303
    assert stored(db_path, SENT)["notes"] == "Called twice.\nPromised by Friday."


def test_fieldsets_group_the_form_and_the_show_page(client):
    for path, section, title in ((f"/invoices/{SENT}/edit", "form fieldset", "legend"),
                                 (f"/invoices/{SENT}", "section.section", "h2")):
        sections = client.get(path).html.select(section)
        titles = [s.select_one(title).text.strip() for s in sections if s.select_one(title)]
        assert titles == ["Invoice", "Follow-up"], path
        assert "Reminders" in sections[1].text and "Amount" not in sections[1].text
        assert "Amount" in sections[0].text


def test_one_url_answers_in_the_format_asked(client, db_path):
    html = client.get(f"/invoices/{SENT}")
    assert html.content_type == "text/html" and "Accept" in html.headers["Vary"]
    by_accept = client.get(f"/invoices/{SENT}", headers={"Accept": "application/json"})
    by_extension = client.get(f"/invoices/{SENT}.json")
    assert by_accept.content_type == by_extension.content_type == "application/json"
    assert by_accept.json == by_extension.json and by_extension.headers["ETag"]
    exported = client.get("/invoices.csv?f.status.eq=sent")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == count(db_path, "status = 'sent'")
    assert all(not r["Amount"].startswith("€") for r in rows)  # formatters are for pages


def test_a_custom_action_answers_html_or_json(client, db_path):
    headers = token(client)
    page = client.post("/invoices/mark_paid", {"ids": str(SENT)}, headers=headers)
    assert page.status_int == 303  # a browser goes back to the list
    done = client.post_json("/invoices/mark_paid.json", {"ids": [str(SENT)]},
                            headers=headers)
    assert done.json == {"message": "0 of 1 invoices marked paid.", "count": 1,
                         "ids": [str(SENT)]}
