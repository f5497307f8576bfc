"""The policy holds at the data boundary: every route, method and format, as each user.

Table-driven over the whole URL space (README "URLs", rum/router.py, the action table): for
alice and bob (clerks, each seeing only their own invoices, documents and comments) and
hannah (hr: users and API tokens only), no response body carries a secret of the other
user, a hidden field value, or the label of a row out of scope; no write attempt changes
the other user's rows or the links of their invoices; nothing answers 5xx.
"""

import pytest

from tests.fixtures import boundary
from tests.fixtures import secrets_model as sm
from tests.fixtures.boundary import Write, assert_no_leak, assert_unchanged, fill, get, send, snapshot

# the shared fixtures, by name
reading_world = boundary.reading_world
secrets_template = boundary.secrets_template
world = boundary.world

VIEWERS = ("alice", "bob", "hannah")
RESOURCES = ("users", "api_tokens", "invoices", "tags", "documents", "comments")
RELATIONS = {
    "users": ("api_tokens", "invoices", "documents", "comments", "watched_invoices"),
    "api_tokens": ("user",),
    "invoices": ("owner", "tags", "watchers", "documents", "comments"),
    "tags": ("invoices",),
    "documents": ("invoice", "owner"),
    "comments": ("invoice", "author"),
}
TO_MANY = {"users": ("api_tokens", "invoices", "documents", "comments", "watched_invoices"),
           "invoices": ("tags", "watchers", "documents", "comments"), "tags": ("invoices",)}
# An id of the other side's row for each related resource: `complete` also matches exact ids.
PROBE_ID = {"users": "{them}", "api_tokens": "{their_token}", "invoices": "{their_inv}",
            "tags": "{their_tag}", "documents": "{their_doc}", "comments": "{their_comment}"}
ROWS = (
    ("users", "them"), ("users", "me"), ("api_tokens", "their_token"), ("invoices", "my_inv"),
    ("invoices", "their_inv"), ("tags", "shared"), ("tags", "bulk"), ("tags", "their_tag"),
    ("documents", "my_doc"), ("documents", "their_doc"), ("documents", "my_cross_doc"),
    ("documents", "their_cross_doc"), ("comments", "my_comment"),
    ("comments", "my_cross_comment"), ("comments", "their_cross_comment"),
)


def read_paths() -> list[str]:
    paths = ["/", "/index.json", "/index.csv", "/_meta", "/_meta.json", "/openapi.json",
             "/_history", "/_history.json", "/_history.csv", "/_history.json?resource=users",
             "/_history.csv?resource=invoices&limit=200"]
    for r in RESOURCES:
        paths += [f"/{r}", f"/{r}.json", f"/{r}.csv", f"/{r}?q=B", f"/{r}.json?q=SECRET",
                  f"/{r}.csv?q=-", f"/{r}/new"]
        for rel in RELATIONS[r]:
            paths += [f"/{r}/complete?field={rel}", f"/{r}/complete.json?field={rel}&q=-",
                      f"/{r}/complete?field={rel}&q=" + PROBE_ID[_related(r, rel)]]
    for r, row in ROWS:
        base = f"/{r}/{{{row}}}"
        paths += [base, f"{base}.json", f"{base}.csv", f"{base}/edit", f"{base}/confirm_delete",
                  f"{base}/history", f"{base}/history.json", f"{base}/history.csv",
                  f"{base}/history/1/restore"]
        for rel in TO_MANY.get(r, ()):
            paths += [f"{base}/{rel}", f"{base}/{rel}.json", f"{base}/{rel}.csv",
                      f"{base}/{rel}/new", f"{base}/{rel}.json?q=-&sort=-id"]
    paths += [
        "/documents/{my_doc}/download/file", "/documents/{their_doc}/download/file",
        "/documents/{my_cross_doc}/download/file", "/documents/{their_cross_doc}/download/file",
        # a breadcrumb names the parent of a nested list only when it is in scope
        "/documents/{my_cross_doc}?return_to=/invoices/{their_inv}/documents",
        "/documents/{my_doc}/edit?return_to=/invoices/{their_inv}/documents",
        "/comments/{my_cross_comment}/confirm_delete?return_to=/invoices/{their_inv}/comments",
        "/invoices/delete_many?ids={my_inv}&ids={their_inv}",
        "/invoices/delete_many?all=1", "/documents/delete_many?all=1&sort=-id",
        "/comments/delete_many?all=1&f.invoice.eq={their_inv}", "/tags/delete_many?all=1",
        "/invoices/delete_many?ids={their_inv}", "/documents/delete_many?ids={their_doc}",
        "/comments/delete_many?ids={my_cross_comment}", "/tags/delete_many?ids={shared}",
        "/comments.json?f.author.api_key.startswith=AK-",
        "/comments.csv?f.author.password_hash.contains=HASH",
        "/comments.json?f.invoice.notes.contains=SECRET",
        "/documents?f.invoice.number.startswith=INV",
        "/documents.csv?f.invoice.eq={their_inv}", "/comments?f.invoice.in={their_inv},{my_inv}",
        "/invoices.json?f.owner.eq={them}&sort=-amount",
        "/invoices?op.owner=eq&v.owner={them}",
        "/invoices.csv?f.owner.api_key.startswith=AK-&sort=number",
        "/api_tokens.json?f.user.password_hash.startswith=HASH",
        "/api_tokens.csv?f.user.name.eq=bob", "/users.json?sort=-name&q=o",
        "/users.json?f.api_key.startswith=AK", "/users.json?sort=api_key",
        "/tags/{bulk}/invoices.json?limit=5&page=3", "/tags/{bulk}/invoices?q=INV&sort=-amount",
        "/tags/{shared}/invoices.json?f.owner.api_key.startswith=AK",
        "/tags/{shared}/invoices.csv?f.notes.contains=SECRET",
        "/users/{them}/invoices.json?f.notes.contains=SECRET-NOTE",
        "/users/{them}/api_tokens.json?q=TOK",
    ]
    return paths


