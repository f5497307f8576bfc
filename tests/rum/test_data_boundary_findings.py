"""One regression test per way the policy leaked across relations.

A related row the user may not read (its resource unreadable, or the row outside its row
filters) is left out of to-many lists and shown as an opaque reference for to-one (its id,
label `#<id>`, no link); it cannot be linked, unlinked, assigned or filtered on; writes
never remove links to rows the user cannot see; a nested create is checked after it is
attached to its parent. (The table-driven sweep is tests/rum/test_data_boundary.py.)
"""

import re

import pytest
import sqlalchemy as sa

from tests.fixtures import boundary
from tests.fixtures import secrets_model as sm
from tests.fixtures.boundary import Write, body_text, csrf_token, get, send
from tests.fixtures.secrets_model import Comment, Document, invoice_tag

# the shared fixtures, by name
secrets_template = boundary.secrets_template
world = boundary.world


@pytest.fixture(scope="module")
def seen(secrets_template, tmp_path_factory):
    """The database of the tests that only read (reads change nothing)."""
    return boundary.make_world(secrets_template, tmp_path_factory.mktemp("seen"))


ALICE, HANNAH, ROOT = (sm.headers_for(u) for u in ("alice", "hannah", "root"))


def scalar(world, stmt):
    with world.engine.connect() as conn:
        return conn.scalar(stmt)


def tag_links(world, tag: str) -> set[int]:
    with world.engine.connect() as conn:
        return set(conn.scalars(sa.select(invoice_tag.c.invoice_id).where(
            invoice_tag.c.tag_id == int(world.ids[f"tag:{tag}"]))))


def invoice_ids(world, owner: str) -> set[int]:
    return {int(world.ids[f"invoice:{owner}:{i}"])
            for i in range(1, sm.INVOICES_PER_CLERK[owner] + 1)}


def answer(response) -> tuple:
    """What a list response tells: its status and its rows (JSON ids, CSV lines, HTML links)."""
    text = body_text(response)
    if response.status_int >= 400:
        return (response.status_int,)
    if response.content_type == "application/json":
        return 200, sorted(i["_id"] for i in response.json["items"])
    if response.content_type == "text/csv":
        return 200, sorted(text.strip().splitlines()[1:])
    return 200, sorted(set(re.findall(r'href="/(?:comments|documents|api_tokens)/(\d+)"', text)))


# -- (1) filters are no oracle ---------------------------------------------------------------

ORACLES = [
    # (viewer, path with {}, the right guess, a wrong guess)
    ("alice", "/comments{fmt}?f.author.api_key.startswith={}", "AK-ALICE", "AK-ZZZZZ"),
    ("alice", "/comments{fmt}?f.author.password_hash.contains={}", "HASH-ALICE", "HASH-ZZZ"),
    ("bob", "/comments{fmt}?f.author.api_key.startswith={}", "AK-B", "AK-Z"),
    ("bob", "/documents{fmt}?f.owner.api_key.eq={}", sm.api_key("bob"), "AK-BOB-000000"),
    ("hannah", "/api_tokens{fmt}?f.user.api_key.startswith={}", "AK-BOB", "AK-ZZZ"),
    ("hannah", "/api_tokens{fmt}?f.user.password_hash.startswith={}", "HASH-BOB", "HASH-ZZZ"),
    # alice's own comment and document hang on bob's invoice 1
    ("alice", "/comments{fmt}?f.invoice.notes.contains={}", "SECRET-NOTE-BOB-001", "NOPE"),
    ("alice", "/documents{fmt}?f.invoice.number.eq={}", "INV-B-001", "INV-B-999"),
    ("alice", "/documents{fmt}?f.invoice.amount.eq={}", "501", "502"),
    ("bob", "/comments{fmt}?f.invoice.notes.startswith={}", "SECRET-NOTE-ALICE-001", "NOPE"),
    # filtering on an invisible row itself, by its id
    ("alice", "/comments{fmt}?f.invoice.eq={}", "{their_inv}", "999999"),
    ("alice", "/documents{fmt}?f.invoice.in={}", "{their_inv}", "999999"),
]


