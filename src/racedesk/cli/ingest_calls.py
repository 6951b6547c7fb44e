"""Recording a feed's race calls (AP winner flags) in the ledger while ingesting.

Each payload's ``RaceFlag``s go through ``college.external_calls`` so the consensus view reads
them like any other caller's: a flag AP already stands by is a no-op (the feed repeats its flags
every poll); a flag for another winner first records a retraction of the standing call; a
presidential race whose own unit (state, or ME/NE district) comes without a flag withdraws AP's
standing call (AP removes the flag to retract). Flags on test races, on contests outside the
presidency, or on a winner without a party are not recorded; they are counted as ignored. A call
the rules refuse is reported on stderr and never stops the ingest: the counts are already stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from racedesk.college.external_calls import (
    Standing,
    ledger_entries,
    record_external_call,
    retract_external_call,
    standings,
)
from racedesk.errors import CallRuleError
from racedesk.feeds.base import FeedPayload
from racedesk.feeds.load import RaceFlag, race_flags
from racedesk.history.calls import call_race
from racedesk.store.ledger import Ledger


@dataclass(kw_only=True)
class CallTally:
    """Running counts of what the feeds said about calls."""

    seen: int = 0  # winner flags in the payloads (repeats included)
    recorded: int = 0  # new external_call events
    retracted: int = 0  # new external_retraction events
    ignored: int = 0  # flags not recorded (test race, not presidential, no party, refused)
    problems: list[str] = field(default_factory=list)


class CallRecorder:
    """Writes a payload's flags to the ledger beside the store (opened on first need)."""

    def __init__(self, store_path: str | Path, *, echo: Callable[[str], None]) -> None:
        self.store_path = store_path
        self.echo = echo
        self.tally = CallTally()
        self._ledger: Ledger | None = None

    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = Ledger(self.store_path)
        return self._ledger

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()

    def record(self, payload: FeedPayload, *, source: str) -> None:
        """Record every flag of one payload (after its counts are stored)."""
        flags = race_flags(payload)
        self.tally.seen += sum(flag.winner is not None for flag in flags)
        standing: dict[int, dict[tuple[str, str], Standing]] = {}
        for flag in flags:
            if flag.winner is not None and (flag.test or flag.race is None or flag.party is None):
                self.tally.ignored += 1
                continue
            if flag.test or flag.race is None:
                continue
            try:
                if flag.year not in standing:
                    standing[flag.year] = standings(ledger_entries(self.ledger(), flag.year))
                race = call_race(flag.year, flag.race)
                if self._apply(flag, race, standing[flag.year].get((flag.caller, race)), source):
                    del standing[flag.year]  # the ledger changed: read it again
            except CallRuleError as error:
                self.tally.ignored += flag.winner is not None
                problem = (
                    f"{flag.caller} call of {flag.race} ({flag.contest}) not recorded: {error}"
                )
                self.tally.problems.append(problem)
                self.echo(f"racedesk: {problem}")

    def _apply(self, flag: RaceFlag, race: str, now: Standing | None, source: str) -> bool:
        """Bring the ledger in line with one flag; True when an event was appended."""
        ledger = self.ledger()
        standing_winner = now.winner if now is not None else None
        changed = False
        if standing_winner is not None and standing_winner is not flag.party:
            if now is not None and now.at is not None and flag.at <= now.at:
                return False  # an older payload: the standing call is newer than this flag
            reason = "winner flag removed" if flag.party is None else "winner flag changed"
            retract_external_call(
                ledger, flag.caller, race, flag.at, source, year=flag.year, reason=reason
            )
            self.tally.retracted += 1
            self.echo(f"racedesk: {flag.caller} withdrew its call of {race} ({reason})")
            changed = True
        if flag.party is None:
            return changed
        done = record_external_call(
            ledger, flag.caller, race, flag.party, flag.at, source, year=flag.year
        )
        for warning in done.warnings:
            self.echo(f"racedesk: {warning}")
        if done.new:
            self.tally.recorded += 1
            self.echo(f"racedesk: {flag.caller} called {race} for {flag.party.value}")
        return changed or done.new
