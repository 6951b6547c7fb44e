"""The adapter registry: adapters register by decorator, ``detect`` picks one for ``--format auto``.

::

    @register
    class ApAdapter: ...

    adapter = detect(head_bytes, "results.json")   # or get("ap")
    payload = adapter.parse(data, source="results.json")
"""

from __future__ import annotations

import importlib
from typing import BinaryIO, TypeVar

from racedesk.errors import FeedError, FeedFormatError
from racedesk.feeds.base import FeedAdapter, FeedPayload

_ADAPTERS: dict[str, FeedAdapter] = {}
_BUILTIN: tuple[str, ...] = ("ap", "nist_cdf", "clarity", "csv_map")
SNIFF_BYTES = 65536

A = TypeVar("A", bound=type)


def register(cls: A) -> A:
    """Class decorator: instantiate the adapter with no arguments and register it by name."""
    adapter = cls()
    if not isinstance(adapter, FeedAdapter):
        raise TypeError(f"{cls.__name__} does not implement FeedAdapter")
    if adapter.name in _ADAPTERS and type(_ADAPTERS[adapter.name]) is not cls:
        raise ValueError(f"two feed adapters named {adapter.name!r}")
    _ADAPTERS[adapter.name] = adapter
    return cls


def _load_builtin() -> None:
    for module in _BUILTIN:
        importlib.import_module(f"racedesk.feeds.{module}")


def adapters() -> dict[str, FeedAdapter]:
    """Every registered adapter by name (the built-in ones are imported on first use)."""
    _load_builtin()
    return dict(_ADAPTERS)


def get(name: str) -> FeedAdapter:
    known = adapters()
    if name not in known:
        raise FeedError(f"unknown feed format {name!r}; known: auto, {', '.join(sorted(known))}")
    return known[name]


def detect(data: bytes, name: str = "") -> FeedAdapter:
    """The one adapter whose ``sniff`` accepts the first bytes of ``data`` (and its name)."""
    head = data[:SNIFF_BYTES]
    matches = [a for a in adapters().values() if a.sniff(head, name)]
    if len(matches) == 1:
        return matches[0]
    shown = head[:60].decode("utf-8", "replace").strip()
    if not matches:
        raise FeedFormatError(
            f"cannot tell the feed format (starts {shown!r}); pass --format with one of "
            f"{', '.join(sorted(_ADAPTERS))}",
            source=name,
        )
    raise FeedFormatError(
        f"ambiguous feed format: {', '.join(a.name for a in matches)} all accept it; pass --format",
        source=name,
    )


def parse(data: bytes | BinaryIO, *, source: str, format: str = "auto") -> FeedPayload:
    """Parse a payload with the named adapter, or the detected one when ``format`` is auto."""
    if format != "auto":
        return get(format).parse(data, source=source)
    if isinstance(data, bytes):
        return detect(data, source).parse(data, source=source)
    head = data.read(SNIFF_BYTES)
    data.seek(0)
    return detect(head, source).parse(data, source=source)
