"""A bounded map of built things by key, the least recently used dropped first."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class RecentlyUsed:
    """At most `size` values by key; `get` builds what is missing. Shared by the threads
    of one app (it lives on the catalog), so every change holds its lock."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        built = build()  # outside the lock: two threads may build one key, both alike
        with self._lock:
            self._entries[key] = built
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return built

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