@pytest.mark.parametrize("fmt", [".json", ".csv", ""])
@pytest.mark.parametrize("viewer, path, right, wrong", ORACLES)
def test_filter_is_no_oracle_for_hidden_or_out_of_scope_values(seen, viewer, path, right, wrong,
                                                               fmt):
    ctx = seen.context(viewer)
    right, wrong = right.format(**ctx), wrong.format(**ctx)
    headers = sm.headers_for(viewer)
    hit = seen.client.get(path.format(right, fmt=fmt), headers=headers, expect_errors=True)
    miss = seen.client.get(path.format(wrong, fmt=fmt), headers=headers, expect_errors=True)
    assert hit.status_int < 500 and miss.status_int < 500
    assert answer(hit) == answer(miss), \
        f"{path.format(right, fmt=fmt)} answers differently from a wrong guess"


# -- (2) labels of unreadable related rows -----------------------------------------------------

def test_to_one_out_of_scope_is_an_opaque_reference_in_json(seen):
    ctx = seen.context("alice")
    data = seen.client.get(f"/comments/{ctx['my_cross_comment']}.json", headers=ALICE).json
    ref = data["invoice"]
    assert ref["id"] == ctx["their_inv"]
    assert ref["label"] == f"#{ctx['their_inv']}"
    assert not ref.get("url")
    assert data["author"]["label"] == "alice"  # readable relations keep their label


@pytest.mark.parametrize("path", ["/comments/{my_cross_comment}", "/documents/{my_cross_doc}",
                                  "/comments", "/documents", "/users/{me}/comments",
                                  "/documents/{my_cross_doc}/edit"])
def test_to_one_out_of_scope_is_an_opaque_reference_in_html(seen, path):
    ctx = seen.context("alice")
    text = seen.client.get(path.format(**ctx), headers=ALICE).text
    assert sm.invoice_number("bob", 1) not in text
    assert f'href="/invoices/{ctx["their_inv"]}"' not in text
    if not path.endswith("/edit"):
        assert f"#{ctx['their_inv']}" in text


@pytest.mark.parametrize("fmt", [".json", ".csv"])
def test_to_one_out_of_scope_in_lists_as_data(seen, fmt):
    text = seen.client.get(f"/documents{fmt}", headers=ALICE).text
    assert sm.invoice_number("bob", 1) not in text
    assert f"#{seen.ids['invoice:bob:1']}" in text


def test_show_json_leaves_unreadable_rows_out_of_to_many(seen):
    ctx = seen.context("alice")
    them = seen.client.get(f"/users/{ctx['them']}.json", headers=ALICE).json
    me = seen.client.get(f"/users/{ctx['me']}.json", headers=ALICE).json
    for user in (them, me):
        assert not user.get("api_tokens"), "clerks may not read API tokens"
        assert "password_hash" not in user and "api_key" not in user
    assert not them.get("invoices") and not them.get("documents") and not them.get("comments")
    assert {r["label"] for r in me["invoices"]} <= {sm.invoice_number("alice", i)
                                                    for i in range(1, 33)}
    assert me["invoices"], "her own invoices stay listed"


def test_show_json_for_hr_lists_tokens_but_no_invoices(seen):
    user = seen.client.get(f"/users/{seen.ids['user:bob']}.json", headers=HANNAH).json
    assert {r["label"] for r in user["api_tokens"]} == set(sm.tokens("bob"))
    assert not user.get("invoices") and not user.get("documents") and not user.get("comments")