def _related(resource: str, relation: str) -> str:
    return {"user": "users", "owner": "users", "author": "users", "invoice": "invoices",
            "tags": "tags", "invoices": "invoices", "documents": "documents",
            "comments": "comments", "api_tokens": "api_tokens", "watchers": "users",
            "watched_invoices": "invoices"}[relation]


READ_PATHS = read_paths()
# What each role must still reach: a boundary that refuses everything also leaks nothing.
MUST_SUCCEED = {
    "clerk": ("/", "/invoices", "/invoices.json", "/invoices.csv", "/tags", "/tags/{shared}",
              "/tags/{shared}.json", "/tags/{shared}/invoices", "/tags/{shared}/invoices.json",
              "/tags/{shared}/invoices.csv", "/tags/{bulk}/invoices.json?limit=5&page=3",
              "/users/{them}", "/users/{them}.json", "/comments/{my_cross_comment}",
              "/comments/{my_cross_comment}.json", "/documents/{my_cross_doc}/edit",
              "/invoices/{my_inv}", "/invoices/{my_inv}/edit", "/documents/new",
              "/tags/{shared}/edit", "/comments/complete?field=invoice",
              "/documents/{my_doc}/download/file"),
    "hr": ("/", "/users", "/users.json", "/users/{them}", "/users/{them}.json",
           "/users/{them}/api_tokens", "/api_tokens.csv", "/api_tokens/{their_token}"),
}


