"""What the repository's mixin `Writes` may rely on: its state and the methods of its own
it calls. Declarations only: nothing here exists at run time beyond an empty base class,
so `MemoryRepository`'s own definitions are the ones that run."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..access import Access
from .memory_model import Entry
from .memory_store import Row, Workspace

if TYPE_CHECKING:  # these import the repository, which imports this module
    from ..contracts import Ref
    from .memory import Catalog, MemoryUnitOfWork
    from .memory_repository import MemoryRepository


class RepositoryState:
    """The attributes `MemoryRepository.__init__` sets, typed for its mixins."""

    unit: "MemoryUnitOfWork"  # the unit of work: its workspace, catalog and store
    space: Workspace
    catalog: "Catalog"
    entry: Entry  # the model this repository reads and writes
    access: Access

    if TYPE_CHECKING:
        def get(self, ident: str, scope: Any = (), for_update: bool = False) -> Any: ...

        def other(self, entry: Entry) -> "MemoryRepository": ...

        def related_rows(self, row: Row, relation: str) -> list[Row]: ...

        def related_count(self, row: Row, relation: str, limit: int) -> tuple[int, bool]: ...

        def in_scope(self, entry: Entry) -> Callable[[Row], bool]: ...

        def label(self, row: Row) -> str: ...

        def ref(self, row: Row, sees: Any = None) -> "Ref": ...

        def _label_hidden(self, entry: Entry) -> bool: ...