@pytest.mark.parametrize("viewer, path, secret", [
    ("alice", "/users/{them}", "TOK-bob-1-5d1e8b"),
    ("alice", "/users/{me}", "TOK-alice-1-5d1e8b"),
    ("alice", "/users/{them}", "INV-B-001"),
    ("hannah", "/users/{them}", "INV-B-001"),
    ("alice", "/tags/{shared}", "INV-B-001"),
    ("alice", "/invoices/{my_inv}", 'href="/comments/{their_cross_comment}"'),
    ("alice", "/invoices/{my_inv}", 'href="/documents/{their_cross_doc}"'),
])
def test_show_html_leaves_unreadable_rows_out(seen, viewer, path, secret):
    ctx = seen.context(viewer)
    response = get(seen, viewer, path.format(**ctx))
    assert response.status_int == 200
    assert secret.format(**ctx) not in response.text


@pytest.mark.parametrize("fmt", ["", ".json", ".csv"])
def test_grid_and_exports_of_a_tag_list_only_readable_invoices(seen, fmt):
    text = seen.client.get(f"/tags/{seen.ids['tag:shared']}/invoices{fmt}", headers=ALICE).text
    assert "INV-A-001" in text and "INV-B-001" not in text
    assert "SECRET-NOTE-BOB" not in text


def test_counts_of_related_rows_count_only_readable_ones(seen):
    shared = seen.ids["tag:shared"]
    for path in (f"/tags/{shared}", f"/tags/{shared}/confirm_delete"):
        text = seen.client.get(path, headers=ALICE).text
        counts = {int(n) for n in re.findall(r"(\d+)\s+invoices", text)}
        assert 6 not in counts, f"{path} counts bob's invoices: {counts}"


@pytest.mark.parametrize("resource, field, probe", [
    ("comments", "invoice", "{their_inv}"), ("documents", "invoice", "{their_inv}"),
    ("tags", "invoices", "{their_inv}"), ("users", "api_tokens", "{their_token}"),
    ("users", "invoices", "INV-B"), ("invoices", "documents", "DOC-B"),
])
def test_complete_offers_only_readable_rows(seen, resource, field, probe):
    q = probe.format(**seen.context("alice"))
    for query in (f"&q={q}", ""):
        response = seen.client.get(f"/{resource}/complete.json?field={field}{query}&limit=50",
                                    headers=ALICE, expect_errors=True)
        assert response.status_int < 500
        text = body_text(response)
        assert not any(s in text for s in ("INV-B-", "DOC-B-", "TOK-")), text[:300]


@pytest.mark.parametrize("path", ["/comments/new", "/documents/new", "/tags/new",
                                  "/tags/{shared}/edit", "/comments/{my_comment}/edit",
                                  "/users/{me}/documents/new"])
def test_form_select_options_are_only_readable_rows(seen, path):
    response = seen.client.get(path.format(**seen.context("alice")), headers=ALICE)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", response.text)
    assert options, "the form offers its relations as selects"
    assert not [o for o in options if o.startswith(("INV-B-", "DOC-B-", "TOK-"))]


# -- (3) writes from the other side ------------------------------------------------------------

@pytest.mark.parametrize("kind", ["json", "form"])
def test_tag_cannot_link_an_invisible_invoice(world, kind):
    before = tag_links(world, "empty")
    suffix = ".json" if kind == "json" else ""
    write = Write("link", "POST", f"/tags/{{empty}}/invoices/link{suffix}", kind,
                  {"ids": ["{their_inv9}"]})
    response, _ = send(world, "alice", write)
    assert 400 <= response.status_int < 500
    assert tag_links(world, "empty") == before


@pytest.mark.parametrize("kind", ["json", "form"])
def test_tag_cannot_unlink_an_invisible_invoice(world, kind):
    suffix = ".json" if kind == "json" else ""
    write = Write("unlink", "POST", f"/tags/{{shared}}/invoices/unlink{suffix}", kind,
                  {"ids": ["{their_inv}"]})
    response, _ = send(world, "alice", write)
    assert response.status_int < 500
    assert int(world.ids["invoice:bob:1"]) in tag_links(world, "shared")


