"""Column names of every frame the store returns, in one place.

A frame has one row per stored update: ``latest`` the update in effect per series, ``history``
and ``corrections`` every matching update. Dtypes: names ``object`` (str); ``at`` and
``ingested_at`` ``datetime64[us, UTC]``; ``votes`` ``int64``; ``expected_votes`` and
``previous`` nullable ``Int64``; ``correction`` ``bool``.
"""

from __future__ import annotations

CONTEST = "contest"
UNIT = "unit"
CANDIDATE = "candidate"
MODE = "mode"
AT = "at"  # the feed's timestamp for the count
VOTES = "votes"  # cumulative
EXPECTED_VOTES = "expected_votes"  # the unit's expected final total, if the feed gave one
PREVIOUS = "previous"  # the count in effect for the series just before this update
CORRECTION = "correction"  # votes < previous: the feed took votes back
SOURCE = "source"
INGESTED_AT = "ingested_at"  # arrival time

FRAME_COLUMNS: tuple[str, ...] = (
    CONTEST,
    UNIT,
    CANDIDATE,
    MODE,
    AT,
    VOTES,
    EXPECTED_VOTES,
    PREVIOUS,
    CORRECTION,
    SOURCE,
    INGESTED_AT,
)
KEY_COLUMNS: tuple[str, ...] = (CONTEST, UNIT, CANDIDATE, MODE)
