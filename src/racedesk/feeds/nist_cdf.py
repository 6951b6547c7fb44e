"""NIST SP 1500-100 v2 Election Results Reporting CDF, XML and JSON.

Both stream: XML through the hardened expat parser (no DOCTYPE, no entities), JSON through
ijson one Contest at a time. The mapping rules live in ``nist_model``.
"""

from __future__ import annotations

from typing import Any, BinaryIO, ClassVar

import ijson

from racedesk.errors import FeedFormatError
from racedesk.feeds import jsonsafe, xmlsafe
from racedesk.feeds.base import FeedPayload
from racedesk.feeds.builder import count_from_json, count_from_text
from racedesk.feeds.nist_model import NistResolver, NistSelection, NistUnit
from racedesk.feeds.registry import register

NAMESPACE = "http://itl.nist.gov/ns/voting/1500-100/v2"
_XSI_TYPE = "http://www.w3.org/2001/XMLSchema-instance type"
# Objects the XML reader collects, by element path below the root.
_RECORDS = {
    ("GpUnit",): "gpunit",
    ("GpUnit", "ExternalIdentifier"): "external",
    ("Party",): "party",
    ("Election", "Candidate"): "candidate",
    ("Election", "Contest"): "contest",
    ("Election", "Contest", "ContestSelection"): "selection",
    ("Election", "Contest", "ContestSelection", "VoteCounts"): "votes",
}
_HEADER = {
    ("GeneratedDate",),
    ("IsTest",),
    ("IssuerAbbreviation",),
    ("Status",),
    ("Election", "StartDate"),
    ("Election", "Type"),
    ("Election", "ElectionScopeId"),
}


def _first(record: dict[str, list[str]], key: str) -> str:
    values = record.get(key)
    return values[0] if values else ""


@register
class NistXmlAdapter:
    name: ClassVar[str] = "nist-xml"
    description: ClassVar[str] = "NIST SP 1500-100 v2 Election Results CDF, XML"

    def sniff(self, head: bytes, name: str) -> bool:
        return b"<ElectionReport" in head or (
            b"ElectionReport" in head and NAMESPACE.encode() in head
        )

    def parse(self, data: bytes | BinaryIO, *, source: str) -> FeedPayload:
        reader = _XmlReader(NistResolver(source=source, format=self.name))
        xmlsafe.run(reader.parser, data, source=source, what="NIST CDF")
        if not reader.seen_root:
            raise FeedFormatError("no <ElectionReport> element", source=source)
        return reader.resolver.finish()


