"""Restoring the state before a change: the edit form for an update, the new form for a
delete, the delete confirmation for a create; saved through the usual actions."""

from tests.fixtures.history_world import SECRET, as_user, edit, history_client

ROOT, KIM, GUS = as_user("root"), as_user("kim"), as_user("gus")


def newest(client, path, headers=ROOT) -> dict:
    return client.get(f"{path}/history.json", headers=headers).json["items"][0]


def test_revert_an_update():
    client = history_client()
    edit(client, "root", "/movies/1", title="Changed", year="1999")
    entry = newest(client, "/movies/1")
    page = client.get(f"/movies/1/history/{entry['id']}/restore", headers=ROOT)
    form = page.forms[0]
    assert form["title"].value == "Alpha Harbor" and form["_revert"].value == entry["id"]
    assert form["_version"].value == client.get("/movies/1/edit", headers=ROOT) \
        .forms[0]["_version"].value
    client.post(form.action, dict(form.submit_fields()), headers=ROOT, status=303)
    shown = client.get("/movies/1.json", headers=ROOT).json
    assert shown["title"] == "Alpha Harbor" and shown["year"] != 1999
    last = newest(client, "/movies/1")
    assert last["action"] == "revert"
    assert {"field": "title", "label": "Title", "old": "Changed",
            "new": "Alpha Harbor"} in last["changes"]


def test_a_stale_restore_form_is_a_conflict():
    client = history_client()
    edit(client, "root", "/movies/1", title="Changed")
    entry = newest(client, "/movies/1")
    form = client.get(f"/movies/1/history/{entry['id']}/restore", headers=ROOT).forms[0]
    edit(client, "root", "/movies/1", title="Changed again")
    response = client.post(form.action, dict(form.submit_fields()), headers=ROOT,
                           status=409)
    assert "Changed again" in response.text


def test_revert_a_delete_creates_the_row_again():
    client = history_client()
    client.get("/rentals/3/confirm_delete", headers=ROOT).forms[0].submit(headers=ROOT)
    client.get("/rentals/3", headers=ROOT, status=404)
    entry = newest(client, "/rentals/3")
    form = client.get(f"/rentals/3/history/{entry['id']}/restore", headers=ROOT).forms[0]
    assert form["customer"].value == "kim" and form["movie"].value == "2"
    response = client.post(form.action, dict(form.submit_fields()), headers=ROOT,
                           status=303)
    assert response.location.rsplit("/", 1)[1] == "3"  # its own key, which no row holds
    assert client.get("/rentals/3.json", headers=ROOT).json["customer"] == "kim"
    assert newest(client, "/rentals/3")["action"] == "revert"


def test_a_deleted_row_whose_key_was_taken_comes_back_under_a_new_one():
    client = history_client()
    client.get("/directors/3/confirm_delete", headers=ROOT).forms[0].submit(headers=ROOT)
    entry = newest(client, "/directors/3")
    form = client.get(f"/directors/3/history/{entry['id']}/restore", headers=ROOT).forms[0]
    first = client.post(form.action, dict(form.submit_fields()), headers=ROOT, status=303)
    assert first.location.endswith("/directors/3")
    again = client.post(form.action, dict(form.submit_fields()), headers=ROOT, status=303)
    assert not again.location.endswith("/directors/3")  # the key is held: a new one


def test_revert_a_create_is_the_delete_confirmation():
    client = history_client()
    form = client.get("/directors/new", headers=ROOT).forms[0]
    form["name"] = "Zed New"
    new_id = form.submit(headers=ROOT, status=303).location.rsplit("/", 1)[1]
    entry = newest(client, f"/directors/{new_id}")
    response = client.get(f"/directors/{new_id}/history/{entry['id']}/restore",
                          headers=ROOT, status=303)
    assert response.location.endswith(f"/directors/{new_id}/confirm_delete")


def test_restore_keeps_hidden_values_and_the_policy():
    client = history_client()
    edit(client, "root", "/movies/1", title="Changed", description=SECRET)
    entry = newest(client, "/movies/1")
    page = client.get(f"/movies/1/history/{entry['id']}/restore", headers=KIM)
    assert SECRET not in page.text and page.forms[0]["title"].value == "Alpha Harbor"
    client.get(f"/movies/1/history/{entry['id']}/restore", headers=GUS, status=403)
    client.get(f"/directors/1/history/{entry['id']}/restore", headers=ROOT, status=404)
    client.get("/movies/1/history/999/restore", headers=ROOT, status=404)


def test_a_revert_mark_for_another_row_records_an_update():
    client = history_client()
    edit(client, "root", "/movies/2", title="Other")
    other = newest(client, "/movies/2")
    form = client.get("/movies/1/edit", headers=ROOT).forms[0]
    form["title"] = "Plain"
    fields = dict(form.submit_fields())
    client.post(form.action, {**fields, "_revert": other["id"]}, headers=ROOT, status=303)
    assert newest(client, "/movies/1")["action"] == "update"
