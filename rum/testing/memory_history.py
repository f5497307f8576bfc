"""History kept in memory: a unit of work's entries join its changes, committed with them.

The factory's `HistoryLog` holds committed entries and hands out ids as a sequence does
(never twice, even for a rolled-back entry); a `MemoryHistory` is one unit of work's view:
the committed entries as of now plus its own, dropped when the unit is.
"""

import dataclasses
import threading

from ..contracts import Entry, HistoryQuery


class HistoryLog:
    """Committed entries of one factory, oldest first; `lock` guards them and the counter."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: list[Entry] = []
        self.counter = 0

    def next_id(self) -> str:
        with self.lock:
            self.counter += 1
            return str(self.counter)

    def commit(self, entries: list[Entry]) -> None:
        with self.lock:
            self.entries.extend(entries)
            self.entries.sort(key=lambda e: int(e.id))


class MemoryHistory:
    """`HistoryStore` of one unit of work: `add` waits for the unit's commit."""

    def __init__(self, log: HistoryLog):
        self.log = log
        self.pending: list[Entry] = []

    def add(self, entry: Entry) -> None:
        self.pending.append(dataclasses.replace(entry, id=self.log.next_id()))

    def commit(self) -> None:
        if self.pending:
            self.log.commit(self.pending)
            self.pending = []

    def _all(self) -> list[Entry]:
        with self.log.lock:
            committed = list(self.log.entries)
        return committed + self.pending

    def entries(self, query: HistoryQuery) -> list[Entry]:
        if query.before and not query.before.isdigit():
            return []  # no entry has an id that is not a number
        before = int(query.before) if query.before else None
        found = [e for e in self._all() if _matches(e, query, before)]
        found.sort(key=lambda e: int(e.id), reverse=True)
        return found[:max(query.limit, 0)]

    def get(self, entry_id: str) -> Entry | None:
        return next((e for e in self._all() if e.id == str(entry_id)), None)


def _matches(entry: Entry, query: HistoryQuery, before: int | None) -> bool:
    return ((not query.resources or entry.resource in query.resources)
            and (not query.row_id or entry.row_id == query.row_id)
            and (not query.identity or entry.identity == query.identity)
            and (query.since is None or entry.at >= query.since)
            and (query.until is None or entry.at < query.until)
            and (before is None or int(entry.id) < before))
