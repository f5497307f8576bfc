"""Mongrel2's wire format: request messages in, reply messages out.

A request is `SENDER CONN_ID PATH HLEN:HEADERS,BLEN:BODY,` with HEADERS a JSON object
(Mongrel2's default `protocol='json'`). Header values are raw request bytes: Mongrel2 only
escapes `"` and `\\`, so the headers are read as latin-1 text, which keeps each byte as one
character (what PEP 3333 wants in the environ). Mongrel2's own messages to a handler have
`METHOD` `JSON` and the path `@*`: `{"type":"disconnect"}` when the client has gone, and
`{"type":"credits"}` with a `DOWNLOAD_CREDITS` header when bytes were written to the
client (`download.flow_control = 1`).

A reply is `SENDER LEN:CONN_ID, DATA`; Mongrel2 writes DATA to that client as it is. An
empty DATA closes the connection.
"""

import json
from dataclasses import dataclass, field


class ProtocolError(ValueError):
    """A message that is not in Mongrel2's format."""


@dataclass
class Message:
    sender: str
    conn_id: str
    path: str
    headers: dict = field(default_factory=dict)
    body: bytes = b""

    @property
    def is_json(self) -> bool:
        return self.headers.get("METHOD") == "JSON"

    @property
    def kind(self) -> str:
        """`request`, or the type of one of Mongrel2's JSON messages (`disconnect`, ...)."""
        if not self.is_json:
            return "request"
        try:
            data = json.loads(self.body)
        except ValueError:
            return "request"  # a JSON socket message from a client, not Mongrel2's own
        return data.get("type", "request") if isinstance(data, dict) else "request"

    @property
    def credits(self) -> int | None:
        """The DOWNLOAD_CREDITS header (initial window, or bytes written), if any."""
        value = self.headers.get("DOWNLOAD_CREDITS")
        return int(value) if value not in (None, "") else None


def netstring(data: bytes, start: int = 0) -> tuple[bytes, int]:
    """(payload, index after its `,`) of the netstring at `data[start:]`."""
    colon = data.find(b":", start)
    if colon < 0 or not data[start:colon].isdigit():
        raise ProtocolError("netstring without a length")
    end = colon + 1 + int(data[start:colon])
    if end >= len(data) or data[end:end + 1] != b",":
        raise ProtocolError("netstring not terminated by ','")
    return data[colon + 1:end], end + 1


def parse(raw: bytes) -> Message:
    try:
        sender, conn_id, path, rest = raw.split(b" ", 3)
    except ValueError:
        raise ProtocolError("fewer than four space-separated parts") from None
    head, after = netstring(rest)
    body, _ = netstring(rest, after)
    try:
        headers = json.loads(head.decode("latin-1"), strict=False)
    except ValueError as exc:
        raise ProtocolError(f"headers are not JSON: {exc}") from None
    if not isinstance(headers, dict):
        raise ProtocolError("headers are not a JSON object")
    return Message(sender.decode("latin-1"), conn_id.decode("latin-1"),
                   path.decode("latin-1"), headers, body)


def header_value(value) -> str:
    """One header's value; Mongrel2 sends a repeated header as a list."""
    return ", ".join(value) if isinstance(value, list) else str(value)


def reply(sender: str, conn_id: str, data: bytes) -> bytes:
    """The message that sends `data` to one client; b"" closes its connection."""
    ident = conn_id.encode("ascii")
    return b"%s %d:%s, %s" % (sender.encode("ascii"), len(ident), ident, data)
