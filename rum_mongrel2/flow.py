"""Download credits: never more bytes queued in Mongrel2 for a client than it allows.

With `download.flow_control = 1` Mongrel2 accepts at most DOWNLOAD_CREDITS bytes (100 KiB)
waiting to be written to one connection, and drops the connection when a handler sends
more. The first request on a connection carries that window in its DOWNLOAD_CREDITS
header; each write to the client comes back as a `credits` message with the bytes written.

Credits arrive at whichever handler process Mongrel2's PUSH socket picks. `Owed` keeps,
for a response already finished, the bytes whose credits have not come back yet: those
credits are swallowed when they come, so that they do not open the window of the next
response on the same keep-alive connection.
"""

from collections import OrderedDict

DEFAULT_WINDOW = 100 * 1024  # Mongrel2 1.12's MAX_CREDITS
# Mongrel2 answers each message it writes with one credits message. Fewer messages than
# this are in flight to one client, so that ZeroMQ's queues (1000 messages) never fill:
# a full PUB socket drops messages without a word.
MAX_MESSAGES = 256


class Window:
    """The credits of the response being sent to one connection."""

    def __init__(self, conn_id: str, size: int, max_messages: int = MAX_MESSAGES):
        self.conn_id = conn_id
        self.size = size
        self.max_messages = max_messages
        self.sent = self.returned = 0
        self.messages = 0  # sent and not yet answered by a credits message

    @property
    def available(self) -> int:
        if self.messages >= self.max_messages:
            return 0
        return self.size - (self.sent - self.returned)

    def take(self, n: int) -> None:
        assert 0 < n <= self.available, (n, self.available)
        self.sent += n
        self.messages += 1

    def give(self, n: int) -> None:
        # never more back than was sent: a stray credit must not open the window wider
        self.returned = min(self.sent, self.returned + n)
        self.messages = max(0, self.messages - 1)

    @property
    def outstanding(self) -> int:
        return self.sent - self.returned


class Owed:
    """Bytes of finished responses, per connection, whose credits are still to come."""

    def __init__(self, limit: int = 10_000):
        self._owed: OrderedDict[str, int] = OrderedDict()
        self._limit = limit

    def add(self, conn_id: str, n: int) -> None:
        if n > 0:
            self._owed[conn_id] = self._owed.pop(conn_id, 0) + n
            while len(self._owed) > self._limit:
                self._owed.popitem(last=False)

    def settle(self, conn_id: str, n: int) -> int:
        """Pay `n` credits against what `conn_id` owes; the credits left over."""
        owed = self._owed.pop(conn_id, 0)
        paid = min(owed, n)
        if owed > paid:
            self._owed[conn_id] = owed - paid
        return n - paid

    def forget(self, conn_id: str) -> None:
        """The connection is gone, or new (its first request): nothing more will come."""
        self._owed.pop(conn_id, None)

    def __contains__(self, conn_id: str) -> bool:
        return conn_id in self._owed
