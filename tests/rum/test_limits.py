"""`[rum] max_body`: big bodies get Rum's 413 before they are read; chunked ones while read."""

import io

import pytest
import sqlalchemy as sa
import webob

from rum import RumApp
from rum.errors import ConfigError, TooLarge
from rum.limits import LimitedInput, check_body
from tests.conftest import ROOT, demo_config, wrap
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
