"""The back-office example in Chromium, JavaScript on and off: a custom bulk action from
the list's action menu (its confirmation page, then the run), a row action from the show
page, a formatter and a widget override as a person sees them."""

import sqlite3

import pytest

from examples.back_office import seed
from examples.back_office.app import CFG
from tests.conftest import ROOT
from tests.functional.servers import serve_config


@pytest.fixture
def office(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", ROOT)  # the server imports examples.back_office
    seed.create(str(tmp_path / "back_office.db"))
    with open(CFG, encoding="utf-8") as fh:
        cfg = fh.read()
    with serve_config(tmp_path, cfg, ready="/invoices", cfg_name="back_office.cfg") as server:
        server.db = tmp_path / "back_office.db"
        yield server


@pytest.fixture(params=["js", "nojs"])
def page(request, browser, office):
    context = browser.new_context(java_script_enabled=request.param == "js")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.base, pg.db = office.base, office.db
    yield pg
    context.close()


def statuses(db, numbers) -> dict:
    with sqlite3.connect(db) as conn:
        marks = ",".join("?" * len(numbers))
        return dict(conn.execute(f"select number, status from invoice where number in ({marks})",
                                 list(numbers)))


def test_a_bulk_action_from_the_list_s_menu(page):
    page.goto(page.base + "/invoices?f.status.eq=sent")
    boxes = page.locator('#bulk input[type="checkbox"][name="ids"]')
    assert boxes.count() >= 2
    numbers = [page.locator("#bulk tbody tr").nth(i).locator("td").nth(1).inner_text().strip()
               for i in range(2)]
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Mark paid").click()
    page.wait_for_url("**/invoices/mark_paid?**")
    assert "Mark these invoices as paid today?" in page.content()
    assert set(statuses(page.db, numbers).values()) == {"sent"}  # asking changed nothing
    page.locator("form").get_by_role("button", name="Mark paid").click()
    page.wait_for_url("**/invoices")
    assert "2 of 2 invoices marked paid." in page.locator(".flash").inner_text()
    assert set(statuses(page.db, numbers).values()) == {"paid"}


def test_the_formatter_and_the_widget_override_as_a_person_sees_them(page):
    page.goto(page.base + "/invoices")
    amounts = page.locator("#bulk tbody tr").first.inner_text()
    assert "€ " in amounts
    page.locator("#bulk tbody tr").first.get_by_role("link", name="Edit").click()
    assert page.locator('textarea[name="notes"]').count() == 1
    assert page.locator('input[name="number"]').count() == 0  # read-only: text, no input
