"""Getting Clarity bytes to the parser quickly: unzipping ``detailxml.zip`` with a cap, and a
fast path for the vote-type blocks that make up nearly all of a detail file.

Every element costs expat a Python callback or two, which caps a pure expat parse near 20 MB/s.
The fast path finds whole ``<VoteType name=".." votes="..">`` blocks whose content is only
``<County|Precinct name=".." votes="digits" />`` leaves and whitespace with one strict regular
expression, reads their leaves with a second one (C speed), and hands expat the same number of
newlines in their place, so expat still checks the rest of the document and its line numbers
stay right. Anything else (other attribute order, entities or control characters in names,
unexpected content) simply goes through expat.

Safety: the fast path starts only after expat has seen the root element, only for UTF-8
documents, and it switches off for good as soon as any byte passed to expat opens a comment,
CDATA section, processing instruction or DOCTYPE (``<!`` or ``<?``) — so a block inside a
comment can never be mistaken for data. A block out of place (not directly in a candidate's
``<Choice>``) is fed to expat too, so the same errors are raised.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, BinaryIO

from racedesk.errors import FeedFormatError
from racedesk.feeds import xmlsafe

if TYPE_CHECKING:
    from racedesk.feeds.clarity import _ClarityParse

MAX_UNZIPPED = 4 << 30  # 4 GiB
CARRY_MAX = 64 << 20  # a vote type bigger than this goes through expat

_NAME = rb'"([^"<&\t\n\r]*)"'
_BLOCK = re.compile(
    rb"<VoteType name=" + _NAME + rb' votes="(\d{1,10})">'
    rb'((?:\s*<(?:County|Precinct) name="[^"<&\t\n\r]*" votes="\d{1,10}"\s*/>)*)'
    rb"\s*</VoteType>"
)
_LEAF = re.compile(rb'<(?:County|Precinct) name="([^"<&\t\n\r]*)" votes="(\d{1,10})"')
_ROOT = re.compile(rb"<ElectionResult[\s>/]")
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def run_fast(parse: _ClarityParse, data: bytes | xmlsafe.Readable) -> None:
    """Feed ``data`` to ``parse.parser``, vote-type blocks through the fast path."""
    feeder = _Feeder(parse)
    xmlsafe.run(feeder, data, source=parse.source, what="Clarity")


class _Feeder:
    """Quacks like an expat parser for ``xmlsafe.run``: ``Parse(chunk, final)``."""

    def __init__(self, parse: _ClarityParse) -> None:
        self.parse = parse
        self.parser = parse.parser
        self.carry = b""
        self.enabled: bool | None = None  # None: the root element has not been seen yet

    @property
    def CurrentLineNumber(self) -> int:
        return self.parser.CurrentLineNumber

    def expat(self, region: bytes) -> None:
        if self.enabled and (b"<!" in region or b"<?" in region):
            self.enabled = False
        self.parser.Parse(region, False)

    def Parse(self, chunk: bytes, final: bool = False, /) -> None:
        buffer = self.carry + chunk if self.carry else chunk
        self.carry = b""
        pos = 0
        if self.enabled is None:
            root = _ROOT.search(buffer)
            end = buffer.find(b">", root.end() - 1) if root else -1
            if end < 0 and not final and len(buffer) < CARRY_MAX:
                self.carry = buffer
                return
            declared = _DECLARED.match(buffer)
            utf8 = declared is None or declared.group(1).lower() in (b"utf-8", b"utf8")
            self.parser.Parse(buffer[: end + 1] if end >= 0 else buffer, False)
            self.enabled = end >= 0 and utf8 and self.parse.seen_root
            pos = end + 1 if end >= 0 else len(buffer)
        while self.enabled:
            match = _BLOCK.search(buffer, pos)
            if match is None:
                break
            self.expat(buffer[pos : match.start()])
            if not self.enabled or not self.block(match):
                self.parser.Parse(match.group(0), False)
            else:
                self.parser.Parse(b"\n" * match.group(0).count(b"\n"), False)
            pos = match.end()
        if self.enabled and not final:
            start = buffer.rfind(b"<VoteType", pos)
            if start >= 0 and len(buffer) - start < CARRY_MAX:
                self.expat(buffer[pos:start])
                self.carry = buffer[start:]
                return
        self.expat(buffer[pos:])
        if final:
            self.parser.Parse(b"", True)

    def block(self, match: re.Match[bytes]) -> bool:
        leaves = match.group(3)
        has_county, has_precinct = b"<County" in leaves, b"<Precinct" in leaves
        if has_county and has_precinct:
            return False
        pairs = _LEAF.findall(leaves)
        names = [name for name, _ in pairs]
        votes = list(map(int, [raw for _, raw in pairs]))
        try:
            label = match.group(1).decode("utf-8")
            return self.parse.fast_vote_type(
                label, match.group(2).decode(), "County" if has_county else "Precinct", names, votes
            )
        except UnicodeDecodeError:
            return False  # expat reports the bad bytes with their line


@contextmanager
def unzipped(data: bytes | BinaryIO, *, source: str) -> Iterator[bytes | xmlsafe.Readable]:
    """The ``detail.xml`` inside a ``detailxml.zip``, streamed with a size cap (zip bombs);
    anything that is not a zip passes through."""
    stream: BinaryIO = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    start = stream.tell()
    if stream.read(4) != b"PK\x03\x04":
        stream.seek(start)
        yield data
        return
    stream.seek(start)
    try:
        archive = zipfile.ZipFile(stream)
        names = [n for n in archive.namelist() if n.lower().endswith(".xml")]
        if len(names) != 1:
            raise FeedFormatError(
                f"zip holds {len(names)} XML files, expected one detail.xml", source=source
            )
        info = archive.getinfo(names[0])
        if info.file_size > MAX_UNZIPPED:
            raise FeedFormatError(
                f"{names[0]} would unzip to {info.file_size} bytes", source=source
            )
        with archive.open(info) as member:
            yield _Capped(member, MAX_UNZIPPED, source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as err:
        raise FeedFormatError(f"unreadable zip: {err}", source=source) from None


class _Capped:
    """Reads a member until ``cap`` bytes, then refuses: the size in a zip header can lie."""

    def __init__(self, member: IO[bytes], cap: int, source: str) -> None:
        self.member, self.left, self.source = member, cap, source

    def read(self, size: int, /) -> bytes:
        chunk = self.member.read(size)
        self.left -= len(chunk)
        if self.left < 0:
            raise FeedFormatError(
                "zip member unzips past its cap (a zip bomb?)", source=self.source
            )
        return chunk
