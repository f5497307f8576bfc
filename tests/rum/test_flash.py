"""Flash messages carried in a cookie across one redirect."""

from http.cookies import SimpleCookie

import pytest
import webob

from rum.flash import COOKIE, pop_flash, set_flash


def set_cookie_of(response) -> SimpleCookie:
    (header,) = response.headers.getall("Set-Cookie")
    cookie = SimpleCookie()
    cookie.load(header)
    return cookie


def request_with(value: str, script_name: str = "") -> webob.Request:
    return webob.Request.blank("/movies", environ={"SCRIPT_NAME": script_name},
                               headers={"Cookie": f"{COOKIE}={value}"})


def flash_round_trip(message, kind="success", script_name=""):
    response = webob.Response()
    set_flash(response, webob.Request.blank("/movies/3", environ={"SCRIPT_NAME": script_name}),
              message, kind)
    morsel = set_cookie_of(response)[COOKIE]
    later = webob.Response()
    shown = pop_flash(request_with(morsel.value, script_name), later)
    return morsel, shown, later


def test_set_then_pop():
    morsel, shown, later = flash_round_trip("Movie 'Café ☕' was created")
    assert shown == ("success", "Movie 'Café ☕' was created")
    assert morsel["path"] == "/"
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    cleared = set_cookie_of(later)[COOKIE]
    assert cleared.value == ""
    assert cleared["max-age"] == "0"
    assert cleared["path"] == "/"


@pytest.mark.parametrize("kind, shown_kind", [
    ("success", "success"), ("error", "error"), ("info", "info"), ("danger", "info"),
])
def test_kinds(kind, shown_kind):
    assert flash_round_trip("hello", kind)[1] == (shown_kind, "hello")


def test_long_message_is_cut():
    assert flash_round_trip("x" * 2000)[1] == ("success", "x" * 500)


def test_cookie_path_follows_script_name():
    morsel, shown, later = flash_round_trip("done", script_name="/admin")
    assert shown == ("success", "done")
    assert morsel["path"] == "/admin"
    assert set_cookie_of(later)[COOKIE]["path"] == "/admin"


def test_no_cookie_gives_none_and_leaves_response_alone():
    response = webob.Response()
    assert pop_flash(webob.Request.blank("/"), response) is None
    assert response.headers.getall("Set-Cookie") == []


@pytest.mark.parametrize("value", [
    "garbage",
    "%5B%22success%22",  # cut short
    "%5B%22success%22%5D",  # one item
    "%5B%22success%22%2C%22a%22%2C%22b%22%5D",  # three items
    "%5B%22bogus%22%2C%22hi%22%5D",  # unknown kind
    "%5B%22error%22%2C5%5D",  # message not a string
    "%5B%5B%22error%22%5D%2C%22hi%22%5D",  # kind not a string
    "%22ab%22",  # a two-letter string unpacks, but 'a' is no kind
    "null",
    "5",
    "%FF%FE",
])
def test_tampered_cookie_gives_none_and_is_cleared(value):
    response = webob.Response()
    assert pop_flash(request_with(value), response) is None
    assert set_cookie_of(response)[COOKIE]["max-age"] == "0"


def test_deeply_nested_cookie_gives_none():
    # 3,900 characters: small enough for a browser to send as one cookie.
    assert pop_flash(request_with("%5B" * 1300), webob.Response()) is None
