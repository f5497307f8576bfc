"""Custom actions of resource classes, through HTTP: the list's action menu, the show
page's buttons, confirmation, one transaction, JSON, permission and CSRF."""

import sqlite3

import pytest

from rum import Admin, RumApp, action
from rum.errors import Invalid
from tests.conftest import csrf_headers, demo_config, wrap

OPEN = [1, 2, 3]  # rentals made not returned before each test


class RentalAdmin(Admin):
    @action("Mark returned", on="both", confirm="Mark these rentals as returned?")
    def mark_returned(self, call, rows):
        for row in rows:
            call.repo.update(row, {"returned": True})
        return f"{len(rows)} marked returned."

    @action("Break halfway", on="selection", permission="delete")
    def break_halfway(self, call, rows):
        call.repo.update(rows[0], {"returned": True})  # undone: the request fails after it
        raise Invalid({"": "The carrier refused the batch."})

    @action("Return now", on="row")
    def return_now(self, call, rows):
        call.repo.update(rows[0], {"returned": True})


def returned(db_url: str, ids) -> list[bool]:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as db:
        marks = ",".join("?" * len(ids))
        found = dict(db.execute(f"select id, returned from rental where id in ({marks})",
                                list(ids)))
    return [bool(found[i]) for i in ids]


@pytest.fixture
def db(demo_db):
    with sqlite3.connect(demo_db.removeprefix("sqlite:///")) as conn:
        conn.execute(f"update rental set returned = 0 where id in ({','.join(map(str, OPEN))})")
    return demo_db


def app_for(db, **policy) -> RumApp:
    config = demo_config(db)
    if policy:
        config["rum.policy"] = {"use": "rules", **policy}
    return RumApp(config, resources={"Rental": RentalAdmin})


@pytest.fixture
def client(db):
    return wrap(app_for(db))


def test_the_list_s_action_menu_offers_it_for_the_ticked_rows(client):
    page = client.get("/rentals")
    form = page.forms["bulk"]
    buttons = {b.attrs.get("formaction") for b in page.html.select("#bulk button")}
    assert "/rentals/mark_returned" in buttons and "/rentals/break_halfway" in buttons
    assert "/rentals/return_now" not in buttons  # a row action: on the show page only
    assert form.method.lower() == "get" and page.html.select("input[name=ids]")


def test_it_asks_for_confirmation_then_runs_in_one_post(client, db):
    confirm = client.get("/rentals/mark_returned", {"ids": ["1", "2"]})
    assert "Mark these rentals as returned?" in confirm.text
    form = confirm.forms[0]
    assert form.action == "/rentals/mark_returned" and form.method.lower() == "post"
    assert form.fields["_csrf"][0].value
    assert returned(db, [1, 2]) == [False, False]  # asking changes nothing
    done = form.submit()
    assert done.status_int == 303 and done.location.endswith("/rentals")
    assert "2 marked returned." in done.follow().text
    assert returned(db, [1, 2, 3]) == [True, True, False]


def test_it_answers_json(client, db):
    headers = csrf_headers(client)
    done = client.post_json("/rentals/mark_returned.json", {"ids": ["1", "3"]}, headers=headers)
    assert done.json == {"message": "2 marked returned.", "count": 2, "ids": ["1", "3"]}
    assert returned(db, [1, 2, 3]) == [True, False, True]


def test_without_a_csrf_token_it_is_refused(client, db):
    client.get("/")
    refused = client.post("/rentals/mark_returned", {"ids": "1"}, status=403)
    assert "Reload the page and submit again." in refused.text  # the CSRF refusal
    client.post_json("/rentals/mark_returned.json", {"ids": ["1"]}, status=403)
    assert returned(db, [1]) == [False]


def test_without_its_permission_it_is_refused_and_not_offered(db):
    rules = [{"users": ["clerk"], "permissions": ["update"], "allow": False}]
    clerk = wrap(app_for(db, rules=rules))
    env = {"REMOTE_USER": "clerk"}
    buttons = {b.attrs.get("formaction")
               for b in clerk.get("/rentals", extra_environ=env).html.select("#bulk button")}
    assert "/rentals/mark_returned" not in buttons
    assert "/rentals/break_halfway" in buttons  # its permission is delete, which clerk has
    clerk.get("/rentals/mark_returned", {"ids": "1"}, extra_environ=env, status=403)
    headers = csrf_headers(clerk)
    clerk.post_json("/rentals/mark_returned.json", {"ids": ["1"]}, headers=headers,
                    extra_environ=env, status=403)
    assert returned(db, [1]) == [False]
    assert "Return now" not in clerk.get("/rentals/1", extra_environ=env).text


def test_a_failing_action_keeps_nothing(client, db):
    headers = csrf_headers(client)
    refused = client.post_json("/rentals/break_halfway.json", {"ids": ["1", "2"]},
                               headers=headers, status=422)
    assert refused.json["errors"] == {"": "The carrier refused the batch."}
    assert returned(db, [1, 2]) == [False, False]


def test_rows_out_of_reach_are_not_found_and_nothing_runs(db):
    scoped = wrap(app_for(db, row_filters={"rentals": "tests.rum.test_custom_actions:first_two"}))
    headers = csrf_headers(scoped)
    scoped.post_json("/rentals/mark_returned.json", {"ids": ["1", "3"]}, headers=headers,
                     status=404)
    assert returned(db, [1, 3]) == [False, False]


def first_two(identity):
    return [("id", "le", "2")]


def test_the_show_page_has_its_row_buttons(client, db):
    page = client.get("/rentals/3")
    confirm = page.html.select_one('a[href^="/rentals/mark_returned?"]')
    assert confirm is not None and "ids=3" in confirm["href"]
    direct = [f for f in page.forms.values() if f.action == "/rentals/return_now"]
    assert len(direct) == 1 and direct[0]["ids"].value == "3"
    assert direct[0].submit().status_int == 303
    assert returned(db, [3]) == [True]


@pytest.mark.parametrize("bad", [{}, {"ids": []}, {"ids": [""]}])
def test_no_rows_is_a_clear_400(client, bad):
    headers = csrf_headers(client)
    answer = client.post_json("/rentals/mark_returned.json", bad, headers=headers, status=400)
    assert "tick at least one row" in answer.json["message"]


@pytest.mark.parametrize("query, back", [("", "/rentals"), ("q=a", "/rentals?q=a")])
def test_its_confirmation_with_nothing_ticked_goes_back_to_the_list(client, query, back):
    answer = client.get(f"/rentals/mark_returned?{query}", status=303)
    assert answer.location.endswith(back)
    assert "tick the rows to act on first" in answer.follow().text


def test_openapi_and_meta_name_it(client):
    paths = client.get("/openapi.json").json["paths"]
    assert "post" in paths["/rentals/mark_returned.json"]
    assert paths["/rentals/mark_returned.json"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]["required"] == ["ids"]
    assert not any("mark_returned" in p for p in paths if not p.startswith("/rentals"))


def test_another_resource_has_none_of_it(client):
    client.get("/movies/mark_returned", status=404)
    assert "Mark returned" not in client.get("/movies").text
