"""A hardened, streaming expat parser for untrusted XML feeds.

Hardening follows defusedxml's rules, made stricter: any DOCTYPE is refused, so no entity can
be declared (no "billion laughs" bomb) and no external entity or DTD is ever fetched (no XXE).
Neither Clarity ENR nor NIST CDF files carry a DOCTYPE. Input is fed in 1 MiB chunks, so memory
depends on what the handlers keep, not on the file size.
"""

from __future__ import annotations

from typing import NoReturn, Protocol
from xml.parsers import expat

from racedesk.errors import FeedFormatError

CHUNK = 1 << 20


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class Feedable(Protocol):
    """An expat parser, or something that feeds one (the Clarity fast path)."""

    @property
    def CurrentLineNumber(self) -> int: ...

    def Parse(self, data: bytes, isfinal: bool = ..., /) -> object: ...


class _Refused(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _no_dtd(*_: object) -> NoReturn:
    raise _Refused("a DOCTYPE (DTDs and entities are refused: entity bombs, external entities)")


def _no_entity(*_: object) -> NoReturn:
    raise _Refused("an entity declaration or external entity reference")


def hardened_parser(*, namespaces: bool = False) -> expat.XMLParserType:
    """An expat parser that refuses DTDs, entity declarations and external entities.

    With ``namespaces`` element names come as ``"uri local"``."""
    parser = expat.ParserCreate(namespace_separator=" " if namespaces else None)
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_entity
    parser.UnparsedEntityDeclHandler = _no_entity
    parser.ExternalEntityRefHandler = _no_entity
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.buffer_size = 65536
    return parser


def run(parser: Feedable, data: bytes | Readable, *, source: str, what: str) -> None:
    """Feed ``data`` through ``parser``; XML errors become ``FeedFormatError`` with the line.

    Handlers may raise ``FeedFormatError`` themselves; it passes through unchanged."""
    try:
        if isinstance(data, bytes | bytearray | memoryview):
            view = memoryview(data)
            for start in range(0, len(view), CHUNK):
                parser.Parse(bytes(view[start : start + CHUNK]), False)
        else:
            while chunk := data.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Refused as refused:
        raise FeedFormatError(
            f"refused {refused.what}", source=source, line=parser.CurrentLineNumber
        ) from None
    except expat.ExpatError as err:
        message = expat.ErrorString(err.code) if err.code else str(err)
        hint = ""
        if err.code == expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]:
            hint = " (empty or truncated file?)"
        elif err.code == expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN]:
            hint = " (truncated?)"
        elif err.code == expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]:
            hint = " (not UTF-8 as declared, or not XML?)"
        raise FeedFormatError(
            f"malformed {what} XML: {message}{hint} at column {err.offset}",
            source=source,
            line=err.lineno,
        ) from None
    except LookupError as err:  # an encoding declaration Python does not know
        raise FeedFormatError(
            f"{what} XML declares an encoding that cannot be read ({err})",
            source=source,
            line=parser.CurrentLineNumber,
        ) from None
    except (UnicodeError, ValueError, OverflowError) as err:
        raise FeedFormatError(
            f"unreadable {what} XML: {err}", source=source, line=parser.CurrentLineNumber
        ) from None