def test_put_tag_json_with_no_invoices_keeps_the_invisible_links(world):
    response, _ = send(world, "alice", Write("empty", "PUT", "/tags/{shared}.json", "json",
                                             {"name": "shared", "invoices": []}))
    assert response.status_int == 200
    links = tag_links(world, "shared")
    assert links == {int(world.ids[f"invoice:bob:{i}"]) for i in (1, 2, 3)}


def test_put_tag_form_saved_unchanged_keeps_every_link(world):
    before = tag_links(world, "shared")
    response, _ = send(world, "alice", Write("save", "PUT", "/tags/{shared}", "edit form", {}))
    assert response.status_int == 303
    assert tag_links(world, "shared") == before


def test_put_tag_form_emptied_removes_only_visible_links(world):
    response, _ = send(world, "alice", Write("empty", "PUT", "/tags/{shared}", "edit form",
                                             {"invoices": []}))
    assert response.status_int == 303
    assert tag_links(world, "shared") == {int(world.ids[f"invoice:bob:{i}"]) for i in (1, 2, 3)}


@pytest.mark.parametrize("kind", ["json", "form"])
@pytest.mark.parametrize("resource, body", [
    ("documents", {"title": "planted", "invoice": "{their_inv}", "owner": "{me}"}),
    ("documents", {"title": "planted", "invoice": "{their_number}", "owner": "{me}"}),
    ("comments", {"body": "planted", "invoice": "{their_inv}", "author": "{me}"}),
])
def test_create_cannot_attach_to_an_invisible_row(world, resource, body, kind):
    suffix = ".json" if kind == "json" else ""
    model = {"documents": Document, "comments": Comment}[resource]
    before = scalar(world, sa.select(sa.func.count()).select_from(model))
    response, _ = send(world, "alice", Write("create", "POST", f"/{resource}{suffix}", kind,
                                             body))
    assert 400 <= response.status_int < 500, response.status
    assert scalar(world, sa.select(sa.func.count()).select_from(model)) == before


def test_update_cannot_move_a_row_onto_an_invisible_one(world):
    doc = world.ids["document:alice:1"]
    response, _ = send(world, "alice", Write("move", "PATCH", f"/documents/{doc}.json", "json",
                                             {"invoice": "{their_inv}"}))
    assert 400 <= response.status_int < 500
    assert scalar(world, sa.select(Document.invoice_id).where(Document.id == int(doc))) == \
        int(world.ids["invoice:alice:1"])


def test_saving_my_row_keeps_its_opaque_reference(world):
    ctx = world.context("alice")
    response, _ = send(world, "alice", Write("save", "PUT", "/documents/{my_cross_doc}",
                                             "edit form", {}))
    assert response.status_int == 303
    stored = scalar(world, sa.select(Document.invoice_id).where(
        Document.id == int(ctx["my_cross_doc"])))
    assert stored == int(ctx["their_inv"])


# -- (4) nested create checks scope after attaching to the parent -------------------------------

@pytest.mark.parametrize("kind", ["json", "form"])
@pytest.mark.parametrize("relation, body", [
    ("documents", {"title": "planted", "invoice": "{my_inv}"}),
    ("documents", {"title": "planted", "invoice": "{my_inv}", "owner": "{me}"}),
    ("comments", {"body": "planted", "invoice": "{my_inv}", "author": "{me}"}),
])
def test_nested_create_under_another_user_plants_nothing(world, relation, body, kind):
    model = {"documents": Document, "comments": Comment}[relation]
    before = scalar(world, sa.select(sa.func.count()).select_from(model))
    suffix = ".json" if kind == "json" else ""
    response, _ = send(world, "alice", Write("nested", "POST",
                                             f"/users/{{them}}/{relation}{suffix}", kind, body))
    assert 400 <= response.status_int < 500, response.status
    assert scalar(world, sa.select(sa.func.count()).select_from(model)) == before


def test_nested_create_under_another_users_invoice_plants_nothing(world):
    before = scalar(world, sa.select(sa.func.count()).select_from(Comment))
    response, _ = send(world, "alice", Write("nested", "POST",
                                             "/invoices/{their_inv}/comments.json", "json",
                                             {"body": "planted", "invoice": "{my_inv}",
                                              "author": "{me}"}))
    assert 400 <= response.status_int < 500
    assert scalar(world, sa.select(sa.func.count()).select_from(Comment)) == before


