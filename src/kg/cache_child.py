"""A persisted cache slot computed in a child process (`Persist(child=True)` in kg.cache):
the value of one store version, written to stdout in the slot's file format.

    python -m kg.cache_child MODULE SLOT STORE_DIR VERSION ARGS_JSON

MODULE is where the slot is declared (importing it registers the slot). The child opens the
store itself and computes only if it is still at VERSION (else it exits with
kg.subprocesses.MOVED: the parent's next request asks for the new version instead).
"""

from __future__ import annotations

import importlib
import json
import sys

from kg.cache import REGISTRY
from kg.store import DiskStore
from kg.subprocesses import MOVED


def main(argv: list[str]) -> int:
    module, name, path, version, args = argv
    importlib.import_module(module)
    slot = REGISTRY[name]
    assert slot.persist is not None
    store = DiskStore(path)
    if store.version != version:
        return MOVED
    value = slot.compute(store, *json.loads(args))
    if store.version != version:
        return MOVED
    slot.persist.write(value, sys.stdout.buffer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
