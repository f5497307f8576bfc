"""ToscaWidgets 2 views for Rum: forms with validation, grids, pagers."""

from .factory import ToscaWidgetsViewFactory

__all__ = ["ToscaWidgetsViewFactory"]
