"""SQLAlchemy repositories for Rum: mapped classes -> fields, rum queries -> SQL."""

from .factory import SQLAlchemyRepositoryFactory

__all__ = ["SQLAlchemyRepositoryFactory"]