class _XmlReader:
    def __init__(self, resolver: NistResolver) -> None:
        self.resolver = resolver
        self.source = resolver.source
        self.parser = xmlsafe.hardened_parser(namespaces=True)
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.stack: list[str] = []
        self.records: list[tuple[int, str, dict[str, list[str]]]] = []  # (depth, kind, fields)
        self.parts: list[str] = []
        self.seen_root = False
        self.contest = -1
        self.selection_counts: list[tuple[str, str, int]] = []
        self.externals: list[tuple[str, str]] = []

    def line(self) -> int:
        return self.parser.CurrentLineNumber

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        uri, _, local = tag.rpartition(" ")
        if not self.stack:
            if local != "ElectionReport" or uri != NAMESPACE:
                raise FeedFormatError(
                    f"root element is {tag!r}, not a v2 ElectionReport",
                    source=self.source,
                    line=self.line(),
                )
            self.seen_root = True
        self.stack.append(local)
        self.parts = []
        kind = _RECORDS.get(tuple(self.stack[1:]))
        if kind is not None:
            fields = {
                "@id": [attrs.get("ObjectId", "").strip()],  # xs:ID: spaces collapse
                "@type": [attrs.get(_XSI_TYPE, "").rpartition(":")[2]],
            }
            self.records.append((len(self.stack), kind, fields))
            if kind == "contest":
                self.contest = self.resolver.contest(
                    fields["@id"][0], fields["@type"][0], line=self.line()
                )

    def text(self, data: str) -> None:
        self.parts.append(data)

    def end(self, tag: str) -> None:
        depth = len(self.stack)
        path = tuple(self.stack[1:])
        text = "".join(self.parts).strip()
        self.parts = []
        if self.records and self.records[-1][0] == depth:
            _, kind, fields = self.records.pop()
            self.stack.pop()
            self.finish_record(kind, fields)
            return
        if self.records and text:
            record_depth, _, fields = self.records[-1]
            fields.setdefault("/".join(self.stack[record_depth:]), []).append(text)
        elif path in _HEADER:
            self.resolver.header[path[-1]] = text
        elif path == ("Election", "Name", "Text"):
            self.resolver.header.setdefault("ElectionName", text)
        self.stack.pop()

    def finish_record(self, kind: str, fields: dict[str, list[str]]) -> None:
        resolver, line = self.resolver, self.line()
        if kind == "external":
            kind_text = _first(fields, "Type")
            if kind_text == "other":
                kind_text = _first(fields, "OtherType")
            self.externals.append((kind_text, _first(fields, "Value")))
        elif kind == "gpunit":
            resolver.unit(
                NistUnit(
                    id=_first(fields, "@id"),
                    type=_first(fields, "Type"),
                    name=_first(fields, "Name/Text"),
                    composing=tuple(" ".join(fields.get("ComposingGpUnitIds", [])).split()),
                    external=tuple(self.externals),
                ),
                line,
            )
            self.externals = []
        elif kind == "party":
            resolver.party(
                _first(fields, "@id"),
                _first(fields, "Abbreviation/Text"),
                _first(fields, "Name/Text"),
            )
        elif kind == "candidate":
            resolver.candidate(
                _first(fields, "@id"), _first(fields, "BallotName/Text"), _first(fields, "PartyId")
            )
        elif kind == "votes":
            count_type = _first(fields, "Type")
            if count_type == "other":
                count_type = _first(fields, "OtherType") or "other"
            raw = _first(fields, "Count")
            self.selection_counts.append(
                (
                    _first(fields, "GpUnitId"),
                    count_type,
                    _xml_count(raw, source=self.source, line=line),
                )
            )
        elif kind == "selection":
            selection = NistSelection(
                id=_first(fields, "@id"),
                kind=_first(fields, "@type"),
                candidate_ids=tuple(" ".join(fields.get("CandidateIds", [])).split()),
                party_ids=tuple(" ".join(fields.get("PartyIds", [])).split()),
                text=_first(fields, "Selection/Text"),
                write_in=_first(fields, "IsWriteIn").lower() in ("1", "true"),
            )
            if self.contest < 0:
                raise FeedFormatError(
                    "ContestSelection outside a Contest", source=self.source, line=line
                )
            resolver.selection(
                self.contest, selection, self.selection_counts, f"selection {selection.id}", line
            )
            self.selection_counts = []
        elif kind == "contest":
            resolver.describe(
                self.contest,
                name=_first(fields, "Name"),
                district=_first(fields, "ElectionDistrictId"),
                reported=_int_or_none(_first(fields, "SubUnitsReported")),
                total=_int_or_none(_first(fields, "TotalSubUnits")),
            )
            self.contest = -1


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _xml_count(raw: str, *, source: str, line: int) -> int:
    if raw.isascii() and raw.isdigit():
        return count_from_text(raw, source=source, field="Count", line=line)
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if value == value and value.is_integer() and value >= 0:  # a double such as "12.0"
        return count_from_json(value, source=source, field="Count", allow_integral_float=True)
    return count_from_text(raw, source=source, field="Count", line=line)


@register
class NistJsonAdapter:
    name: ClassVar[str] = "nist-json"
    description: ClassVar[str] = "NIST SP 1500-100 v2 Election Results CDF, JSON"

    def sniff(self, head: bytes, name: str) -> bool:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return text.startswith(b"{") and b'"ElectionResults.' in head

    def parse(self, data: bytes | BinaryIO, *, source: str) -> FeedPayload:
        stream = jsonsafe.open_json(data, source=source)
        reader = _JsonReader(NistResolver(source=source, format=self.name))
        try:
            reader.run(stream)
        except jsonsafe.PARSE_ERRORS as err:
            raise jsonsafe.json_error(
                err, source=source, what="NIST CDF", path=reader.path
            ) from None
        return reader.resolver.finish()


_JSON_OBJECTS = (
    "GpUnit.item",
    "Party.item",
    "Election.item.Candidate.item",
    "Election.item.Contest.item",
)
_JSON_HEADER = {
    "GeneratedDate": "GeneratedDate",
    "IsTest": "IsTest",
    "Status": "Status",
    "IssuerAbbreviation": "IssuerAbbreviation",
    "Election.item.StartDate": "StartDate",
    "Election.item.Type": "Type",
    "Election.item.ElectionScopeId": "ElectionScopeId",
}


