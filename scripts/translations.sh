#!/bin/sh
# Refresh the message catalogs after changing interface text: extract every message from the
# Python code, templates, scripts and example queries (babel.cfg), merge them into each
# language's messages.po (new ones arrive empty: translate them, see docs/glossary.md), and
# compile the .mo files the app reads. tests/test_translations.py fails until every message
# has a translation and every .mo matches its .po.
set -eu
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
DIR=src/kg/web/translations
POT="$(mktemp)"
trap 'rm -f "$POT"' EXIT
"$PYBABEL" extract -F babel.cfg -k _n:1,2 --no-wrap --sort-by-file --project kg \
  --copyright-holder "kg contributors" -o "$POT" .
"$PYBABEL" update -i "$POT" -d "$DIR" --no-wrap --ignore-obsolete
"$PYBABEL" compile -d "$DIR" --statistics
