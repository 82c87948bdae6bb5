"""Reading an input for checking, in line-aligned chunks that the format checks scan:
decompression capped (bombs), binary data refused, lines held to a length, and (for tables)
text that does not decode refused.

Every check streams: memory stays at a few blocks plus the longest line allowed, whatever
the file's size, and a refusal comes as soon as the offending bytes are read. Line numbers
are counted only for a refusal (counting newlines as it reads costs a sixth of the scan).
"""

from __future__ import annotations

import contextlib
import gzip
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.guard.limits import InputRefused, Limits, refuse

BLOCK = 1 << 20
#: Unpacked bytes read before the packing ratio is judged: small files may pack tightly.
RATIO_FLOOR = 64 << 20


@dataclass(frozen=True)
class Chunk:
    """Whole lines of an input (the last one may lack its newline), where they start in the
    (unpacked) input, and the input they come from (None: not a file)."""

    data: bytes
    start: int = 0
    path: Path | None = None

    def line_at(self, offset: int) -> int:
        """The number of the line holding byte `offset` of this chunk."""
        before = _lines_before(self.path, self.start) if self.path and self.start else 0
        return 1 + before + self.data.count(b"\n", 0, offset)


@contextlib.contextmanager
def _reader(path: Path) -> Iterator[tuple[Callable[[int], bytes], Callable[[], int] | None]]:
    """read(n) of the unpacked bytes, and how many packed bytes were consumed (for .gz)."""
    with path.open("rb") as raw:
        if path.suffix.lower() != ".gz":
            yield raw.read, None
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as unpacked:
            yield unpacked.read, raw.tell


def _lines_before(path: Path, offset: int) -> int:
    lines = 0
    with _reader(path) as (read, _):
        while offset > 0:
            block = read(min(BLOCK, offset))
            if not block:
                break
            lines += block.count(b"\n")
            offset -= len(block)
    return lines


def chunks(path: Path, limits: Limits, *, encoding: str | None = None,
           what: str = "text") -> Iterator[Chunk]:
    """The input's lines in chunks of about a block; InputRefused at the first problem.
    With `encoding`, text that does not decode is refused too."""
    start = 0  # offset of `carry` in the unpacked input
    carry = b""
    unpacked = 0
    max_line = limits.max_line_bytes
    with _reader(path) as (read, packed):
        while True:
            try:
                block = read(BLOCK)
            except (OSError, EOFError, zlib.error) as exc:
                if packed is None:
                    raise
                raise refuse(path, None, f"not a readable gzip file ({exc})") from None
            if packed is not None and block:
                unpacked += len(block)
                _check_unpacked(path, unpacked, packed(), limits)
            buffer = carry + block
            nul = block.find(b"\0")
            if nul >= 0:
                where = Chunk(buffer, start, path).line_at(len(carry) + nul)
                raise refuse(path, where, f"binary data (a NUL byte): not a {what} file")
            if not block:
                if buffer:
                    yield _checked(Chunk(buffer, start, path), max_line, encoding)
                return
            cut = buffer.rfind(b"\n") + 1
            if len(buffer) - cut > max_line:
                raise refuse(path, Chunk(buffer, start, path).line_at(cut),
                             f"a line longer than {max_line} bytes", "max_line_bytes")
            if not cut:
                carry = buffer
                continue
            chunk = _checked(Chunk(buffer[:cut], start, path), max_line, encoding)
            carry = buffer[cut:]
            start += cut
            yield chunk


def _check_unpacked(path: Path, unpacked: int, packed: int, limits: Limits) -> None:
    if unpacked > limits.max_unpacked_bytes:
        raise refuse(path, None, f"unpacks to more than {limits.max_unpacked_bytes} bytes",
                     "max_unpacked_bytes")
    if unpacked > RATIO_FLOOR and unpacked > limits.max_unpack_ratio * max(packed, 1):
        raise refuse(path, None,
                     f"unpacks to more than {limits.max_unpack_ratio} times its packed size "
                     "(a decompression bomb?)", "max_unpack_ratio")


def _checked(chunk: Chunk, max_line: int, encoding: str | None) -> Chunk:
    """Lines within the limit (checked one by one only when a chunk could hold a longer
    one) and text that decodes."""
    data = chunk.data
    if len(data) > max_line:
        offset = 0
        for piece in data.split(b"\n"):
            if len(piece) > max_line:
                raise refuse(chunk.path or "input", chunk.line_at(offset),
                             f"a line longer than {max_line} bytes", "max_line_bytes")
            offset += len(piece) + 1
    if encoding is None or data.isascii():
        return chunk
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise refuse(chunk.path or "input", chunk.line_at(exc.start),
                     f"invalid {encoding.upper()} (byte {data[exc.start]:#04x}): save the "
                     f"file as {encoding.upper()}") from None
    except LookupError:
        raise InputRefused(f"{chunk.path}: unknown text encoding {encoding!r}") from None
    return chunk
