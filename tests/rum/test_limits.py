"""`[rum] max_body`: big bodies get Rum's 413 before they are read; chunked ones while read.
Every other limit of a request (query string, search, filters, sort, cursor, JSON nesting,
numbers no database holds) is a 4xx with its message, as HTML, JSON and for CSV exports."""

import html
import io

import pytest
import sqlalchemy as sa
import webob

from rum import RumApp
from rum.errors import ConfigError, TooLarge
from rum.limits import LimitedInput, check_body
from tests.conftest import ROOT, csrf_headers, demo_config, wrap
from tests.fixtures import shapes_model


class Untouchable(io.RawIOBase):
    """A wsgi.input that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _chunked_request(path: str, body: bytes, content_type: str) -> webob.Request:
    """A POST as a server passes a chunked body on: no CONTENT_LENGTH, readable to EOF."""
    req = webob.Request.blank(path, method="POST")
    req.environ.pop("CONTENT_LENGTH", None)
    req.environ["wsgi.input"] = io.BytesIO(body)
    req.environ["wsgi.input_terminated"] = True
    req.environ["CONTENT_TYPE"] = content_type
    return req


def test_declared_length_over_the_limit_is_refused_unread(demo_db):
    app = RumApp(demo_config(demo_db, rum={"max_body": 1000}))
    req = webob.Request.blank("/movies", method="POST")
    req.environ.update({"CONTENT_LENGTH": str(50 * 1024 * 1024), "wsgi.input": Untouchable(),
                        "CONTENT_TYPE": "application/x-www-form-urlencoded"})
    response = req.get_response(app)
    assert response.status_int == 413
    assert "Request body too large" in response.text and "1000 bytes" in response.text
    assert response.content_type == "text/html"  # Rum's own error page


def test_json_clients_get_a_json_413(demo_db):
    app = RumApp(demo_config(demo_db, rum={"max_body": 10}))
    req = webob.Request.blank("/movies/1.json", method="PUT", body=b'{"title": "x' + b"y" * 20)
    response = req.get_response(app)
    assert response.status_int == 413
    assert response.json["status"] == 413 and response.json["error"] == "Request body too large"


def test_chunked_body_is_cut_off_at_the_limit(demo_db):
    app = RumApp(demo_config(demo_db, rum={"max_body": 64 * 1024}))
    body = b"title=" + b"x" * (1024 * 1024)
    req = _chunked_request("/movies", body, "application/x-www-form-urlencoded")
    stream = req.environ["wsgi.input"]
    response = req.get_response(app)
    assert response.status_int == 413
    assert stream.tell() < len(body), "the whole body was read before refusing it"


def test_chunked_multipart_within_the_limit_is_read(tmp_path):
    url = f"sqlite:///{tmp_path / 'shapes.db'}"
    engine = sa.create_engine(url)
    shapes_model.Base.metadata.create_all(engine)
    app = RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": list(shapes_model.MODELS), "sqlalchemy.url": url},
        "rum": {"max_body": 2 * 1024 * 1024}})
    client = wrap(app)
    form = client.get("/everythings/new").forms[0]
    form["name"] = "chunked file"
    data = bytes(range(256)) * 4096  # 1 MiB
    fields = [(k, v) for k, v in form.submit_fields() if k != "blob"]
    ctype, body = client.encode_multipart(
        fields,
        [("blob", "data.bin", data, "application/octet-stream")])
    req = _chunked_request("/everythings", body, ctype)
    req.headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in client.cookiejar)
    response = req.get_response(app)
    assert response.status_int == 303, response.text[:500]
    download = client.get(response.location.replace("http://localhost", "") + "/download/blob")
    assert download.body == data


def test_limited_input_counts_every_way_of_reading():
    assert LimitedInput(io.BytesIO(b"a\nb\n"), 4).readlines() == [b"a\n", b"b\n"]
    assert list(LimitedInput(io.BytesIO(b"a\nb\n"), 4)) == [b"a\n", b"b\n"]
    with pytest.raises(TooLarge):
        LimitedInput(io.BytesIO(b"abcde"), 4).read()
    lines = LimitedInput(io.BytesIO(b"ab\ncd\n"), 4)
    assert lines.readline() == b"ab\n"
    with pytest.raises(TooLarge):
        lines.readline()


def test_check_body_leaves_declared_lengths_alone():
    environ = {"CONTENT_LENGTH": "10", "wsgi.input": io.BytesIO(b"0123456789")}
    check_body(environ, 10)
    assert isinstance(environ["wsgi.input"], io.BytesIO)
    with pytest.raises(TooLarge):
        check_body({"CONTENT_LENGTH": "11"}, 10)
    bad = {"CONTENT_LENGTH": "ten"}
    with pytest.raises(Exception) as info:
        check_body(bad, 10)
    assert getattr(info.value, "status", None) == 400


@pytest.mark.parametrize("value", [0, -1, "big", 1.5])
def test_max_body_must_be_a_positive_whole_number(demo_db, value):
    with pytest.raises(ConfigError) as info:
        RumApp(demo_config(demo_db, rum={"max_body": value}))
    assert info.value.key == "rum.max_body"


def test_default_limit_is_ten_mebibytes(rum_app):
    assert rum_app.options["max_body"] == 10 * 1024 * 1024


# -- every limit is a 4xx, in every format ------------------------------------------------
FORMATS = {"html": "/movies", "json": "/movies.json", "csv": "/movies.csv"}
CURSOR = "eyJ" + "A" * 3000
LIMITS = [  # (name, query string, status, a phrase of the message)
    ("search too long", "q=" + "x" * 501, 400, "the most is 500"),
    ("search far too long", "q=" + "x" * 60_000, 414, "The query string is"),
    ("too many filters", "&".join(f"f.year.ge={i}" for i in range(51)), 400,
     "51 filters in one query; the most is 50"),
    ("far too many filters", "&".join(f"f.year.ge={i}" for i in range(1000)), 414,
     "The query string is"),
    ("unknown bar filters", "&".join(f"v.title{i}=x" for i in range(51)), 400,
     "cannot filter on unknown field"),
    ("filter value too long", "f.title.contains=" + "x" * 501, 400,
     "title.contains is 501 characters long"),
    ("too many sort terms", "sort=" + ",".join(["title", "-year"] * 6), 400,
     "12 sort terms; the most is 10"),
    ("cursor too long", "after=" + CURSOR, 400, "cursor is malformed"),
    ("not a number", "f.year.ge=abc", 400, "'abc' is not a valid integer"),
    ("not a date", "f.birth_date.ge=2024-02-30", 400, "is not a valid date"),
    ("unknown field", "f.nope.eq=1", 400, "cannot filter on unknown field"),
    ("unknown operator", "f.year.around=1", 400, "unknown filter operator"),
    ("unknown sort", "sort=nope", 400, "cannot sort on"),
    ("integer out of range", "f.year.ge=" + "9" * 30, 400, "out of range"),
    ("page zero", "page=0", 400, "must be 1 or more"),
]


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory):
    import demo_data

    path = tmp_path_factory.mktemp("limits") / "movie.db"
    demo_data.create(str(path))
    return wrap(RumApp(demo_config(f"sqlite:///{path}")))


def assert_refused(response, status: int, phrase: str, fmt: str) -> None:
    assert response.status_int == status, response.text[:300]
    if fmt == "html":
        assert response.content_type == "text/html"
        assert phrase in html.unescape(response.text)
    else:  # a CSV request gets the error as JSON, never a broken or empty 200 stream
        assert response.content_type == "application/json"
        assert response.json["status"] == status and phrase in response.json["message"]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name,query,status,phrase", LIMITS, ids=[x[0] for x in LIMITS])
def test_every_limit_is_a_4xx_in_every_format(demo_client, fmt, name, query, status, phrase):
    path = FORMATS[fmt] if "birth_date" not in query else FORMATS[fmt].replace("movies",
                                                                                 "directors")
    response = demo_client.get(f"{path}?{query}", expect_errors=True)
    assert_refused(response, status, phrase, fmt)


@pytest.mark.parametrize("path", ["/movies/1/actors", "/movies/1/actors.json"])
def test_nested_lists_have_the_same_limits(demo_client, path):
    response = demo_client.get(f"{path}?q={'x' * 501}", expect_errors=True)
    assert_refused(response, 400, "the most is 500", "json" if ".json" in path else "html")


def test_complete_refuses_a_long_search(demo_client):
    response = demo_client.get(f"/movies/complete.json?field=genre&q={'x' * 501}",
                               expect_errors=True)
    assert_refused(response, 400, "the most is 500", "json")


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"title": ' + b"[" * 30 + b"]" * 30 + b"}",
                                  b'{"a": ' * 50_000])
@pytest.mark.parametrize("method,path", [("POST", "/movies.json"), ("PUT", "/movies/1.json")])
def test_deeply_nested_json_bodies_are_refused(demo_client, method, path, body):
    send = demo_client.post if method == "POST" else demo_client.put
    response = send(path, body, content_type="application/json", expect_errors=True,
                    headers=csrf_headers(demo_client))
    assert_refused(response, 400, "nested more than 20 levels", "json")
    assert demo_client.get("/movies/1.json").json["title"]  # nothing was written


@pytest.mark.parametrize("path", ["/_static/rum/%00", "/_static/rum/rum%00.css",
                                  "/_static/%00/x"])
def test_nul_bytes_in_static_paths_are_not_found(demo_client, path):
    assert demo_client.get(path, expect_errors=True).status_int == 404


@pytest.fixture(scope="module")
def shapes_client(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('shapes') / 'shapes.db'}"
    shapes_model.Base.metadata.create_all(sa.create_engine(url))
    return wrap(RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": list(shapes_model.MODELS), "sqlalchemy.url": url}}))


NUMBERS = [  # (field, value, a phrase of the message): decimal price, float ratio
    *[(field, value, "not a finite number") for field in ("price", "ratio")
      for value in ("NaN", "-nan", "Infinity", "-inf")],
    ("price", "sNaN", "not a finite number"),  # a signalling NaN raises on any comparison
    ("ratio", "sNaN", "not a valid float"),
    ("price", "1e99999999", "out of range"),
    ("ratio", "1e400", "not a finite number"),  # past a float's range: infinity
    ("ratio", "-1e309", "not a finite number"),
]


@pytest.mark.parametrize("fmt", ["", ".json", ".csv"])
@pytest.mark.parametrize("field,value,phrase", NUMBERS)
@pytest.mark.parametrize("op", ["gt", "eq", "in"])
def test_numbers_no_database_holds_are_refused(shapes_client, fmt, field, value, phrase, op):
    response = shapes_client.get(f"/everythings{fmt}?f.{field}.{op}={value}",
                                 expect_errors=True)
    assert_refused(response, 400, phrase, "json" if fmt else "html")


LIMIT_OPTIONS = {"max_search": 5, "max_filters": 2, "max_sort": 1, "max_query": 100}


@pytest.mark.parametrize("query,status", [
    ("q=abcdef", 400), ("q=abcde", 200),
    ("f.year.ge=1&f.year.le=3000&f.title.contains=a", 400), ("f.year.ge=1&f.year.le=3000", 200),
    ("sort=title,year", 400), ("sort=title", 200),
    ("q=" + "a" * 100, 414), ("limit=" + "1" * 93, 200)])
def test_limits_are_configurable(demo_db, query, status):
    client = wrap(RumApp(demo_config(demo_db, rum=LIMIT_OPTIONS)))
    assert client.get(f"/movies.json?{query}", expect_errors=True).status_int == status


@pytest.mark.parametrize("key", sorted(LIMIT_OPTIONS))
@pytest.mark.parametrize("value", [0, -1, "big", 1.5])
def test_limit_options_must_be_positive_whole_numbers(demo_db, key, value):
    with pytest.raises(ConfigError) as info:
        RumApp(demo_config(demo_db, rum={key: value}))
    assert info.value.key == f"rum.{key}"
