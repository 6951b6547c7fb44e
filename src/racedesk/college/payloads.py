"""JSON documents of the callers' consensus, the certification tracker, the electors' vote, the
joint session and the timeline: plain dicts (dates and times as ISO strings) shared by the CLI's
``--json`` and the HTTP API. Field names are documented in docs/callers.md and
docs/road-to-january-20.md.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from racedesk.college.certification import Tracker
from racedesk.college.consensus import Consensus, RaceView
from racedesk.college.electors_vote import ElectorsVote
from racedesk.college.external_calls import CallEntry, Standing
from racedesk.college.joint_session import JointSession
from racedesk.college.timeline import Timeline
from racedesk.domain.nominees import nominee


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _minutes(delta: timedelta | None) -> float | None:
    return round(delta.total_seconds() / 60, 1) if delta is not None else None


def entry_payload(entry: CallEntry) -> dict[str, Any]:
    return {
        "kind": "retraction" if entry.retraction else "call",
        "winner": entry.winner.value,
        "at": _iso(entry.at),
        "precision": entry.precision.value,
        "source": entry.source,
        "note": entry.note,
        "origin": entry.origin,
        "flags": list(entry.flags),
    }


def standing_payload(year: int, standing: Standing) -> dict[str, Any]:
    return {
        "caller": standing.caller,
        "winner": standing.winner.value if standing.winner else None,
        "candidate": nominee(year, standing.winner) if standing.winner else None,
        "at": _iso(standing.at),
        "precision": standing.precision.value,
        "source": standing.source,
        "retracted": standing.retracted,
        "flags": list(standing.flags),
        "history": [entry_payload(e) for e in standing.history],
    }


def race_view_payload(year: int, view: RaceView) -> dict[str, Any]:
    return {
        "race": view.race,
        "electors": view.electors,
        "agreement": view.agreement.value,
        "winner": view.winner.value if view.winner else None,
        "callers_expected": list(view.expected),
        "callers_missing": list(view.missing),
        "first_caller": view.first.caller if view.first else None,
        "first_at": _iso(view.first.at) if view.first else None,
        "consensus_at": _iso(view.consensus_at),
        "calls": [standing_payload(year, s) for s in view.callers],
        "racedesk": standing_payload(year, view.racedesk) if view.racedesk else None,
        "racedesk_agrees": view.racedesk_agrees,
        "racedesk_lead_vs_first_minutes": _minutes(view.lead_vs_first),
        "racedesk_lead_vs_consensus_minutes": _minutes(view.lead_vs_consensus),
        "approximate": view.approximate,
        "summary": view.summary,
    }


def consensus_payload(view: Consensus) -> dict[str, Any]:
    return {
        "year": view.year,
        "as_of": _iso(view.as_of),
        "race_callers": list(view.race_callers),
        "president_callers": list(view.president_callers),
        "president": race_view_payload(view.year, view.president),
        "races": [race_view_payload(view.year, r) for r in view.races],
        "splits": list(view.splits),
        "warnings": list(view.warnings),
        "racedesk_replay": view.racedesk_replay,
        "hint": view.hint,
    }


def tracker_payload(view: Tracker) -> dict[str, Any]:
    return {
        "year": view.year,
        "today": view.today.isoformat(),
        "at_risk": list(view.at_risk),
        "deadlines": [
            {
                "key": d.key,
                "name": d.name,
                "date": d.on.isoformat(),
                "law": d.law,
                "days_remaining": d.days_remaining,
                "states_missing_certificate": list(d.missing),
            }
            for d in view.deadlines
        ],
        "states": [
            {
                "state": s.state,
                "status": s.status,
                "canvass_complete": _iso(s.canvass_complete),
                "certified": _iso(s.certified),
                "ascertainment_issued": _iso(s.ascertainment),
                "recount_open": s.recount_open,
                "litigation_open": s.litigation_open,
                "at_risk": s.at_risk,
                "risks": list(s.risks),
                "events": [
                    {
                        "step": e.step.value,
                        "date": e.on.isoformat(),
                        "source": e.source,
                        "note": e.note,
                        "entered_by": e.entered_by,
                        "flags": list(e.flags),
                    }
                    for e in s.events
                ],
            }
            for s in view.states
        ],
        "warnings": list(view.warnings),
    }


def electors_vote_payload(vote: ElectorsVote) -> dict[str, Any]:
    return {
        "year": vote.year,
        "electoral_votes": {p.value: n for p, n in vote.electors.items()},
        "others": vote.others,
        "abstained": vote.abstained,
        "appointed": vote.appointed,
        "majority": vote.majority,
        "outcome": vote.outcome.value,
        "winner": vote.winner.value if vote.winner else None,
        "winner_name": nominee(vote.year, vote.winner) if vote.winner else None,
        "faithless_electors": [
            {"state": f.state, "pledged": f.pledged.value, "voted_for": f.voted_for}
            for f in vote.faithless
        ],
        "unrecorded_states": list(vote.unrecorded),
        "states": [
            {
                "state": s.state,
                "electors": s.electors,
                "votes": s.votes,
                "abstained": s.abstained,
                "date": s.on.isoformat(),
                "source": s.source,
                "corrects": s.corrects,
                "flags": list(s.flags),
            }
            for s in vote.by_state.values()
        ],
    }


def joint_session_payload(session: JointSession) -> dict[str, Any]:
    contingent = session.contingent
    return {
        "year": session.year,
        "date": session.held_on,
        "counted": {p.value: n for p, n in session.counted.items()},
        "others": session.others,
        "rejected": dict(session.rejected),
        "appointed": session.appointed,
        "majority": session.majority,
        "outcome": session.outcome.value,
        "winner": session.winner.value if session.winner else None,
        "winner_name": nominee(session.year, session.winner) if session.winner else None,
        "message": session.message,
        "objections": [
            {
                "state": r.objection.state,
                "grounds": r.objection.grounds.value,
                "senators_signed": r.objection.senators_signed,
                "representatives_signed": r.objection.representatives_signed,
                "in_order": r.in_order,
                "pending": r.pending,
                "sustained": r.sustained,
                "rejected_votes": r.rejected_votes,
                "reason": r.reason,
            }
            for r in session.rulings
        ],
        "contingent": None
        if contingent is None
        else {
            "house": None
            if contingent.house is None
            else {
                "votes": {p.value: n for p, n in contingent.house.votes.items()},
                "divided": list(contingent.house.divided),
                "needed": contingent.house.needed,
                "quorum_met": contingent.house.quorum_met,
                "winner": contingent.house.winner.value if contingent.house.winner else None,
            },
            "senate": None
            if contingent.senate is None
            else {
                "votes": {p.value: n for p, n in contingent.senate.votes.items()},
                "needed": contingent.senate.needed,
                "quorum_met": contingent.senate.quorum_met,
                "winner": contingent.senate.winner.value if contingent.senate.winner else None,
            },
            "president": contingent.president.value if contingent.president else None,
            "vice_president": contingent.vice_president.value
            if contingent.vice_president
            else None,
            "message": contingent.message,
        },
    }


def timeline_payload(view: Timeline) -> dict[str, Any]:
    following = view.next
    return {
        "year": view.year,
        "today": view.today.isoformat(),
        "regime": view.regime,
        "next": following.key if following else None,
        "entries": [
            {
                "key": e.key,
                "name": e.name,
                "date": e.on.isoformat(),
                "kind": e.kind.value,
                "status": e.status,
                "days_remaining": e.days if e.days >= 0 else None,
                "detail": e.detail,
            }
            for e in view.entries
        ],
    }
