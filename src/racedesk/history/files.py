"""Reading the results CSV files strictly: every refusal names file, line and field."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from racedesk.errors import DataError


@dataclass(frozen=True, slots=True)
class Row:
    """One data row with its 1-based line number in the file (the header is line 1)."""

    source: str
    line: int
    values: dict[str, str]

    def text(self, field: str) -> str:
        return self.values[field].strip()

    def count(self, field: str, *, blank: int | None = None) -> int:
        """A vote count: a non-negative whole number (``"93003.0"`` and ``"1,234"`` accepted)."""
        raw = self.values[field].strip().replace(",", "")
        if raw == "" and blank is not None:
            return blank
        try:
            value = float(raw)
        except ValueError:
            raise DataError(
                f"not a number: {raw!r}", source=self.source, line=self.line, field=field
            ) from None
        if value != int(value) or value < 0:
            raise DataError(
                f"not a whole, non-negative vote count: {raw!r}",
                source=self.source,
                line=self.line,
                field=field,
            )
        return int(value)

    def fail(self, message: str, field: str | None = None) -> DataError:
        return DataError(message, source=self.source, line=self.line, field=field)


def read_rows(path: Path, required: Sequence[str]) -> Iterator[Row]:
    """Yield the rows of a CSV file after checking its header has every required column."""
    source = path.name
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [name for name in required if name not in header]
        if missing:
            raise DataError(
                f"missing column(s) {', '.join(missing)}; the header has {', '.join(header)}",
                source=source,
                line=1,
                field=missing[0],
            )
        for number, values in enumerate(reader, start=2):
            if None in values or any(values.get(name) is None for name in required):
                raise DataError("wrong number of fields", source=source, line=number)
            yield Row(source, number, values)
