"""Bytes to text: what a scraper's file is written in, decided from the bytes alone.

The order of the checks is the order of certainty:

1. a byte-order mark says it (UTF-8, UTF-16, UTF-32);
2. gzip's magic number means the file is compressed (whatever its name says): unpack, start over;
3. NUL bytes on every other position are BOM-less UTF-16 (``\\x00`` after each ASCII letter);
4. any other NUL or many control bytes mean binary data: rejected, not guessed at;
5. valid UTF-8 is UTF-8 (mojibake inside it is ftfy's job later, not a decoding question);
6. otherwise it is a legacy single-byte file: Windows-1252, which every scraped Latin-1 file
   also decodes as (its extra characters are the curly quotes and dashes such files hold).

Everything that is decoded says how, so the run can report it.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from dataclasses import dataclass

from cleaner.records import Reason

GZIP_MAGIC = b"\x1f\x8b"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control bytes that never occur in text (tab, LF, CR, FF and ESC are allowed).
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
MAX_GZIP_BYTES = 1 << 30


class DecodeError(ValueError):
    """The bytes are not text cleaner can read. ``reason`` is the reject reason."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    compressed: bool = False


def decode_bytes(data: bytes, max_bytes: int = MAX_GZIP_BYTES) -> Decoded:
    """Decode a whole file's bytes (see the module docstring for the order of the checks).

    Gzipped data that unpacks to more than ``max_bytes`` is refused (``too-large``), unpacked
    no further than that.

    >>> decode_bytes("café".encode("utf-8")).encoding
    'utf-8'
    >>> decode_bytes("café – ok".encode("cp1252")).text
    'café – ok'
    >>> decode_bytes(codecs.BOM_UTF16_LE + "Zoë".encode("utf-16-le")).text
    'Zoë'
    >>> decode_bytes(b"\\x00\\x01\\x02binary")
    Traceback (most recent call last):
    ...
    cleaner.decoding.DecodeError: binary data (NUL bytes), not text
    """
    if data.startswith(GZIP_MAGIC):
        try:
            inner = _gunzip(data, max_bytes)
        except (OSError, EOFError, zlib.error) as e:
            raise DecodeError(Reason.UNREADABLE, f"corrupt gzip data: {e}") from e
        if len(inner) > max_bytes:
            raise DecodeError(Reason.TOO_LARGE, f"more than {max_bytes} bytes once unpacked")
        decoded = decode_bytes(inner, max_bytes)
        return Decoded(decoded.text, decoded.encoding, compressed=True)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.replace("-sig", ""))
            except UnicodeDecodeError as e:
                raise DecodeError(
                    Reason.UNREADABLE, f"broken {encoding} after its byte-order mark: {e.reason}"
                ) from e
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return utf16
    if b"\x00" in data:
        raise DecodeError(Reason.BINARY, "binary data (NUL bytes), not text")
    sample = data[:65536]
    controls = sum(sample.count(bytes([b])) for b in _BINARY_BYTES)
    if controls > max(8, len(sample) // 100):
        raise DecodeError(
            Reason.BINARY, f"binary data ({controls} control bytes in the first {len(sample)}), not text"
        )
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(data.decode("cp1252"), "windows-1252")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1")


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """The unpacked bytes, at most ``max_bytes + 1`` of them (more means too large)."""
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
        return f.read(max_bytes + 1)


def _bomless_utf16(data: bytes) -> Decoded | None:
    """UTF-16 without a BOM: Latin-script text has a NUL on every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) > 0.9 * len(zeros):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                return None
    return None
