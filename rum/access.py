"""What one identity may reach: the policy's answers for one request, asked once each.

An `Access` is built per request from the policy and the identity and handed to the unit
of work, so every repository path (rows, related rows and their labels, choices, filters
across relations, links, exports) applies the read permission, row filters and hidden
fields of each resource it touches. It lives on the request only: nothing is cached
across requests.

`base` adds the row filters of the resource classes' `base_query` (resource name ->
filters for this request) to the policy's: every path applies both the same way.
"""

from collections.abc import Callable
from typing import Any

from .query import Filter


class Access:
    """Read permission, hidden fields and row filters of every resource, for one identity."""

    def __init__(self, policy: Any = None, identity: Any = None,
                 base: Callable[[str], tuple[Filter, ...]] | None = None):
        self.policy = policy  # None: unrestricted (code that works without a policy)
        self.identity = identity
        self.base = base  # resource name -> extra row filters (rum.variants.base_for)
        self._readable: dict[str, bool] = {}
        self._hidden: dict[str, frozenset[str]] = {}
        self._scope: dict[str, tuple[Filter, ...]] = {}

    @classmethod
    def everything(cls) -> "Access":
        """Unrestricted: every resource readable, nothing hidden, no row filters."""
        return cls(None, None)

    @property
    def unrestricted(self) -> bool:
        return self.policy is None and self.base is None

    def can_read(self, resource: str) -> bool:
        """Whether the identity may read rows of `resource` at all."""
        if self.policy is None:
            return True
        if resource not in self._readable:
            self._readable[resource] = bool(self.policy.permits(self.identity, "read", resource))
        return self._readable[resource]

    def hidden(self, resource: str) -> frozenset[str]:
        """Field names of `resource` this identity must not see, filter, sort or search."""
        if self.policy is None:
            return frozenset()
        if resource not in self._hidden:
            self._hidden[resource] = frozenset(self.policy.hidden(self.identity, resource))
        return self._hidden[resource]

    def scope(self, resource: str) -> tuple[Filter, ...]:
        """The row filters that narrow `resource` for this identity (empty: every row):
        the policy's, then the base query's."""
        if self.policy is None and self.base is None:
            return ()
        if resource not in self._scope:
            own = tuple(self.policy.scope(self.identity, resource)) \
                if self.policy is not None else ()
            extra = tuple(self.base(resource)) if self.base is not None else ()
            self._scope[resource] = own + tuple(f for f in extra if f not in own)
        return self._scope[resource]


def as_access(access: "Access | None") -> Access:
    """`access`, or unrestricted when a caller opened a unit of work without one."""
    return Access.everything() if access is None else access
