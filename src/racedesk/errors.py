"""The exception tree. Every error racedesk raises on purpose is a ``RacedeskError``.

::

    RacedeskError
    ├── ConfigError            settings, data path, store path
    │   └── DataNotFound       no data folder, or no data for a year
    ├── DataError              a results file that breaks its contract (file, line, field)
    ├── FeedError              anything wrong with an incoming feed or stream
    │   ├── FeedFormatError    malformed payload: names source, location, field
    │   ├── FeedUnavailable    a URL that hangs, errors or answers HTML
    │   └── StaleFeed          nothing new for too long
    ├── StoreError             the store refused or failed
    │   └── SchemaVersionError store written by a newer racedesk
    ├── ModelError
    │   └── NotEnoughReporting
    └── CallRuleError          a call or retraction that breaks the rules

Context travels in attributes (``source``, ``line``, ``field``) as well as in the message,
so callers can report errors without parsing text. The CLI turns a ``RacedeskError`` into one
line on stderr and exit code 1.
"""

from __future__ import annotations


class RacedeskError(Exception):
    """Base of every error racedesk raises on purpose."""


class ConfigError(RacedeskError):
    """A setting is missing or wrong."""


class DataNotFound(ConfigError):
    """The data folder, or the data for a year, could not be found."""

    def __init__(self, message: str, *, tried: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.tried = tried


class LocatedError(RacedeskError):
    """An error in an input that can be pointed at: source, line and field."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        where = source
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}" if where else message)
        self.source = source
        self.line = line
        self.field = field
        self.reason = message


class DataError(LocatedError):
    """A results or fact file that breaks its contract."""


class FeedError(LocatedError):
    """Anything wrong with an incoming feed or results stream."""


class FeedFormatError(FeedError):
    """A malformed payload."""


class FeedUnavailable(FeedError):
    """A source that cannot be read: hangs, errors, or answers something that is not a feed."""


class StaleFeed(FeedError):
    """A source that has had nothing new for too long."""


class StoreError(RacedeskError):
    """The store refused an operation or failed."""


class SchemaVersionError(StoreError):
    """The store file was written by a newer schema version; it is never rewritten."""


class ModelError(RacedeskError):
    """The outstanding-vote model could not produce an estimate."""


class NotEnoughReporting(ModelError):
    """Too few units have reported to estimate anything."""


class CallRuleError(RacedeskError):
    """A call, retraction or rule that breaks the calling rules."""
