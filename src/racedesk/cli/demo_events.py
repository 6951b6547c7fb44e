"""The JSON events of ``racedesk demo --json`` (one object per line; schema in docs/demo.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from racedesk.backtest.night import NightRun
from racedesk.calls.status import Kind, RaceStatus
from racedesk.college.outcome import PresidentElect
from racedesk.desk import Cycle
from racedesk.domain.calendar import calendar_for
from racedesk.domain.contests import Party
from racedesk.domain.nominees import nominee


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def _round(value: float, digits: int = 5) -> float:
    return round(float(value), digits)


def status_event(status: RaceStatus, cycle: Cycle, year: int) -> dict[str, Any]:
    """A ``call`` or ``retraction`` event."""
    estimate = cycle.estimates[status.race]
    event: dict[str, Any] = {
        "type": "call" if status.kind is Kind.CALLED else "retraction",
        "race": status.race,
        "winner": status.winner.value if status.winner else None,
        "winner_name": nominee(year, status.winner) if status.winner else None,
        "at": _iso(status.at),
        "share_counted": _round(estimate.share_counted, 4),
        "margin": _round(estimate.margin),
        "reasons": list(status.reasons),
    }
    if status.evidence is not None:
        event["interval"] = [
            _round(status.evidence.interval.lo),
            _round(status.evidence.interval.hi),
        ]
        event["confidence"] = status.evidence.confidence
    if status.rule is not None:
        event["rule"] = status.rule.value
    if status.called_at is not None:
        event["called_at"] = _iso(status.called_at)
    return event


def cycle_event(cycle: Cycle) -> dict[str, Any]:
    projection = cycle.projection
    return {
        "type": "cycle",
        "cycle": cycle.number,
        "at": _iso(cycle.at),
        "share_counted": _round(cycle.share_counted, 4),
        "called": {party.value: n for party, n in projection.called.items()},
        "win_probability": {p.value: _round(v, 4) for p, v in projection.win_probability.items()},
        "no_majority_probability": _round(projection.no_majority_probability, 4),
        "tipping_point": projection.tipping_point.race if projection.tipping_point else None,
        "seconds": _round(cycle.seconds, 4),
    }


def president_elect_event(elect: PresidentElect) -> dict[str, Any]:
    return {
        "type": "president_elect",
        "at": _iso(elect.at),
        "winner": elect.party.value,
        "candidate": elect.candidate,
        "race": elect.race,
        "electors": elect.electors,
        "majority": elect.majority,
    }


def summary_event(
    run: NightRun, *, final_winners: dict[str, Party], seconds: float, source: str
) -> dict[str, Any]:
    """The last line: the night's outcome, every call with the winner of the complete count."""
    year = run.year
    called = {party: 0 for party in Party}
    electors = run.last_cycle.projection if run.last_cycle else None
    if electors is not None:
        called.update(electors.called)
    elect = run.president_elect
    calendar = calendar_for(year)
    return {
        "type": "summary",
        "year": year,
        "source": source,
        "electoral_votes": {party.value: n for party, n in called.items()},
        "president_elect": elect.candidate if elect else None,
        "president_elect_party": elect.party.value if elect else None,
        "declared_at": _iso(elect.at) if elect else None,
        "deciding_race": elect.race if elect else None,
        "calls": [
            {
                "race": call.race,
                "winner": call.winner.value,
                "called_at": _iso(call.called_at),
                "share_counted": _round(call.share_counted, 4),
                "margin_at_call": _round(call.margin_at_call),
                "interval_at_call": [_round(v) for v in call.interval_at_call],
                "final_winner": call.final_winner.value if call.final_winner else None,
                "retracted_at": _iso(call.retracted_at),
            }
            for call in run.calls
        ],
        "retractions": [
            {
                "race": status.race,
                "winner": status.winner.value if status.winner else None,
                "called_at": _iso(status.called_at),
                "retracted_at": _iso(status.at),
                "reasons": list(status.reasons),
            }
            for status in run.retractions
        ],
        "uncalled": [
            {"race": race, "status": status.kind.value, "reason": status.reasons[0]}
            for race, status in sorted(run.final_statuses.items())
            if status.kind is not Kind.CALLED
        ],
        "wrong_calls": sum(call.wrong for call in run.calls),
        "calendar": [
            {"key": m.key, "name": m.name, "date": m.date.isoformat()} for m in calendar.milestones
        ],
        "cycles": run.cycles,
        "seconds": _round(seconds, 2),
        "final_winners": {race: party.value for race, party in sorted(final_winners.items())},
    }
