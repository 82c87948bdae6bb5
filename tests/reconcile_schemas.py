"""The Reconciliation API 0.2 schemas vendored in tests/fixtures, as jsonschema validators
that resolve every reference (relative ones and Swagger's) from those files only."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMAS = Path(__file__).parent / "fixtures" / "reconciliation-0.2"


@functools.cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        resources.append((contents["$id"], resource))
    return Registry().with_resources(resources)


@functools.cache
def validator(name: str) -> Draft7Validator:
    """A validator for tests/fixtures/reconciliation-0.2/<name>.json."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema, registry=_registry())  # no retrieval: unknown refs fail


def check(name: str, instance: object) -> None:
    """Fail with every error the schema finds."""
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
