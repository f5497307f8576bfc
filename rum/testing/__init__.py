"""Test support for Rum: an in-memory repository backend (see `rum.testing.memory`)."""

from .memory import MemoryRepositoryFactory
from .memory_model import MemoryModel, to_many, to_one
from .memory_store import Row

__all__ = ["MemoryModel", "MemoryRepositoryFactory", "Row", "to_many", "to_one"]
