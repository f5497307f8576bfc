"""The bounded map of built things: built once per key, the least recently used dropped."""

from rum_sqlalchemy.recently_used import RecentlyUsed


def test_each_key_is_built_once_and_the_least_recently_used_goes_first():
    built = []

    def build(key):
        return lambda: built.append(key) or f"built {key}"

    kept = RecentlyUsed(2)
    assert kept.get("a", build("a")) == "built a"
    assert kept.get("b", build("b")) == "built b"
    assert kept.get("a", build("a")) == "built a"  # kept; now the most recent
    kept.get("c", build("c"))  # drops b, the least recently used
    assert len(kept) == 2
    kept.get("a", build("a"))
    kept.get("b", build("b"))
    assert built == ["a", "b", "c", "b"]
    kept.clear()
    assert len(kept) == 0
