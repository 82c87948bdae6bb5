"""The base of every error a user can act on: one line that names the file, setting or input
and the fix. The CLI prints it as `Error: ...` (exit 1, or 2 for a bad setting); the web
layer turns it into a 4xx with the same words."""

from __future__ import annotations


class KgError(Exception):
    """Something the user can fix; the message is one line and says how."""