@pytest.mark.parametrize("path", READ_PATHS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_reads_show_nothing_out_of_scope(reading_world, viewer, path):
    url = fill(path, reading_world.context(viewer))
    response = get(reading_world, viewer, url)
    assert_no_leak(response, viewer, f"GET {url}", sent=url)
    role = sm.ROLES[viewer]
    if path in MUST_SUCCEED.get(role, ()):
        assert response.status_int == 200, f"GET {url} as {viewer}: {response.status}"


WRITES = [
    # rows of the other side, addressed directly
    Write("update their invoice", "PATCH", "/invoices/{their_inv}.json", "json",
          {"notes": "overwritten"}),
    Write("update their invoice, form", "PUT", "/invoices/{their_inv}", "form",
          {"number": "X", "notes": "overwritten", "_version": "0"}),
    Write("delete their invoice", "DELETE", "/invoices/{their_inv}.json", "json"),
    Write("delete their invoice, form", "DELETE", "/invoices/{their_inv}", "form", {}),
    Write("delete many of theirs", "POST", "/invoices/delete_many", "form",
          {"ids": ["{their_inv}", "{their_inv2}"]}),
    Write("delete many, mixed", "POST", "/invoices/delete_many", "form",
          {"ids": ["{my_inv2}", "{their_inv2}"]}),
    # every row a list query matches: only the rows the list shows are touched
    Write("delete all matching invoices", "POST", "/invoices/delete_many?all=1", "form", {}),
    Write("delete all matching invoices, theirs asked for", "POST",
          "/invoices/delete_many.json?all=1&f.owner.eq={them}", "json", {}),
    Write("delete all matching documents, theirs named", "POST",
          "/documents/delete_many?all=1&f.id.in={their_doc},{my_doc}", "form", {}),
    Write("delete all matching comments on their invoice", "POST",
          "/comments/delete_many.json?all=1&f.invoice.eq={their_inv}", "json", {}),
    Write("delete all matching tags", "POST", "/tags/delete_many?all=1", "form", {}),
    Write("delete their document", "DELETE", "/documents/{their_doc}.json", "json"),
    Write("delete their document on my invoice", "DELETE",
          "/documents/{their_cross_doc}.json", "json"),
    Write("delete my invoice their document hangs on", "DELETE", "/invoices/{my_inv}.json",
          "json"),
    Write("update their user", "PATCH", "/users/{them}.json", "json", {"api_key": "stolen"}),
    # assigning rows out of scope
    Write("create an invoice for them", "POST", "/invoices.json", "json",
          {"number": "INV-NEW", "owner": "{them}", "amount": "1"}),
    Write("create an invoice for them, form", "POST", "/invoices", "form",
          {"number": "INV-NEW", "owner": "{them}", "amount": "1"}),
    Write("give my invoice to them", "PATCH", "/invoices/{my_inv2}.json", "json",
          {"owner": "{them}"}),
    Write("give my invoice to them, form", "PUT", "/invoices/{my_inv2}", "edit form",
          {"owner": "{them}"}),
    Write("document on their invoice", "POST", "/documents.json", "json",
          {"title": "planted", "invoice": "{their_inv}", "owner": "{me}"}),
    Write("document on their invoice, form", "POST", "/documents", "form",
          {"title": "planted", "invoice": "{their_inv}", "owner": "{me}"}),
    Write("document on their invoice named by label", "POST", "/documents.json", "json",
          {"title": "planted", "invoice": "{their_number}", "owner": "{me}"}),
    Write("move my document to their invoice", "PATCH", "/documents/{my_doc}.json", "json",
          {"invoice": "{their_inv}"}),
    Write("comment on their invoice", "POST", "/comments.json", "json",
          {"body": "planted", "invoice": "{their_inv}", "author": "{me}"}),
    Write("comment in their name", "POST", "/comments.json", "json",
          {"body": "planted", "invoice": "{my_inv}", "author": "{them}"}),
    Write("tag created with their invoice", "POST", "/tags.json", "json",
          {"name": "new", "invoices": ["{their_inv9}"]}),
    # nested create
    Write("nested comment under their invoice", "POST", "/invoices/{their_inv}/comments.json",
          "json", {"body": "planted", "author": "{me}"}),
    Write("nested document under their user", "POST", "/users/{them}/documents.json", "json",
          {"title": "planted", "invoice": "{my_inv}"}),
    Write("nested document under their user, form", "POST", "/users/{them}/documents", "form",
          {"title": "planted", "invoice": "{my_inv}"}),
    Write("nested comment under their user", "POST", "/users/{them}/comments.json", "json",
          {"body": "planted", "invoice": "{my_inv}"}),
    Write("nested document under their user, owner set to me", "POST",
          "/users/{them}/documents.json", "json",
          {"title": "planted", "invoice": "{my_inv}", "owner": "{me}"}),
    Write("nested comment under their user, author set to me", "POST",
          "/users/{them}/comments", "form",
          {"body": "planted", "invoice": "{my_inv}", "author": "{me}"}),
    Write("nested invoice under a tag, for them", "POST", "/tags/{empty}/invoices.json", "json",
          {"number": "INV-NEW", "owner": "{them}"}),
    # links from the other side
    Write("link their invoice to a tag", "POST", "/tags/{empty}/invoices/link.json", "json",
          {"ids": ["{their_inv9}"]}),
    Write("link their invoice by label, form", "POST", "/tags/{empty}/invoices/link", "form",
          {"ids": "{their_number}"}),
    Write("unlink their invoice from a tag", "POST", "/tags/{shared}/invoices/unlink.json",
          "json", {"ids": ["{their_inv}"]}),
    Write("unlink their invoice, form", "POST", "/tags/{shared}/invoices/unlink", "form",
          {"ids": "{their_inv}"}),
    Write("link a tag to their invoice", "POST", "/invoices/{their_inv}/tags/link.json", "json",
          {"ids": ["{empty}"]}),
    Write("unlink a tag from their invoice", "POST", "/invoices/{their_inv}/tags/unlink.json",
          "json", {"ids": ["{shared}"]}),
    Write("watch their invoice", "POST", "/invoices/{their_inv}/watchers/link.json", "json",
          {"ids": ["{me}"]}),
    Write("unwatch their invoice, form", "POST", "/invoices/{their_inv}/watchers/unlink", "form",
          {"ids": ["{me}"]}),
    Write("unlink their token", "POST", "/users/{them}/api_tokens/unlink.json", "json",
          {"ids": ["{their_token}"]}),
    Write("tag emptied", "PUT", "/tags/{shared}.json", "json",
          {"name": "shared", "invoices": []}),
    Write("tag set to mine", "PATCH", "/tags/{shared}.json", "json", {"invoices": ["{my_inv}"]}),
    Write("tag given their invoice", "PATCH", "/tags/{empty}.json", "json",
          {"invoices": ["{their_inv9}"]}),
    Write("tag renamed", "PATCH", "/tags/{shared}.json", "json", {"name": "renamed"}),
    Write("tag edit form saved unchanged", "PUT", "/tags/{shared}", "edit form", {}),
    Write("tag edit form emptied", "PUT", "/tags/{shared}", "edit form", {"invoices": []}),
    Write("bulk tag edit form saved unchanged", "PUT", "/tags/{bulk}", "edit form", {}),
    Write("tag deleted", "DELETE", "/tags/{shared}.json", "json"),
    Write("tags deleted in bulk", "POST", "/tags/delete_many", "form", {"ids": "{shared}"}),
    # my rows that hang on their invoice keep hanging there
    Write("my cross document saved unchanged", "PUT", "/documents/{my_cross_doc}",
          "edit form", {}),
    Write("my cross comment edited", "PATCH", "/comments/{my_cross_comment}.json", "json",
          {"body": "edited"}),
    Write("my cross comment saved unchanged", "PUT", "/comments/{my_cross_comment}",
          "edit form", {}),
]


@pytest.mark.parametrize("fmt", ["", ".json", ".csv"])
@pytest.mark.parametrize("viewer, path", [
    ("alice", "/invoices/{their_inv}/watchers"),  # the parent row is outside her row filter
    ("alice", "/invoices/{their_inv}/tags"),
    ("bob", "/invoices/{their_inv}/watchers"),
    ("hannah", "/invoices/{their_inv}/watchers"),  # hr may not read invoices at all
    ("hannah", "/invoices/{my_inv}/watchers"),
])
def test_nested_list_under_an_unreadable_parent_is_refused(reading_world, viewer, path, fmt):
    url = fill(path, reading_world.context(viewer)) + fmt
    response = get(reading_world, viewer, url)
    assert response.status_int in (403, 404), f"GET {url} as {viewer}: {response.status}"


@pytest.mark.parametrize("write", WRITES, ids=str)
def test_writes_leave_other_rows_alone(world, write):
    for viewer in sm.CLERKS:
        owner = world.owner_of_theirs(viewer)
        before = snapshot(world, owner)
        response, sent = send(world, viewer, write)
        assert_no_leak(response, viewer, f"{write.method} {write.path}", sent=sent)
        assert_unchanged(before, snapshot(world, owner), f"{write} as {viewer}")


HR_WRITES = [w for w in WRITES if "their user" in w.name or "token" in w.name
             or w.path.startswith("/users")]


@pytest.mark.parametrize("write", HR_WRITES, ids=str)
def test_hr_writes_change_nothing(world, write):
    before = {owner: snapshot(world, owner) for owner in sm.CLERKS}
    response, sent = send(world, "hannah", write)
    assert_no_leak(response, "hannah", f"{write.method} {write.path}", sent=sent)
    assert response.status_int in (403, 404), response.status
    for owner in sm.CLERKS:
        assert_unchanged(before[owner], snapshot(world, owner), f"{write} as hannah")


def test_the_tables_name_real_paths():
    for paths in MUST_SUCCEED.values():
        assert set(paths) <= set(READ_PATHS)
    assert len(WRITES) == len({w.name for w in WRITES})
