"""decide(): each status, the numbers a call rests on, retractions, districts, bad inputs."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from callkit import CLOSE, LATER, make_estimate

from racedesk.calls import Kind, Rule, decide, rules_for
from racedesk.calls.engine import calling_interval
from racedesk.domain.contests import Party
from racedesk.errors import CallRuleError
from racedesk.model.estimate import Interval

RULES = rules_for(2024)


def test_no_call_before_the_last_polls_close_however_lopsided() -> None:
    est = make_estimate(dem=900_000, gop=100_000, expected_total=1_000_000, sd=0.001)
    status = decide(est, now=CLOSE - timedelta(seconds=1), poll_close=CLOSE, rules=RULES)
    assert status.kind is Kind.NOT_YET
    assert status.winner is None
    assert "polls open until 2024-11-06 01:00Z" in status.reasons[0]
    at_close = decide(est, now=CLOSE, poll_close=CLOSE, rules=RULES)
    assert at_close.kind is Kind.CALLED


def test_a_count_call_records_every_number_it_rested_on() -> None:
    # PA at 96% counted: GOP +2.0 in the count and the estimate, tight interval.
    est = make_estimate(
        dem=3_300_000, gop=3_432_000, other=68_000, expected_total=7_083_333, sd=0.002
    )
    status = decide(est, now=LATER, poll_close=CLOSE, rules=RULES)
    assert status.kind is Kind.CALLED
    assert status.winner is Party.GOP
    assert status.rule is Rule.COUNT
    assert status.at == LATER
    ev = status.evidence
    assert ev is not None
    assert ev.confidence == 0.995
    assert ev.recount_band == pytest.approx(0.005)
    assert ev.share_counted == pytest.approx(6_800_000 / 7_083_333)
    assert ev.counted_margin == pytest.approx(-132_000 / 6_800_000)
    assert ev.interval.hi < -0.005  # the interval excludes the band on GOP's side
    # Hurdle: DEM must win x of the remaining R votes with x − (R − x) = 132,000.
    remaining = 7_083_333 - 6_800_000
    assert ev.remaining_high == pytest.approx(remaining)
    assert ev.hurdle == pytest.approx(0.5 + 132_000 / (2 * remaining))
    assert status.reasons[0].startswith("margin -1.9 pts; 99.5% interval [")
    assert (
        "excludes recount band ±0.5 (PA: <= 0.5% of votes cast for the office)"
        in (status.reasons[0])
    )
    assert "96% of the expected vote counted" in status.reasons[1]
    assert status.reasons[2].startswith("hurdle 73%: dem needs that share of the remaining vote")
    assert "PA called (gop) at 2024-11-06 04:00Z" in status.describe()


def test_hurdle_uses_the_upper_end_of_the_expected_total() -> None:
    est = make_estimate(dem=600, gop=400, expected_total=1_100, total_sd=50, sd=0.01, margin=0.18)
    ev = decide(est, now=LATER, poll_close=CLOSE, rules=RULES).evidence
    assert ev is not None
    high = est.total_intervals[0.995].hi
    assert ev.remaining_high == pytest.approx(high - 1000)
    assert ev.hurdle == pytest.approx(0.5 + 200 / (2 * (high - 1000)))


def test_inside_the_recount_band_is_too_close_even_with_a_narrow_interval() -> None:
    est = make_estimate(dem=2_451_000, gop=2_441_000, expected_total=4_900_000, sd=0.0001)
    assert abs(est.margin) < 0.005
    status = decide(est, now=LATER, poll_close=CLOSE, rules=RULES)
    assert status.kind is Kind.TOO_CLOSE
    assert "overlaps recount band ±0.5" in status.reasons[0]


def test_interval_crossing_the_band_is_too_early_then_too_close() -> None:
    early = make_estimate(dem=300_000, gop=280_000, expected_total=2_000_000, sd=0.02)
    assert decide(early, now=LATER, poll_close=CLOSE, rules=RULES).kind is Kind.TOO_EARLY
    late = make_estimate(dem=1_000_000, gop=980_000, expected_total=2_050_000, sd=0.01)
    status = decide(late, now=LATER, poll_close=CLOSE, rules=RULES)
    assert status.kind is Kind.TOO_CLOSE
    assert status.evidence is not None and not status.evidence.clears_band


def test_not_enough_counted_holds_a_clear_interval() -> None:
    est = make_estimate(dem=150_000, gop=50_000, expected_total=1_000_000, sd=0.01)
    status = decide(est, now=LATER, poll_close=CLOSE, rules=RULES)
    assert status.kind is Kind.TOO_EARLY
    assert "20% of the expected vote counted (minimum 25%)" in status.reasons[1]


def test_low_hurdle_holds_a_clear_interval() -> None:
    # 40% in, leading by 4 pts: the trailer needs only ~51% of what remains.
    est = make_estimate(dem=208_000, gop=192_000, expected_total=1_000_000, sd=0.005)
    status = decide(est, now=LATER, poll_close=CLOSE, rules=RULES)
    assert status.kind is Kind.TOO_EARLY
    assert "(limit 60%)" in status.reasons[2]


def test_safe_state_called_at_poll_close_with_no_returns() -> None:
    est = make_estimate("WY", dem=0, gop=0, expected_total=270_000, margin=-0.43, sd=0.04)
    status = decide(est, now=CLOSE, poll_close=CLOSE, rules=RULES, prior_margin=-0.434)
    assert status.kind is Kind.CALLED
    assert status.winner is Party.GOP
    assert status.rule is Rule.SAFE_STATE
    assert status.reasons[0] == "safe state: prior margin -43.4 pts (at least 15)"
    assert status.reasons[2] == "no returns yet"
    assert status.evidence is not None and status.evidence.prior_margin == -0.434


def test_safe_state_waits_when_first_returns_disagree() -> None:
    est = make_estimate("VT", dem=1_000, gop=1_500, expected_total=370_000, margin=0.3, sd=0.04)
    status = decide(est, now=CLOSE, poll_close=CLOSE, rules=RULES, prior_margin=0.35)
    assert status.kind is Kind.TOO_EARLY
    assert any("leads the estimate but not the count" in r for r in status.reasons)


@pytest.mark.parametrize(
    ("prior", "margin", "sd"),
    [
        (0.10, 0.30, 0.04),  # prior not lopsided enough
        (0.30, 0.05, 0.01),  # the model does not agree it is lopsided
        (0.30, 0.15, 0.05),  # the model's interval reaches too near zero
        (-0.30, 0.30, 0.04),  # the baseline and the model disagree
        (None, 0.30, 0.04),  # no baseline given
    ],
)
def test_safe_state_rule_needs_baseline_and_model_far_from_zero(
    prior: float | None, margin: float, sd: float
) -> None:
    est = make_estimate("CA", dem=0, gop=0, expected_total=16e6, margin=margin, sd=sd)
    status = decide(est, now=CLOSE, poll_close=CLOSE, rules=RULES, prior_margin=prior)
    assert status.kind is Kind.TOO_EARLY


def test_a_call_stands_while_the_evidence_holds_and_is_retracted_when_it_turns() -> None:
    first = make_estimate(dem=520_000, gop=460_000, expected_total=1_050_000, sd=0.004)
    call = decide(first, now=LATER, poll_close=CLOSE, rules=RULES)
    assert call.kind is Kind.CALLED and call.winner is Party.DEM
    weaker = make_estimate(dem=540_000, gop=500_000, expected_total=1_060_000, sd=0.008)
    kept = decide(weaker, now=LATER + timedelta(minutes=5), poll_close=CLOSE, rules=RULES,
                  previous=call)  # fmt: skip
    assert kept is call  # unchanged: same time, same evidence
    turned = make_estimate(dem=545_000, gop=540_000, expected_total=1_100_000, sd=0.006)
    later = LATER + timedelta(minutes=10)
    retraction = decide(turned, now=later, poll_close=CLOSE, rules=RULES, previous=kept)
    assert retraction.kind is Kind.RETRACTED
    assert retraction.winner is Party.DEM
    assert retraction.called_at == call.at
    assert retraction.at == later
    assert retraction.evidence is not None and retraction.evidence.confidence == 0.9
    assert retraction.reasons[0].startswith("call for dem withdrawn: margin +0.5 pts; 90% interval")
    assert "reaches the recount band ±0.5" in retraction.reasons[0]
    # The race can be called again, for either side, once the evidence is clear.
    flipped = make_estimate(dem=520_000, gop=580_000, expected_total=1_110_000, sd=0.003)
    recall = decide(flipped, now=later + timedelta(hours=1), poll_close=CLOSE, rules=RULES,
                    previous=retraction)  # fmt: skip
    assert recall.kind is Kind.CALLED and recall.winner is Party.GOP


def test_retraction_names_the_other_side() -> None:
    call = decide(
        make_estimate(dem=600, gop=400, expected_total=1000, sd=0.01),
        now=LATER,
        poll_close=CLOSE,
        rules=RULES,
    )
    reversed_ = make_estimate(dem=400, gop=600, expected_total=1000, sd=0.01)
    status = decide(reversed_, now=LATER, poll_close=CLOSE, rules=RULES, previous=call)
    assert status.kind is Kind.RETRACTED
    assert "reaches the other side" in status.reasons[0]


def test_districts_are_races_of_their_own_under_their_state_rule() -> None:
    est = make_estimate("NE-02", dem=170_000, gop=155_000, expected_total=330_000, sd=0.004)
    status = decide(est, now=LATER, poll_close=CLOSE, rules=RULES)
    assert status.race == "NE-02"
    assert status.kind is Kind.CALLED and status.winner is Party.DEM
    assert status.evidence is not None
    assert status.evidence.recount_band == RULES.unknown_band  # Nebraska: no recount trigger
    assert status.evidence.recount_rule.startswith("NE: ")
    co = RULES.band("CO", 3e6)
    assert co == pytest.approx(0.005 / 1.995)


def test_a_complete_count_is_called_for_its_leader_outside_the_band() -> None:
    est = make_estimate(dem=1_010_000, gop=990_000, sd=0.0)
    status = decide(est, now=LATER, poll_close=CLOSE, rules=RULES)
    assert status.kind is Kind.CALLED
    assert status.evidence is not None and status.evidence.hurdle is None
    assert "no vote remains to be counted" in status.reasons


@pytest.mark.parametrize(
    "broken",
    [
        {"margin": math.nan},
        {"margin_sd": math.inf},
        {"margin_sd": -0.01},
        {"expected_total": math.nan},
        {"margin": 1.5},
        {"counted_other": -5},
        {"margin_intervals": {0.995: Interval(lo=0.2, hi=0.3), 0.9: Interval(lo=0.2, hi=0.3)}},
    ],
)
def test_an_unusable_estimate_is_no_evidence_either_way(broken: dict[str, object]) -> None:
    good = make_estimate(dem=700_000, gop=300_000, expected_total=1_010_000, sd=0.002)
    call = decide(good, now=LATER, poll_close=CLOSE, rules=RULES)
    assert call.kind is Kind.CALLED
    bad = replace(good, **broken)  # type: ignore[arg-type]
    status = decide(bad, now=LATER, poll_close=CLOSE, rules=RULES)
    assert status.kind is Kind.TOO_EARLY
    assert status.reasons[0].startswith("estimate unusable: ")
    assert decide(bad, now=LATER, poll_close=CLOSE, rules=RULES, previous=call) is call


def test_the_calling_interval_is_the_wider_of_the_model_and_its_sd() -> None:
    est = make_estimate(dem=600, gop=400, expected_total=1000, sd=0.01)
    narrow_sd = replace(est, margin_sd=0.0)
    assert calling_interval(narrow_sd, 0.995) == est.margin_intervals[0.995]
    no_intervals = replace(est, margin_intervals={})
    interval = calling_interval(no_intervals, 0.995)
    assert interval.lo == pytest.approx(0.2 - 2.807 * 0.01, abs=1e-4)
    clipped = calling_interval(replace(est, margin=0.99, margin_intervals={}, margin_sd=0.1), 0.9)
    assert clipped.hi == 1.0


def test_times_must_be_aware_and_move_forward() -> None:
    est = make_estimate(dem=600, gop=400, expected_total=1000, sd=0.01)
    with pytest.raises(CallRuleError, match="timezone-aware"):
        decide(est, now=datetime(2024, 11, 6, 4), poll_close=CLOSE, rules=RULES)
    call = decide(est, now=LATER, poll_close=CLOSE, rules=RULES)
    with pytest.raises(CallRuleError, match="later than now"):
        decide(est, now=LATER - timedelta(minutes=1), poll_close=CLOSE, rules=RULES,
               previous=call)  # fmt: skip
    with pytest.raises(CallRuleError, match="precedes the last poll close"):
        decide(est, now=LATER, poll_close=LATER + timedelta(hours=1), rules=RULES, previous=call)
    with pytest.raises(CallRuleError, match="previous status is for PA, not OH"):
        decide(replace(est, race="OH"), now=LATER, poll_close=CLOSE, rules=RULES, previous=call)
