"""Hostile input, generated: routes x query parameters x form bodies never give a 5xx, and a
refused request never changes the database."""

import hashlib
import os
import string
from urllib.parse import quote, urlencode
from wsgiref.validate import validator

# Imported up front: Hypothesis imports it in the middle of a run, with its raised recursion
# limit, and CPython 3.11.7's parser (pytest rewrites the module) then fails with
# "AST constructor recursion depth mismatch".
import hypothesis.internal.conjecture.optimiser  # noqa: F401
import sqlalchemy as sa
import webob
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import Base
from rum import RumApp
from tests.conftest import demo_config, wrap

EXAMPLES = int(os.environ.get("RUM_FUZZ_EXAMPLES", "2000"))
RESOURCES = ["movies", "genres", "persons", "actors", "directors", "rentals", "nope", ""]
FIELDS = ["title", "year", "genre", "director", "actors", "name", "customer", "rented_at",
          "returned", "movie", "birth_date", "description", "id", "zzz", "genre.name"]
OPS = ["eq", "ne", "lt", "le", "gt", "ge", "contains", "startswith", "in", "is_null", "bad"]
SUFFIXES = ["", "/new", "/edit", "/confirm_delete", "/delete_many", "/complete",
            "/download/title", ".json", ".csv", ".xml", "/x/y/z"]
nasty = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["-1", "0", "1", "2", "999999999999999999999", "1e9", "NaN", "%ff",
                     "'; drop table movie; --", "<script>", "1,2", "", " ", "true", "null",
                     "2024-02-30", "2024-01-01T10:00", "\x00", "../../etc/passwd"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
ident = st.one_of(st.sampled_from(["1", "2", "3", "150"]), nasty)


@st.composite
def requests(draw):
    resource = draw(st.sampled_from(RESOURCES))
    path = "/" + resource
    if draw(st.booleans()):
        path += "/" + draw(ident.filter(lambda s: "/" not in s and "?" not in s and "#" not in s))
    path += draw(st.sampled_from(SUFFIXES))
    params = {}
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.one_of(
            st.sampled_from(["q", "sort", "page", "limit", "after", "before", "field", "ids",
                             "_method"]),
            st.builds(lambda f, o: f"f.{f}.{o}", st.sampled_from(FIELDS), st.sampled_from(OPS)),
            st.builds(lambda f: f"v.{f}", st.sampled_from(FIELDS)),
            st.builds(lambda f: f"op.{f}", st.sampled_from(FIELDS)),
            st.text(string.ascii_letters + "._-", max_size=8)))
        params[key] = draw(nasty)
    method = draw(st.sampled_from(["GET", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]))
    body = {draw(st.sampled_from(FIELDS + ["_method", "_version", "ids"])): draw(nasty)
            for _ in range(draw(st.integers(0, 5)))}
    return method, path, params, body, draw(st.booleans())


def fingerprint(engine) -> str:
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_no_5xx_and_no_write_on_refusal(demo_db):
    app = RumApp(demo_config(demo_db))
    client = wrap(app)
    token = client.get("/").headers["X-CSRF-Token"]
    cookie = f"rum_csrf={client.cookies['rum_csrf']}"

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(requests())
    def check(request):
        method, path, params, body, with_token = request
        if with_token and method not in ("GET", "HEAD"):
            body = {**body, "_csrf": token}
        before = fingerprint(app.repositories.engine)
        query = urlencode(params)
        url = quote(path, safe="/%") + ("?" + query if query else "")
        request = webob.Request.blank(url, method=method, headers={"Cookie": cookie})
        if method not in ("GET", "HEAD"):
            request.content_type = "application/x-www-form-urlencoded"
            request.body = urlencode(body).encode("utf-8")
        request.environ.pop("webob.is_body_seekable", None)  # as from a server, not Request.blank
        response = request.get_response(validator(app))
        app_iter = response.app_iter
        response.body  # noqa: B018 - read whole, then closed, as a server does (PEP 3333)
        if hasattr(app_iter, "close"):
            app_iter.close()
        assert response.status_int < 500, (method, url, body, response.text[:500])
        if response.status_int >= 400:
            assert fingerprint(app.repositories.engine) == before, (method, url, body)

    check()
