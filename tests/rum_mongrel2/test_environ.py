import io

import pytest

from rum_mongrel2.environ import NotUnderPrefix, build, prefix_from_pattern, split_path
from rum_mongrel2.protocol import parse
from tests.rum_mongrel2.conftest import request


def environ(raw: bytes, prefix=None, body=b""):
    return build(parse(raw), io.BytesIO(body), len(body), prefix)


def test_the_query_string_is_the_raw_one():
    env = environ(request("1", "/app/movies", "q=%26&name=%C3%84pfel+x&a=%2B"))
    assert env["QUERY_STRING"] == "q=%26&name=%C3%84pfel+x&a=%2B"
    assert env["REQUEST_URI"] == "/app/movies?q=%26&name=%C3%84pfel+x&a=%2B"


def test_path_info_is_decoded_to_one_character_per_byte():
    env = environ(request("1", "/app/a%20b/%C3%84%2F"))
    assert env["SCRIPT_NAME"] == "/app"
    assert env["PATH_INFO"] == "/a b/\xc3\x84/"  # PEP 3333: latin-1 of the bytes


@pytest.mark.parametrize("pattern, prefix", [
    ("/app", "/app"), ("/app/", "/app"), ("/app/(.*)", "/app"), ("/", ""),
    ("/a/b.json", "/a/b"), ("/api/v[0-9]+/", "/api/v"),
])
def test_script_name_from_the_routes_pattern(pattern, prefix):
    assert prefix_from_pattern(pattern) == prefix


def test_url_prefix_overrides_the_pattern_and_guards_the_path():
    raw = request("1", "/admin/movies", PATTERN="/")
    env = environ(raw, prefix="/admin")
    assert (env["SCRIPT_NAME"], env["PATH_INFO"]) == ("/admin", "/movies")
    assert split_path("/admin", "/admin/") == ("/admin", "")
    assert split_path("/x", "") == ("", "/x")
    with pytest.raises(NotUnderPrefix):
        environ(request("1", "/administrator"), prefix="/admin")


def test_server_client_and_headers():
    raw = request("9", "/app/", method="POST", body=b"x=1", cookie=["a=1", "b=2"],
                  accept=["text/html", "*/*"], **{"content-type": "text/plain",
                                                    "transfer-encoding": "chunked",
                                                    "x-forwarded-for": "10.1.1.1"})
    env = environ(raw, body=b"x=1")
    assert env["REQUEST_METHOD"] == "POST" and env["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert (env["SERVER_NAME"], env["SERVER_PORT"]) == ("example.org", "8080")
    assert env["REMOTE_ADDR"] == "10.0.0.1" and env["wsgi.url_scheme"] == "http"
    assert env["HTTP_COOKIE"] == "a=1; b=2" and env["HTTP_ACCEPT"] == "text/html, */*"
    assert env["CONTENT_TYPE"] == "text/plain" and env["CONTENT_LENGTH"] == "3"
    assert "HTTP_TRANSFER_ENCODING" not in env and "HTTP_CONTENT_LENGTH" not in env
    assert "HTTP_PATTERN" not in env and "HTTP_URI" not in env
    assert env["wsgi.input"].read() == b"x=1"


def test_default_port_follows_the_scheme():
    env = environ(request("1", "/app/", host="example.org", URL_SCHEME="https"))
    assert (env["SERVER_NAME"], env["SERVER_PORT"], env["wsgi.url_scheme"]) == (
        "example.org", "443", "https")
