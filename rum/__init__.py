"""Rum: an embeddable admin/CRUD WSGI application for SQLAlchemy models."""

from .actions import action
from .admin import Admin
from .app import RumApp
from .errors import Invalid
from .paste import make_app

__all__ = ["Admin", "Invalid", "RumApp", "action", "make_app"]
