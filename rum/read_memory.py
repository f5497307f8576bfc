"""What an app remembers of its reads between requests, and when it forgets.

A few answers cost a query on every list page yet rarely change: the rows of a small
relation offered as filter values, the "10,000+" of a big table's capped count, the row
a typed page number begins after. The app keeps them here, on its own instance (never
in a module), each under a key naming everything the answer depends on: the resource,
the identity with its row filters and hidden fields, the query.

An entry is forgotten
- when this app writes: every unsafe request moves the app's *generation* on once its
  unit of work has ended (committed or rolled back), and an entry only answers requests
  of the generation it was read in. A request remembers what it read under the
  generation it *began* in, so a read that raced a write is never trusted afterwards;
- after `[rum] memory_seconds` (30 unless set), for writes this app does not see (another
  worker, another program): the longest a remembered answer may lag the database.
  `memory_seconds = 0` remembers nothing.

Every entry's answer is one a reader could not tell from a fresh one within those
bounds: the row data of a page, a show page and exact counts are always read afresh.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

SIZE = 2048  # entries kept; the least recently used goes first

MISSING = object()


class ReadMemory:
    """A bounded, expiring memory of reads, forgotten whole on every write of the app."""

    def __init__(self, seconds: float, size: int = SIZE,
                 clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self.generation = 0
        self._entries: OrderedDict[Hashable, tuple[int, float, Any]] = OrderedDict()
        self._lock = threading.Lock()  # worker threads share the app

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def written(self) -> None:
        """The app wrote (or may have): nothing read before now is trusted again."""
        with self._lock:
            self.generation += 1
            self._entries.clear()

    def get(self, key: Hashable, since: int) -> Any:
        """The answer kept under `key` for a request that began in generation `since`,
        or `MISSING`."""
        if not self.enabled:
            return MISSING
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return MISSING
            generation, read_at, value = entry
            if generation != since:  # read after a write this request may not see yet
                return MISSING
            if self.clock() - read_at > self.seconds:
                del self._entries[key]
                return MISSING
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any, since: int) -> None:
        """Keep `value`, read by a request that began in generation `since` (a request
        that began before the latest write keeps nothing)."""
        if not self.enabled:
            return
        with self._lock:
            if since != self.generation:
                return
            self._entries[key] = (since, self.clock(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def recall(self, key: Hashable | None, since: int, read: Callable[[], Any]) -> Any:
        """The remembered answer under `key`, else `read()`'s, kept (`key` None: read
        afresh, nothing kept)."""
        if key is None:
            return read()
        value = self.get(key, since)
        if value is MISSING:
            value = read()
            self.put(key, value, since)
        return value


def reader_key(access, resource: str) -> tuple | None:
    """What a read of `resource` depends on besides the query: the resource, the identity,
    its row filters and hidden fields there; None when the identity cannot be a key."""
    try:
        hash(access.identity)
    except TypeError:
        return None
    return (resource, access.identity, access.scope(resource), access.hidden(resource))
