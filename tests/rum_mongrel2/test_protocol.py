import pytest

from rum_mongrel2.protocol import Message, ProtocolError, header_value, netstring, parse, reply
from tests.rum_mongrel2.conftest import SENDER, credits, disconnect, message, request


def test_a_request_is_parsed_into_sender_connection_path_headers_and_body():
    msg = parse(request("17", "/app/x", "q=%26", method="POST", body=b"a=1,2"))
    assert (msg.sender, msg.conn_id, msg.path) == (SENDER, "17", "/app/x")
    assert msg.headers["QUERY"] == "q=%26" and msg.headers["METHOD"] == "POST"
    assert msg.body == b"a=1,2"  # a comma inside the body is not the netstring's end
    assert msg.kind == "request" and msg.credits is None


def test_header_bytes_stay_one_character_each():
    # Mongrel2 passes a header's bytes as they came, escaping only " and \
    head = b'{"PATH":"/app","x-name":"\xc3\x84 \\"q\\" \\\\","QUERY":"a"}'
    raw = b"%s 3 /app %d:%s,0:," % (SENDER.encode(), len(head), head)
    msg = parse(raw)
    assert msg.headers["x-name"] == 'Ã\x84 "q" \\'
    assert msg.headers["x-name"].encode("latin-1").decode("utf-8") == 'Ä "q" \\'


def test_mongrel2s_own_messages():
    gone = parse(disconnect("5"))
    assert (gone.kind, gone.path, gone.conn_id) == ("disconnect", "@*", "5")
    more = parse(credits("5", 8192))
    assert more.kind == "credits" and more.credits == 8192
    # a JSON message of a socket client is a request like any other
    assert parse(message("5", "@chat", {"METHOD": "JSON"}, b'["hi"]')).kind == "request"


@pytest.mark.parametrize("raw", [
    b"only three parts",
    b"s 1 /p 5:{}},0:,",  # wrong length
    b"s 1 /p x:{},0:,",
    b"s 1 /p 2:{},3:ab,",  # body shorter than its length
    b"s 1 /p 2:[],0:,",  # headers not an object
    b"s 1 /p 3:{x},0:,",
])
def test_malformed_messages_are_refused(raw):
    with pytest.raises(ProtocolError):
        parse(raw)


def test_netstring_returns_the_index_after_its_comma():
    assert netstring(b"3:abc,2:de,", 0) == (b"abc", 6)
    assert netstring(b"3:abc,2:de,", 6) == (b"de", 11)


def test_replies_and_repeated_headers():
    assert reply(SENDER, "42", b"HTTP/1.1 200 OK\r\n") == (
        SENDER.encode() + b" 2:42, HTTP/1.1 200 OK\r\n")
    assert reply("s", "7", b"") == b"s 1:7, "  # an empty reply closes the connection
    assert header_value(["a", "b"]) == "a, b" and header_value("c") == "c"
    assert Message("s", "1", "/").kind == "request"
