"""The web front end: `create_app` (kg.web.app), one blueprint per family of pages."""

from kg.web.app import create_app

__all__ = ["create_app"]
