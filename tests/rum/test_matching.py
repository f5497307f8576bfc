"""Acting on every row a list query matches: confirmation with count and first rows, the
delete of exactly those rows (HTML and JSON), custom actions, and the maximum."""

import pytest
import sqlalchemy as sa

from model import Rental
from rum import RumApp
from tests.conftest import csrf_headers, demo_config, wrap
from tests.rum.test_custom_actions import RentalAdmin

QUERY = "f.returned.eq=false&sort=customer"
NOT_RETURNED = Rental.returned.is_(False)


def count(app, where=None) -> int:
    stmt = sa.select(sa.func.count()).select_from(Rental)
    if where is not None:
        stmt = stmt.where(where)
    with app.repositories.engine.connect() as conn:
        return conn.scalar(stmt)


def make(demo_db, **options):
    config = demo_config(demo_db)
    if options:
        config["rum"] = options
    app = RumApp(config, resources={"Rental": RentalAdmin})
    return app, wrap(app)


@pytest.fixture
def both(demo_db):
    return make(demo_db)


def test_delete_all_matching_names_the_count_and_first_rows_then_deletes_just_them(both):
    app, client = both
    matching, total = count(app, NOT_RETURNED), count(app)
    assert 10 < matching < total
    bulk = client.get(f"/rentals?{QUERY}").forms["bulk"]
    button = bulk.fields["all"][1]  # the "Delete all matching…" button (0: the tick box)
    assert button.tag == "button"
    confirm = bulk.submit("all", index=1)  # no rows ticked
    assert confirm.status_int == 200
    assert f"Delete {matching} rentals?" in confirm.text
    named = confirm.html.select("ul.refs li a")
    assert len(named) == 10 and all(a["href"].startswith("/rentals/") for a in named)
    assert confirm.html.select_one("ul.refs li.more").text == f"and {matching - 10} more"
    form = confirm.forms[0]
    assert "ids" not in form.fields  # the query names the rows, not a page of ids
    done = form.submit()
    assert done.status_int == 303
    assert done.location.endswith(f"/rentals?{QUERY}")
    assert f"{matching} rentals deleted" in done.follow().text
    assert (count(app, NOT_RETURNED), count(app)) == (0, total - matching)


def test_the_all_matching_tick_box_works_with_any_bulk_button(both):
    app, client = both
    matching = count(app, NOT_RETURNED)
    bulk = client.get(f"/rentals?{QUERY}").forms["bulk"]
    bulk.get("all", index=0).checked = True
    confirm = bulk.submit()  # "Delete selected", with the tick box for all matching rows
    assert f"Delete {matching} rentals?" in confirm.text


def test_a_small_match_is_named_whole(both):
    app, client = both
    confirm = client.get("/rentals/delete_many?all=1&f.id.le=3")
    assert "Delete 3 rentals?" in confirm.text
    assert len(confirm.html.select("ul.refs li a")) == 3 and not confirm.html.select("li.more")


def test_ticked_rows_are_named_on_the_confirmation(both):
    _app, client = both
    labels = [i["_label"] for i in client.get("/rentals.json?f.id.le=2").json["items"]]
    confirm = client.get("/rentals/delete_many?ids=1&ids=2")
    assert [a.text for a in confirm.html.select("ul.refs li a")] == labels


def test_json_delete_all_matching(both):
    app, client = both
    matching, total = count(app, NOT_RETURNED), count(app)
    done = client.post(f"/rentals/delete_many.json?all=1&{QUERY}", "{}",
                       headers={**csrf_headers(client), "Content-Type": "application/json"})
    assert done.status_int == 200 and done.json == {"count": matching}
    assert (count(app, NOT_RETURNED), count(app)) == (0, total - matching)


@pytest.mark.parametrize("method, path", [
    ("GET", f"/rentals/delete_many?all=1&{QUERY}"),
    ("POST", f"/rentals/delete_many?all=1&{QUERY}"),
    ("POST", f"/rentals/delete_many.json?all=1&{QUERY}"),
    ("GET", f"/rentals/mark_returned?all=1&{QUERY}"),
    ("POST", f"/rentals/mark_returned.json?all=1&{QUERY}"),
])
def test_more_rows_than_the_maximum_are_refused_before_any_is_touched(demo_db, method, path):
    app, client = make(demo_db, max_bulk=20)
    before = count(app, NOT_RETURNED)
    assert before > 20
    if method == "GET":
        refused = client.get(path, status=413)
    else:
        refused = client.post(path, {"_csrf": client.get("/").headers["X-CSRF-Token"]},
                              status=413)
    assert "More than 20 rows match" in refused.text
    assert count(app, NOT_RETURNED) == before


def test_a_custom_action_on_all_matching_rows(both):
    app, client = both
    matching = count(app, NOT_RETURNED)
    confirm = client.get(f"/rentals/mark_returned?all=1&{QUERY}")
    assert f"Mark returned: {matching} rentals" in confirm.text
    assert f"and {matching - 10} more" in confirm.text
    confirm.forms[0].submit()
    assert count(app, NOT_RETURNED) == 0


def test_rows_that_came_since_the_confirmation_stop_the_action(both):
    app, client = both
    form = client.get(f"/rentals/delete_many?all=1&{QUERY}").forms[0]
    expected = int(form["expect"].value)
    assert expected == count(app, NOT_RETURNED)
    with app.repositories.engine.begin() as conn:  # someone lends one more meanwhile
        conn.execute(sa.update(Rental).where(Rental.id == sa.select(sa.func.min(Rental.id))
                                             .where(Rental.returned.is_(True))
                                             .scalar_subquery()).values(returned=False))
    refused = form.submit(status=409)
    assert f"{expected + 1} rows match now" in refused.text
    assert count(app, NOT_RETURNED) == expected + 1


def test_all_matching_on_the_memory_backend():
    from tests.rum.test_builtin_actions import memory_config

    client = wrap(RumApp(memory_config()))
    before = client.get("/rentals.json").json["count"]
    confirm = client.get("/rentals/delete_many?all=1&f.id.le=2")
    assert "Delete 2 rentals?" in confirm.text
    confirm.forms[0].submit()
    assert client.get("/rentals.json").json["count"] == before - 2
    assert client.get("/rentals.json?f.id.le=2").json["items"] == []
