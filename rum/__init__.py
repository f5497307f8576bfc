"""Rum: an embeddable admin/CRUD WSGI application for SQLAlchemy models."""

from .app import RumApp
from .paste import make_app

__all__ = ["RumApp", "make_app"]
