"""Turning snapshots of cumulative counts into a ``Night``: shared by the real-night converters.

A snapshot event is one (unit, vote mode) at one instant with its cumulative dem, gop and other
votes. Repeats (a count identical to the unit's previous one in that mode) are dropped: in a
cumulative stream they carry nothing. Counts that go *down* are kept as they are: the store
flags them as corrections.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from racedesk.night.night import IntArray, Night, SmallArray, StrArray


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshots:
    """Parallel arrays, one entry per snapshot event."""

    units: StrArray
    contests: StrArray
    at: IntArray  # UTC seconds
    mode: SmallArray  # index into night.MODES
    votes: IntArray  # (events, 3) cumulative dem, gop, other
    expected: IntArray  # night.UNKNOWN where not known


def parse_utc_seconds(stamps: Sequence[str] | npt.NDArray[Any]) -> IntArray:
    """ISO timestamps (``2020-11-04T01:20:19.239`` or with ``Z``), all UTC, to epoch seconds.

    Parsed once per distinct text: a night has few distinct instants and many rows.
    """
    texts, index = np.unique(np.asarray(stamps, dtype=np.str_), return_inverse=True)
    bare = np.array([t.removesuffix("Z") for t in texts.tolist()], dtype="datetime64[ms]")
    seconds: IntArray = bare.astype("datetime64[s]").astype(np.int64)
    return seconds[index]


def _group_starts(*keys: npt.NDArray[np.generic]) -> npt.NDArray[np.bool_]:
    """True where any key differs from the previous row (rows already sorted by the keys)."""
    n = len(keys[0])
    starts = np.zeros(n, dtype=bool)
    if n:
        starts[0] = True
    for key in keys:
        starts[1:] |= key[1:] != key[:-1]
    return starts


def group_cumsum(key: IntArray, values: IntArray) -> IntArray:
    """Running sums of ``values`` rows (possibly negative) within each key, in row order."""
    order = np.argsort(key, kind="stable")
    ordered = values[order]
    running = np.cumsum(ordered, axis=0)
    starts = _group_starts(key[order])
    group = np.cumsum(starts) - 1
    before = (running - ordered)[starts]
    out = np.empty_like(running)
    out[order] = running - before[group]
    return out


def to_night(year: int, source: str, snapshots: Snapshots) -> Night:
    """Drop repeats, keep the last of several snapshots in one second, order by time."""
    unit_ids, unit = np.unique(snapshots.units, return_inverse=True)
    contest_of = np.empty(len(unit_ids), dtype=snapshots.contests.dtype)
    contest_of[unit] = snapshots.contests
    s = snapshots
    order = np.lexsort((np.arange(len(unit)), s.at, s.mode, unit))
    u, m, at, votes, expected = (
        unit[order],
        s.mode[order],
        s.at[order],
        s.votes[order],
        s.expected[order],
    )
    # The last snapshot of a (unit, mode) within one second wins.
    same_next = np.r_[(u[1:] == u[:-1]) & (m[1:] == m[:-1]) & (at[1:] == at[:-1]), False]
    keep = ~same_next
    u, m, at, votes, expected = u[keep], m[keep], at[keep], votes[keep], expected[keep]
    starts = _group_starts(u, m)
    changed = np.r_[True, np.any(votes[1:] != votes[:-1], axis=1)]
    keep = starts | changed
    u, m, at, votes, expected = u[keep], m[keep], at[keep], votes[keep], expected[keep]
    order = np.lexsort((m, u, at))
    u, m, at, votes, expected = u[order], m[order], at[order], votes[order], expected[order]
    n = len(u)
    return Night(
        year=year,
        source=source,
        unit_ids=unit_ids,
        unit_contests=contest_of,
        at=np.repeat(at, 3),
        unit=np.repeat(u.astype(np.int64), 3),
        candidate=np.tile(np.arange(3, dtype=np.int8), n),
        mode=np.repeat(m, 3),
        votes=votes.reshape(-1),
        expected=np.repeat(expected, 3),
    )


def roll_up(
    snapshots: Snapshots, parents: StrArray, parent_modes: SmallArray | None = None
) -> Snapshots:
    """Sum sub-units (precincts) into their parent units (counties) at every instant.

    Each sub-unit's count carries forward until its next snapshot: the parent's count at any
    instant is the sum of its sub-units' latest counts. ``parent_modes`` (default: the same
    modes) lets a parent report some sub-unit modes under another, e.g. all as ``total``.
    """
    s = snapshots
    order = np.lexsort((np.arange(len(s.at)), s.at, s.mode, s.units))
    units, at, votes = s.units[order], s.at[order], s.votes[order]
    parent, contests = parents[order], s.contests[order]
    target = (s.mode if parent_modes is None else parent_modes)[order]
    starts = _group_starts(units, s.mode[order])
    deltas = votes.copy()
    deltas[1:] -= np.where(starts[1:, None], 0, votes[:-1])
    # Group the increments by (parent, mode, instant); running sums per (parent, mode).
    parent_ids, parent_index = np.unique(parent, return_inverse=True)
    order = np.lexsort((at, target, parent_index))
    p, m, t, d = parent_index[order], target[order], at[order], deltas[order]
    last = np.r_[(p[1:] != p[:-1]) | (m[1:] != m[:-1]) | (t[1:] != t[:-1]), True]
    cumulative = group_cumsum(p * 8 + m, d)[last]
    contest_of = dict(zip(parent.tolist(), contests.tolist(), strict=True))
    ids = parent_ids[p[last]]
    return Snapshots(
        units=ids,
        contests=np.array([contest_of[str(i)] for i in ids]),
        at=t[last],
        mode=m[last],
        votes=cumulative,
        expected=np.full(len(ids), -1, dtype=np.int64),
    )
