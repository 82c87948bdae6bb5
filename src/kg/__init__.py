"""kg: an open knowledge graph of people, events and sources for human-rights documentation."""

__version__ = "0.1.0"
