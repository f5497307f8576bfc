"""Rum: an embeddable admin/CRUD WSGI application for SQLAlchemy models."""

from .actions import action
from .admin import Admin
from .app import RumApp
from .paste import make_app

__all__ = ["Admin", "RumApp", "action", "make_app"]
