"""The bytes of one SPARQL answer, on their way from an engine to the client: in memory while
small, in an unnamed temporary file past `SPOOL_BYTES`.

Why: an answer may be up to `max_response_bytes` (100 MB by default), and a worker that held
each whole answer in memory, with a copy or two while cutting and converting it, grew by
hundreds of MB under a few concurrent large queries and kept much of it. Engines write into
an Answer chunk by chunk; the caps count, cut and convert it file to file (pyoxigraph parses
and serialises streams); the web layer sends it in chunks. The file has no name (O_TMPFILE):
nothing is left on disk, whatever happens to the process.
"""

from __future__ import annotations

import io
import os
import tempfile
import weakref
from collections.abc import Iterator

#: Answers up to this size stay in memory (and may be kept by the answer cache).
SPOOL_BYTES = 1 << 20
CHUNK = 1 << 16


class Answer:
    """Bytes written once, then read any number of times (each reader from the start)."""

    def __init__(self, data: bytes = b"") -> None:
        self._memory = bytearray(data)
        self._fd: int | None = None
        self._release: weakref.finalize | None = None
        self.size = len(data)

    # writing ---------------------------------------------------------------------------
    def write(self, data: bytes | bytearray | memoryview) -> int:
        n = len(data)
        if self._fd is None and self.size + n <= SPOOL_BYTES:
            self._memory += data
        else:
            if self._fd is None:
                self._spill()
            assert self._fd is not None
            view = memoryview(data)
            while view:
                written = os.pwrite(self._fd, view, self.size)
                view = view[written:]
                self.size += written
            return n
        self.size += n
        return n

    def flush(self) -> None:
        """Nothing to flush (writes go straight to memory or the file); serialisers call it."""

    def _spill(self) -> None:
        with tempfile.TemporaryFile() as handle:  # unnamed: O_TMPFILE where there is one
            self._fd = os.dup(handle.fileno())
        self._release = weakref.finalize(self, os.close, self._fd)  # if never closed
        os.pwrite(self._fd, self._memory, 0)
        self._memory = bytearray()

    def truncate(self, size: int) -> None:
        """Keep the first `size` bytes."""
        if self._fd is None:
            del self._memory[size:]
        else:
            os.ftruncate(self._fd, size)
        self.size = min(self.size, size)

    # reading ---------------------------------------------------------------------------
    @property
    def spilled(self) -> bool:
        return self._fd is not None

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        if self._fd is None:
            if self._memory:
                yield bytes(self._memory)
            return
        offset = 0
        while offset < self.size:
            data = os.pread(self._fd, min(size, self.size - offset), offset)
            if not data:
                return
            offset += len(data)
            yield data

    def bytes(self) -> bytes:
        """All of it (for small answers, tests and the answer cache)."""
        return bytes(self._memory) if self._fd is None else b"".join(self.chunks())

    def reader(self) -> io.BufferedReader:
        """A file object reading from the start (for pyoxigraph's parsers)."""
        return io.BufferedReader(_Reader(self), CHUNK)

    def count(self, needle: bytes) -> int:
        """Occurrences of a one-byte `needle`."""
        return sum(chunk.count(needle) for chunk in self.chunks())

    def line_end(self, lines: int) -> int:
        """The offset just past the `lines`-th newline (the size if there are fewer)."""
        offset = 0
        for chunk in self.chunks():
            here = chunk.count(b"\n")
            if here < lines:
                lines -= here
                offset += len(chunk)
                continue
            end = -1
            for _ in range(lines):
                end = chunk.index(b"\n", end + 1)
            return offset + end + 1
        return self.size

    def last_newline(self) -> int:
        """The offset just past the last newline (0 if none)."""
        if self._fd is None:
            return self._memory.rfind(b"\n") + 1
        end = self.size
        while end > 0:
            start = max(0, end - CHUNK)
            found = os.pread(self._fd, end - start, start).rfind(b"\n")
            if found >= 0:
                return start + found + 1
            end = start
        return 0

    def close(self) -> None:
        """Release the file of a spilled answer (an answer in memory stays readable: the
        answer cache may hold it)."""
        if self._release is not None:
            self._release()
            self._release = None
            self._fd = None
            self.size = 0


class _Reader(io.RawIOBase):
    def __init__(self, answer: Answer) -> None:
        self._chunks = answer.chunks()
        self._left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if not self._left:
            self._left = memoryview(next(self._chunks, b""))
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n
