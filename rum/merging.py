"""Three-way merge of an edit made on a version of a row that has changed since.

An edit form carries, beside `_version`, the text of every input as it was opened (the
"base"), signed with the app's secret and bound to the resource, the row and the version,
so the server can trust it. On a stale save, a field is mine when the submitted text
differs from the base, theirs when the stored text does: fields only one side changed
merge, and only fields both changed (to different text) are conflicts. A JSON client may
send `_base` as an object of the values it read; without a trustworthy base a stale save
is a conflict, as it always was.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from .contracts import FormView, Ref

FIELD = "_base"
MAX_RESOLVED = 20  # ids of "yours" shown by label on a conflict page; beyond: as sent


@dataclass(frozen=True)
class Split:
    """Which fields each side changed since the base, and where they collide."""

    mine: frozenset[str]
    theirs: frozenset[str]
    conflicts: frozenset[str]

    @property
    def theirs_only(self) -> frozenset[str]:
        return self.theirs - self.mine


def _mac(secret: bytes, resource: str, ident: str, version: str, body: str) -> str:
    # NUL-separated: names, ids and versions hold none; a distinct prefix keeps these
    # signatures apart from the other things the secret signs (versions, CSRF tokens)
    message = "\x00".join(("rum.base", resource, ident, version, body)).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]


def sign(call, ident: str, version: str, texts: dict[str, Any]) -> str:
    """The `_base` field of an edit form of row `ident` at `version` showing `texts`."""
    body = json.dumps(texts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _mac(call.app.csrf.secret, call.served.name, ident, version, body) + ":" + body


def verified(call, sent: Any, ident: str, version: str) -> dict[str, Any] | None:
    """The base a form's `_base` holds when it bears our signature for this row and
    version; None when it is missing, altered, or made for another row or version."""
    if not isinstance(sent, str) or ":" not in sent:
        return None
    signature, _, body = sent.partition(":")
    expected = _mac(call.app.csrf.secret, call.served.name, ident, version, body)
    if not hmac.compare_digest(signature.encode("utf-8", "replace"), expected.encode()):
        return None
    try:
        base = json.loads(body)
    except ValueError:
        return None
    return base if isinstance(base, dict) else None


def split(form: FormView, params, base: dict[str, Any], stored: dict[str, Any],
          named: set[str] | None = None) -> Split:
    """Mine, theirs and the conflicts of a stale save. `named`: the fields a PATCH names
    (the others are not mine). A field mine whose base is unknown (a file, a field the
    JSON base leaves out) may have changed on their side too: it is a conflict."""
    now = form.changed(params, stored)  # what a write would change
    unknown = now - base.keys()
    mine = form.changed_since(params, base) | unknown
    if named is not None:
        mine &= named
    theirs = form.changed(base, stored) & base.keys()
    conflicts = (mine & theirs & now) | (unknown & mine)
    return Split(frozenset(mine), frozenset(theirs), frozenset(conflicts))


def labelled(call, fields, mine: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The relation ids of `mine` as Refs (shown like the stored column), and the names of
    the fields so resolved; an id this identity cannot read, or past MAX_RESOLVED, stays as
    sent."""
    out = dict(mine)
    resolved = set()
    budget = MAX_RESOLVED
    for f in fields:
        if not (f.is_relation and f.related and f.name in out) or \
                not call.access.can_read(f.related):
            continue
        sent = out[f.name]
        items = sent if isinstance(sent, list) else [sent]
        ids = [_token(str(i)) for i in items if i not in (None, "")]
        if len(ids) > budget or any("," in str(i) for i in items):
            continue
        budget -= len(ids)
        refs = [_ref(call, f.related, i) for i in ids]
        if all(r is not None for r in refs):
            out[f.name] = refs if f.kind == "to_many" else (refs[0] if refs else None)
            resolved.add(f.name)
    return out, resolved


def _token(text: str) -> str:
    """'Thriller [2]' -> '2': the id a relation input's text names."""
    text = text.strip()
    if text.endswith("]") and "[" in text:
        return text[text.rindex("[") + 1:-1].strip()
    return text


def _ref(call, resource: str, ident: str) -> Ref | None:
    """The related row `ident` as the identity may see it (its label, or opaque); `complete`
    takes any text safely and puts an exact id first."""
    found = call.uow.repository(resource).complete(ident, 1)
    return found[0] if found and found[0].id == ident else None
