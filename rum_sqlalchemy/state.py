"""What the repository's mixins (`ScopedReads`, `Deletes`, `Writes`) may rely on: its state and the
methods of its own they call. Declarations only: nothing here exists at run time beyond an
empty base class, so the repository's own definitions are the ones that run."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import RelationshipProperty, Session

from rum.access import Access
from rum.contracts import Ref
from rum.fields import Field

from .catalog import Catalog, ModelEntry


class RepositoryState:
    """The attributes `SQLAlchemyRepository.__init__` sets, typed for its mixins."""

    session: Session
    info: ModelEntry  # the resource this repository reads and writes
    catalog: Catalog
    access: Access
    transactional: bool
    engine: Engine | None  # for exports, which read in a session of their own
    seen: dict[str, dict[str, bool]]  # {resource: {id: visible}}, shared by the unit of work

    if TYPE_CHECKING:
        def _scope(self, info: ModelEntry | None = None) -> list[Any]: ...

        def _related_count(self, row: Any, rel: RelationshipProperty[Any],
                           limit: int) -> tuple[int, bool]: ...

        def identify(self, row: Any) -> str: ...

        def label(self, row: Any) -> str: ...

        def _flush(self) -> None: ...

        def other(self, info: ModelEntry) -> Any: ...

        def ref(self, row: Any) -> Ref: ...

        def _label_hidden(self, info: ModelEntry) -> bool: ...

        def _mark_seen(self, info: ModelEntry, rows: Iterable[Any]) -> None: ...

        def _unseen_members(self, row: Any, field: Field) -> list[Any]: ...
