"""`python -m kg` runs the CLI (used by tests to start real servers)."""

from kg.cli import main

main()