class _JsonReader:
    """Routes ijson events: whole small objects (one GpUnit, one Contest) are built, the rest
    is streamed past."""

    def __init__(self, resolver: NistResolver) -> None:
        self.resolver = resolver
        self.read = jsonsafe.Reader(resolver.source)
        self.path = ""
        self.counts = {prefix: 0 for prefix in _JSON_OBJECTS}

    def run(self, stream: BinaryIO) -> None:
        builder: Any = None
        target = ""
        first = True
        for prefix, event, value in ijson.parse(stream, use_float=True):
            if first:
                if event != "start_map":
                    raise ValueError("the document is not a JSON object")
                first = False
            if builder is not None:
                builder.event(event, value)
                if prefix == target and event == "end_map":
                    self.dispatch(target, builder.value)
                    builder = None
            elif event == "start_map" and prefix in self.counts:
                builder, target = ijson.ObjectBuilder(), prefix
                builder.event(event, value)
            elif prefix in _JSON_HEADER and event in ("string", "number", "boolean"):
                self.resolver.header[_JSON_HEADER[prefix]] = (
                    str(value).lower() if isinstance(value, bool) else str(value)
                )
        if first:
            raise ValueError("empty document")

    def dispatch(self, prefix: str, value: dict[str, Any]) -> None:
        number = self.counts[prefix]
        self.counts[prefix] += 1
        path = self.path = prefix.replace(".item", "[]").replace("[]", f"[{number}]", -1)
        read, resolver = self.read, self.resolver
        if prefix == "GpUnit.item":
            externals = value.get("ExternalIdentifier", [])
            if isinstance(externals, dict):  # some producers wrap the list
                externals = externals.get("ExternalIdentifier", [])
            pairs = []
            for i, ext in enumerate(externals if isinstance(externals, list) else []):
                ext = read.obj(ext, f"{path}.ExternalIdentifier[{i}]")
                kind = read.text(ext, "Type", path)
                if kind == "other":
                    kind = read.text(ext, "OtherType", path)
                pairs.append((kind, read.text(ext, "Value", path)))
            resolver.unit(
                NistUnit(
                    id=read.text(value, "@id", path, required=True).strip(),
                    type=read.text(value, "Type", path),
                    name=self.intl(value, "Name", path),
                    composing=tuple(self.ids(value, "ComposingGpUnitIds", path)),
                    external=tuple(pairs),
                )
            )
        elif prefix == "Party.item":
            resolver.party(
                read.text(value, "@id", path).strip(),
                self.intl(value, "Abbreviation", path),
                self.intl(value, "Name", path),
            )
        elif prefix == "Election.item.Candidate.item":
            resolver.candidate(
                read.text(value, "@id", path).strip(),
                self.intl(value, "BallotName", path),
                read.text(value, "PartyId", path),
            )
        else:
            self.contest(value, path)

    def contest(self, value: dict[str, Any], path: str) -> None:
        read, resolver = self.read, self.resolver
        kind = read.text(value, "@type", path).rpartition(".")[2]
        index = resolver.contest(read.text(value, "@id", path).strip(), kind)
        for i, raw in enumerate(read.list(value, "ContestSelection", path)):
            sel_path = f"{path}.ContestSelection[{i}]"
            sel = read.obj(raw, sel_path)
            counts = []
            for j, raw_count in enumerate(read.list(sel, "VoteCounts", sel_path)):
                count_path = f"{sel_path}.VoteCounts[{j}]"
                vote_count = read.obj(raw_count, count_path)
                count_type = read.text(vote_count, "Type", count_path)
                if count_type == "other":
                    count_type = read.text(vote_count, "OtherType", count_path) or "other"
                votes = count_from_json(
                    vote_count.get("Count"),
                    source=resolver.source,
                    field=f"{count_path}.Count",
                    allow_integral_float=True,
                )
                counts.append(
                    (read.text(vote_count, "GpUnitId", count_path).strip(), count_type, votes)
                )
            write_in = sel.get("IsWriteIn")
            selection = NistSelection(
                id=read.text(sel, "@id", sel_path).strip(),
                kind=read.text(sel, "@type", sel_path).rpartition(".")[2],
                candidate_ids=tuple(self.ids(sel, "CandidateIds", sel_path)),
                party_ids=tuple(self.ids(sel, "PartyIds", sel_path)),
                text=self.intl(sel, "Selection", sel_path),
                write_in=write_in is True or write_in in (1, "1", "true"),
            )
            resolver.selection(index, selection, counts, f"{sel_path} ({selection.id})")
        resolver.describe(
            index,
            name=self.intl(value, "Name", path),
            district=read.text(value, "ElectionDistrictId", path).strip(),
            reported=read.count(value, "SubUnitsReported", path),
            total=read.count(value, "TotalSubUnits", path),
        )

    def intl(self, parent: dict[str, Any], key: str, path: str) -> str:
        """InternationalizedText (first language given) or a plain string."""
        value = parent.get(key)
        if value is None or isinstance(value, str):
            return value or ""
        texts = self.read.list(self.read.obj(value, f"{path}.{key}"), "Text", f"{path}.{key}")
        if not texts:
            return ""
        return self.read.text(self.read.obj(texts[0], f"{path}.{key}.Text[0]"), "Content", path)

    def ids(self, parent: dict[str, Any], key: str, path: str) -> list[str]:
        value = parent.get(key, [])
        if isinstance(value, str):
            return value.split()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.read.fail(f"{path}.{key}", "expected a list of ids")
        return [v.strip() for v in value]
