"""Streaming, defensive JSON reading for untrusted feeds (ijson, yajl2_c backend when present).

Big arrays are read one element at a time (``items``) so memory holds one race or one contest,
never the whole document. Values are read through typed accessors that raise
``FeedFormatError`` naming the JSON path (``races[3].reportingUnits[0].candidates[1]``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from racedesk.errors import FeedFormatError
from racedesk.feeds.builder import MAX_VOTES

_NOT_UTF8 = {
    b"\xff\xfe": "UTF-16 (little-endian)",
    b"\xfe\xff": "UTF-16 (big-endian)",
}


def open_json(data: bytes | BinaryIO, *, source: str) -> BinaryIO:
    """A seekable binary stream positioned after any UTF-8 BOM; refuses UTF-16/32 text."""
    stream: BinaryIO = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    start = stream.tell()
    head = stream.read(4)
    for bom, name in _NOT_UTF8.items():
        if head.startswith(bom):
            raise FeedFormatError(f"JSON feed is {name}, not UTF-8; re-encode it", source=source)
    if len(head) >= 2 and (head[0] == 0 or head[1] == 0):
        raise FeedFormatError("JSON feed is not UTF-8 (NUL bytes: UTF-16/32?)", source=source)
    stream.seek(start + 3 if head.startswith(b"\xef\xbb\xbf") else start)
    return stream


def json_error(err: BaseException, *, source: str, what: str, path: str = "") -> FeedFormatError:
    """An ijson/decoding error as one clear ``FeedFormatError``."""
    text = str(err).strip().replace("\n", " ")[:200] or type(err).__name__
    hint = " (truncated?)" if "premature EOF" in text or "Incomplete" in type(err).__name__ else ""
    return FeedFormatError(
        f"malformed {what} JSON: {text}{hint}", source=source, field=path or None
    )


PARSE_ERRORS: tuple[type[BaseException], ...] = (
    ijson.JSONError,
    ijson.IncompleteJSONError,
    UnicodeError,
    ValueError,
    RecursionError,
    OverflowError,
)


def top_level(stream: BinaryIO, *, stop_at: str | None) -> tuple[dict[str, Any], bool]:
    """Top-level scalar members read up to the key ``stop_at`` (fast), or through the whole
    document when ``stop_at`` is None (slow: every event passes through Python).

    Returns the scalars and whether ``stop_at`` was found. Raises ValueError when the document
    is not a JSON object."""
    start = stream.tell()
    found: dict[str, Any] = {}
    key: str | None = None
    first = True
    hit = False
    for prefix, event, value in ijson.parse(stream, use_float=True):
        if first:
            if event != "start_map":
                raise ValueError("the document is not a JSON object")
            first = False
            continue
        if prefix == "" and event == "map_key":
            if value == stop_at:
                hit = True
                break
            key = value
        elif key is not None and prefix == key and event in ("string", "number", "boolean", "null"):
            found[key] = value
    stream.seek(start)
    if first:
        raise ValueError("empty document")
    return found, hit


def items(stream: BinaryIO, prefix: str) -> Iterator[Any]:
    return ijson.items(stream, prefix, use_float=True)  # type: ignore[no-any-return]


# -- typed accessors ------------------------------------------------------------------------
class Reader:
    """Typed access to decoded JSON values; every failure names source and JSON path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> FeedFormatError:
        return FeedFormatError(message, source=self.source, field=path)

    def obj(self, value: object, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object, found {type(value).__name__}")
        return value

    def list(self, parent: dict[str, Any], key: str, path: str) -> list[Any]:
        value = parent.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{path}.{key}", f"expected a list, found {type(value).__name__}")
        return value

    def text(self, parent: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
        value = parent.get(key)
        if value is None:
            if required:
                raise self.fail(f"{path}.{key}", f"missing {key!r}")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(f"{path}.{key}", f"expected text, found {type(value).__name__}")
        return str(value)

    def number(self, parent: dict[str, Any], key: str, path: str) -> float | None:
        value = parent.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{path}.{key}", f"expected a number, found {value!r:.40}")
        return float(value)

    def count(self, parent: dict[str, Any], key: str, path: str) -> int | None:
        value = self.number(parent, key, path)
        if value is None:
            return None
        if not value.is_integer() or value < 0 or value >= MAX_VOTES:
            raise self.fail(f"{path}.{key}", f"expected a count, found {parent[key]!r:.40}")
        return int(value)

    def flag(self, parent: dict[str, Any], key: str, path: str) -> bool:
        value = parent.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{path}.{key}", f"expected true/false, found {value!r:.40}")
        return value
