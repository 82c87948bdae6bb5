"""Writers that die or run out of disk: the store opens afterwards with the state before or
after, the lock names its holder and frees itself when the holder dies, nothing half-written
stays. (Many random kills: bench/crash_trials.py.)"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store import DiskStore
from tests.conftest import sources_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import synth  # noqa: E402


def kg(*args: str, **popen) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          timeout=300, **popen)


def versions(store: Path) -> list[str]:
    return sorted(p.name for p in store.glob("v[0-9]*"))


def state(store: Path) -> tuple[str, int]:
    with DiskStore(store) as s:
        return (store / "kg-store.json").read_text(), s.count("full")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("crash-data")
    big = base / "big.nq.gz"
    synth.write_file(20_000, big)  # ~270k quads: a load of a few seconds
    small = base / "small.nt"
    small.write_text("<urn:crash:a> <urn:crash:p> <urn:crash:b> .\n")
    return {"big": big, "small": small}


@pytest.fixture
def store(tmp_path: Path, data: dict[str, Path]) -> Path:
    path = tmp_path / "store"
    assert kg("load", str(data["small"]), "--store", str(path)).returncode == 0
    return path


def test_the_lock_names_its_holder_and_frees_itself_when_the_holder_is_killed(
        store: Path, data: dict[str, Path]) -> None:
    before = state(store)
    writer = subprocess.Popen([sys.executable, "-m", "kg", "load", str(data["big"]), "--store",
                               str(store)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (store / ".lock").read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        refused = kg("load", str(data["small"]), "--store", str(store))
        assert refused.returncode == 1
        assert f"locked by pid {writer.pid} on " in refused.stderr
        assert "kg load" in refused.stderr or "__main__.py load" in refused.stderr
        time.sleep(0.5)  # well into the load
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert state(store) == before
    after = kg("load", str(data["small"]), "--store", str(store))  # not blocked
    assert after.returncode == 0, after.stderr
    assert len(versions(store)) == 2  # the new one and the one before; the killed one went


def test_versions_left_by_a_dead_writer_are_removed_by_the_next(store: Path,
                                                                data: dict[str, Path]) -> None:
    current = versions(store)[-1]
    leftover = store / f"v{int(current[1:]) + 1:06d}"
    (leftover / "public").mkdir(parents=True)
    (leftover / "public" / "junk.bin").write_bytes(b"\0" * 4096)
    (store / "kg-store.json.tmp").write_text('{"kg_store": 1, "current": "v9')
    with DiskStore(store) as s:
        s.load(sources_for(data["small"], graph="urn:crash:g2"))
        assert s.count() == 2
    assert not (store / "kg-store.json.tmp").exists()
    assert not (leftover / "public" / "junk.bin").exists()  # its number is reused, afresh
    assert versions(store) == [current, leftover.name]


def _file_size_limit(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_is_a_clear_error_and_leaves_nothing_behind(
        store: Path, data: dict[str, Path]) -> None:
    """RLIMIT_FSIZE: every file the writer makes stops at 2 MB (EFBIG, as ENOSPC would)."""
    before, listing = state(store), versions(store)
    run = kg("load", str(data["big"]), "--store", str(store),
             preexec_fn=_file_size_limit(2 << 20))
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "no space left for the new version" in lines[0], run.stderr
    assert "nothing was changed" in lines[0]
    assert state(store) == before and versions(store) == listing


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): the RLIMIT_FSIZE test covers it")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_full_tmpfs_is_a_clear_error_and_frees_its_space(tmp_path: Path,
                                                           data: dict[str, Path]) -> None:
    with small_tmpfs(tmp_path / "disk", "24m") as disk:
        store = disk / "store"
        assert kg("load", str(data["small"]), "--store", str(store)).returncode == 0
        before, listing = state(store), versions(store)
        used = os.statvfs(disk)
        run = kg("load", str(data["big"]), "--store", str(store))
        assert run.returncode == 1
        assert "no space left for the new version" in run.stderr, run.stderr
        assert state(store) == before and versions(store) == listing
        after = os.statvfs(disk)
        assert after.f_bfree >= used.f_bfree - 16  # the partial version's space is back
        assert kg("load", str(data["small"]), "--store", str(store)).returncode == 0
