"""The app's read memory: bounded, expiring, forgotten whole on every write of the app,
and never trusted by a request that began before the latest write."""

import pytest

from rum.access import Access
from rum.read_memory import MISSING, ReadMemory, reader_key


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_answer_is_kept_for_requests_of_its_generation():
    memory = ReadMemory(30)
    memory.put("k", 1, memory.generation)
    assert memory.get("k", memory.generation) == 1
    assert memory.get("other", memory.generation) is MISSING


def test_a_write_forgets_everything():
    memory = ReadMemory(30)
    since = memory.generation
    memory.put("k", 1, since)
    memory.written()
    assert memory.get("k", memory.generation) is MISSING
    assert memory.get("k", since) is MISSING


def test_a_read_that_began_before_a_write_is_not_kept():
    memory = ReadMemory(30)
    since = memory.generation  # the request begins, reads ...
    memory.written()  # ... while another request writes and ends
    memory.put("k", "stale", since)
    assert memory.get("k", memory.generation) is MISSING


def test_a_request_older_than_an_entry_does_not_take_it():
    memory = ReadMemory(30)
    old = memory.generation
    memory.written()
    memory.put("k", 1, memory.generation)
    assert memory.get("k", old) is MISSING
    assert memory.get("k", memory.generation) == 1  # and the entry stays for the others


def test_an_answer_expires_after_its_seconds():
    clock = Clock()
    memory = ReadMemory(30, clock=clock)
    memory.put("k", 1, 0)
    clock.now += 30
    assert memory.get("k", 0) == 1
    clock.now += 0.5
    assert memory.get("k", 0) is MISSING


def test_the_least_recently_used_goes_first():
    memory = ReadMemory(30, size=2)
    memory.put("a", 1, 0)
    memory.put("b", 2, 0)
    assert memory.get("a", 0) == 1  # "b" is now the least recently used
    memory.put("c", 3, 0)
    assert [memory.get(k, 0) for k in "abc"] == [1, MISSING, 3]


def test_zero_seconds_remembers_nothing():
    memory = ReadMemory(0)
    assert not memory.enabled
    memory.put("k", 1, 0)
    assert memory.get("k", 0) is MISSING
    reads = []
    assert memory.recall("k", 0, lambda: reads.append(1) or len(reads)) == 1
    assert memory.recall("k", 0, lambda: reads.append(1) or len(reads)) == 2


def test_recall_reads_once_then_remembers():
    memory = ReadMemory(30)
    reads = []
    for _ in range(3):
        assert memory.recall("k", 0, lambda: reads.append(1) or "value") == "value"
    assert len(reads) == 1
    for _ in range(2):  # no key: read afresh each time
        assert memory.recall(None, 0, lambda: reads.append(1) or "fresh") == "fresh"
    assert len(reads) == 3


class Policy:
    def permits(self, identity, permission, resource):
        return True

    def hidden(self, identity, resource):
        return {"secret"} if identity == "guest" else set()

    def scope(self, identity, resource):
        from rum.query import Filter
        return [Filter("owner", "eq", identity)]


@pytest.mark.parametrize(("one", "other"), [("ann", "bob"), ("ann", "guest")])
def test_readers_with_other_rows_or_fields_have_other_keys(one, other):
    policy = Policy()
    assert reader_key(Access(policy, one), "r") == reader_key(Access(policy, one), "r")
    assert reader_key(Access(policy, one), "r") != reader_key(Access(policy, other), "r")


def test_an_identity_that_cannot_be_a_key_is_not_remembered():
    assert reader_key(Access(Policy(), {"user": "ann"}), "r") is None
