"""Reading the back office's database behind the app's back, and who asks."""

import sqlite3

ACCOUNTANT = {"REMOTE_USER": "ann", "rum.roles": ["accountant"]}
CLERK = {"REMOTE_USER": "bob"}
# seeded invoices (examples/back_office/seed.py): invoice n has STATUS_CYCLE[(n - 1) % 8]
PAID, SENT, DRAFT, VOID = 1, 3, 4, 7
SEEDED, VOIDED = 40, 5


def stored(db_path: str, ident: int) -> dict:
    """Invoice `ident`'s columns as the database holds them."""
    with sqlite3.connect(db_path) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("select * from invoice where id = ?", (ident,)).fetchone()
    return dict(row) if row is not None else {}


def count(db_path: str, where: str, *params) -> int:
    with sqlite3.connect(db_path) as db:
        return db.execute(f"select count(*) from invoice where {where}", params).fetchone()[0]


def token(client, env: dict | None = None) -> dict:
    """The CSRF header of `env`'s identity (tokens are bound to who asks)."""
    return {"X-CSRF-Token": client.get("/", extra_environ=env or {}).headers["X-CSRF-Token"]}


def form_to(page, action: str):
    """The form of `page` that posts to `action`."""
    found = [f for f in page.forms.values() if f.action == action]
    assert len(found) == 1, f"forms: {[f.action for f in page.forms.values()]}"
    return found[0]
