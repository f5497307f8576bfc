from rum_mongrel2.response import Framing


def framing(**environ) -> Framing:
    return Framing({"SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": "GET", **environ})


def test_a_body_without_length_is_chunked_in_http_1_1():
    f = framing()
    f.start_response("200 OK", [("Content-Type", "text/csv")])
    head = f.head().decode()
    assert head.startswith("HTTP/1.1 200 OK\r\n") and "Transfer-Encoding: chunked" in head
    assert "Date: " in head and head.endswith("\r\n\r\n")
    assert f.chunk(b"hello") == b"5\r\nhello\r\n" and f.chunk(b"") == b""
    assert f.end() == b"0\r\n\r\n" and f.keep_alive


def test_http_1_0_ends_by_closing_and_length_keeps_alive():
    f = framing(SERVER_PROTOCOL="HTTP/1.0")
    f.start_response("200 OK", [])
    assert "Connection: close" in f.head().decode() and not f.keep_alive
    assert f.chunk(b"abc") == b"abc" and f.end() == b""
    f = framing(SERVER_PROTOCOL="HTTP/1.0", HTTP_CONNECTION="Keep-Alive")
    f.start_response("200 OK", [("Content-Length", "3")])
    assert "Connection: keep-alive" in f.head().decode() and f.keep_alive


def test_head_204_and_304_have_no_body():
    for env, status in (({"REQUEST_METHOD": "HEAD"}, "200 OK"), ({}, "204 No Content"),
                        ({}, "304 Not Modified")):
        f = framing(**env)
        f.start_response(status, [])
        assert "chunked" not in f.head().decode() and f.end() == b""


def test_start_response_again_only_with_exc_info():
    f = framing()
    f.start_response("200 OK", [])
    try:
        f.start_response("500 Error", [])
    except AssertionError:
        pass
    else:
        raise AssertionError("a second start_response without exc_info was taken")
    try:
        raise ValueError("x")
    except ValueError:
        import sys
        f.start_response("500 Error", [], sys.exc_info())
    assert f.status == "500 Error"