# -- (5) no data loss on a relation longer than a page ----------------------------------------

@pytest.mark.parametrize("viewer", ["root", "alice"])
def test_edit_form_of_a_tag_with_65_invoices_saved_unchanged_keeps_them(world, viewer):
    everything = invoice_ids(world, "alice") | invoice_ids(world, "bob")
    assert tag_links(world, "bulk") == everything and len(everything) > 60
    response, _ = send(world, viewer, Write("save", "PUT", "/tags/{bulk}", "edit form", {}))
    assert response.status_int == 303
    assert tag_links(world, "bulk") == everything


def test_json_round_trip_of_a_tag_with_65_invoices_keeps_them(world):
    everything = tag_links(world, "bulk")
    bulk = world.ids["tag:bulk"]
    shown = world.client.get(f"/tags/{bulk}.json", headers=ROOT)
    body = {"name": shown.json["name"], "invoices": [r["id"] for r in shown.json["invoices"]]}
    headers = {**ROOT, "X-CSRF-Token": csrf_token(world, "root"), "If-Match": shown.etag}
    world.client.put_json(f"/tags/{bulk}.json", body, headers=headers)
    assert tag_links(world, "bulk") == everything


# -- hidden fields and row filters hold in every format ----------------------------------------

FORMATS = ["", ".json", ".csv"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("viewer, path, present, absent", [
    ("alice", "/users", "hannah", sm.hidden_secrets()),
    ("hannah", "/users", "root", sm.hidden_secrets()),
    ("hannah", "/api_tokens", "TOK-bob-1-5d1e8b", sm.hidden_secrets()),
    ("alice", "/invoices", "INV-A-001", ["INV-B-001", "SECRET-NOTE-BOB-001"]),
    ("bob", "/invoices", "INV-B-001", ["INV-A-001", "SECRET-NOTE-ALICE-001"]),
    ("alice", "/tags/{shared}/invoices", "INV-A-002", ["INV-B-002"]),
    ("alice", "/users/{me}/invoices", "INV-A-001", ["INV-B-001"]),
])
def test_hidden_fields_and_row_filters_in_every_format(seen, viewer, path, present, absent, fmt):
    url = path.format(**seen.context(viewer)) + fmt
    response = seen.client.get(url, headers=sm.headers_for(viewer))
    text = body_text(response)
    assert present in text
    assert not [s for s in absent if s in text], f"{url} as {viewer}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_row_filter_empties_a_nested_list_of_another_users_rows(seen, fmt):
    response = seen.client.get(f"/users/{seen.ids['user:bob']}/invoices{fmt}?limit=50",
                               headers=ALICE)
    assert "INV-B-" not in body_text(response)
    if fmt == ".json":
        assert response.json["items"] == [] and response.json["count"] == 0



@pytest.mark.parametrize("fmt", FORMATS)
def test_row_filter_holds_in_a_nested_list_of_my_own_invoice(seen, fmt):
    """bob's comment on alice's invoice is bob's: not in her list of that invoice's comments."""
    ctx = seen.context("alice")
    url = f"/invoices/{ctx['my_inv']}/comments{fmt}"
    response = seen.client.get(url, headers=ALICE)
    mine, theirs = ctx["my_comment"], ctx["their_cross_comment"]
    if fmt == ".json":
        assert [i["_id"] for i in response.json["items"]] == [mine]
        assert response.json["count"] == 1
    elif fmt == ".csv":
        lines = response.text.strip().splitlines()[1:]
        assert [line.split(",")[0] for line in lines] == [mine]
    else:
        # row links carry the nested list as return_to: /comments/7?return_to=...
        assert re.search(f'href="/comments/{mine}[?"]', response.text)
        assert not re.search(f'href="/comments/{theirs}[?"]', response.text)
