"""Safety and monotonicity of decide(), as hypothesis properties, plus an adversarial battery."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from callkit import CLOSE, LATER, make_estimate
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from racedesk.calls import Kind, RaceStatus, Rule, decide, rules_for
from racedesk.calls.engine import calling_interval, unusable
from racedesk.domain.contests import Party
from racedesk.model.estimate import Interval, RaceEstimate

RULES = rules_for(2024)
RACES = ("PA", "CO", "NC", "HI", "NE-02", "WA", "TX", "MI", "DC")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def estimates(draw: st.DrawFn) -> RaceEstimate:
    """Any plausible-to-wild estimate: counts, expected total, point, spread and skew."""
    dem = draw(st.integers(0, 4_000_000))
    gop = draw(st.integers(0, 4_000_000))
    other = draw(st.integers(0, 300_000))
    counted = dem + gop + other
    expected = counted + draw(st.floats(0, 6_000_000))
    if expected == 0:
        expected = 1.0
    return make_estimate(
        draw(st.sampled_from(RACES)),
        dem=dem,
        gop=gop,
        other=other,
        expected_total=expected,
        margin=draw(st.floats(-0.6, 0.6)),
        sd=draw(st.floats(0.0, 0.08)),
        total_sd=draw(st.floats(0, 200_000)),
        skew=draw(st.floats(0.3, 3.0)),
    )


@st.composite
def likely_calls(draw: st.DrawFn, noise: float = 0.03, spread: float = 0.015) -> RaceEstimate:
    """Estimates near the calling line: much counted, the model close to the count."""
    expected = draw(st.floats(10_000, 8_000_000))
    share = draw(st.floats(0.2, 1.0) | st.floats(0.8, 1.0))
    counted_margin = draw(st.floats(-0.5, 0.5))
    other = draw(st.floats(0.0, 0.05))
    counted = int(expected * share)
    dem = int(counted * (1 - other + counted_margin) / 2)
    gop = int(counted * (1 - other - counted_margin) / 2)
    return make_estimate(
        draw(st.sampled_from(RACES)),
        dem=max(dem, 0),
        gop=max(gop, 0),
        other=max(counted - dem - gop, 0),
        expected_total=expected,
        margin=max(-1.0, min(1.0, counted_margin + draw(st.floats(-noise, noise)))),
        sd=draw(st.floats(0.0, spread)),
        total_sd=draw(st.floats(0, 0.02)) * expected,
        skew=draw(st.floats(0.5, 2.0)),
    )


any_estimate = estimates() | likely_calls()
near_calls = likely_calls(noise=0.01, spread=0.005)  # most of these are called
CALL_SETTINGS = settings(
    SETTINGS, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
priors = st.none() | st.floats(-0.6, 0.6)


def _check_call(status: RaceStatus, est: RaceEstimate) -> None:
    """What any call must satisfy, whatever rule made it."""
    ev = status.evidence
    assert ev is not None and status.winner is not None
    sign = 1 if status.winner is Party.DEM else -1
    near = ev.interval.lo if sign > 0 else -ev.interval.hi
    assert near > ev.recount_band >= RULES.band_floor
    assert sign * est.margin > ev.recount_band
    model = est.margin_intervals[0.995]
    assert ev.interval.lo <= max(-1.0, model.lo) and ev.interval.hi >= min(1.0, model.hi)
    if status.rule is Rule.COUNT:
        assert ev.share_counted >= RULES.minimum_share_counted
        assert sign * (est.counted_dem - est.counted_gop) > 0
        assert ev.hurdle is None or ev.hurdle >= RULES.hurdle_limit
    else:
        assert ev.prior_margin is not None and sign * ev.prior_margin >= RULES.safe_prior_margin
        assert est.counted_total == 0 or sign * est.counted_margin > 0


@SETTINGS
@given(est=any_estimate, prior=priors, minutes=st.integers(1, 24 * 60))
def test_no_call_before_poll_close_whatever_the_numbers(
    est: RaceEstimate, prior: float | None, minutes: int
) -> None:
    now = CLOSE - timedelta(minutes=minutes)
    status = decide(est, now=now, poll_close=CLOSE, rules=RULES, prior_margin=prior)
    assert status.kind is Kind.NOT_YET


@SETTINGS
@given(est=any_estimate, prior=priors)
def test_every_call_clears_the_band_and_the_rule_that_made_it(
    est: RaceEstimate, prior: float | None
) -> None:
    status = decide(est, now=LATER, poll_close=CLOSE, rules=RULES, prior_margin=prior)
    if status.kind is Kind.CALLED:
        _check_call(status, est)


@SETTINGS
@given(est=any_estimate, prior=priors)
def test_no_call_when_the_interval_crosses_zero(est: RaceEstimate, prior: float | None) -> None:
    assume(calling_interval(est, 0.995).contains(0.0))
    status = decide(est, now=LATER, poll_close=CLOSE, rules=RULES, prior_margin=prior)
    assert status.kind is not Kind.CALLED


@SETTINGS
@given(
    est=any_estimate,
    prior=priors,
    inside=st.floats(-1.0, 1.0),
    sd=st.floats(0.0, 0.0005),
)
def test_no_call_inside_the_recount_band_even_with_a_narrow_interval(
    est: RaceEstimate, prior: float | None, inside: float, sd: float
) -> None:
    band = RULES.band(est.race, est.expected_total)
    narrow = make_estimate(
        est.race,
        dem=est.counted_dem,
        gop=est.counted_gop,
        other=est.counted_other,
        expected_total=est.expected_total,
        margin=inside * band,
        sd=sd,
    )
    status = decide(narrow, now=LATER, poll_close=CLOSE, rules=RULES, prior_margin=prior)
    assert status.kind is not Kind.CALLED


def _more_for(est: RaceEstimate, party: Party, votes: int, shift: float) -> RaceEstimate:
    """``est`` with ``votes`` more counted (and expected) for ``party``, margin moved its way."""
    sign = 1 if party is Party.DEM else -1
    move = sign * shift
    margin = max(-1.0, min(1.0, est.margin + move))

    def moved(i: Interval) -> Interval:
        return Interval(
            lo=max(-1.0, min(margin, i.lo + move)), hi=min(1.0, max(margin, i.hi + move))
        )

    return replace(
        est,
        counted_dem=est.counted_dem + (votes if sign > 0 else 0),
        counted_gop=est.counted_gop + (votes if sign < 0 else 0),
        expected_total=est.expected_total + votes,
        margin=margin,
        margin_intervals={k: moved(i) for k, i in est.margin_intervals.items()},
        total_intervals={
            k: Interval(lo=i.lo + votes, hi=i.hi + votes) for k, i in est.total_intervals.items()
        },
    )


@CALL_SETTINGS
@given(
    est=near_calls,
    prior=priors,
    votes=st.integers(0, 2_000_000),
    shift=st.floats(0.0, 0.2),
)
def test_more_votes_for_the_leader_never_turn_a_call_into_a_hold(
    est: RaceEstimate, prior: float | None, votes: int, shift: float
) -> None:
    call = decide(est, now=LATER, poll_close=CLOSE, rules=RULES, prior_margin=prior)
    assume(call.kind is Kind.CALLED)
    assert call.winner is not None
    better = _more_for(est, call.winner, votes, shift)
    assert unusable(better, 0.995) is None
    fresh = decide(better, now=LATER, poll_close=CLOSE, rules=RULES, prior_margin=prior)
    assert fresh.kind is Kind.CALLED and fresh.winner is call.winner
    later = LATER + timedelta(minutes=5)
    kept = decide(better, now=later, poll_close=CLOSE, rules=RULES, previous=call)
    assert kept is call


@CALL_SETTINGS
@given(est=near_calls, prior=priors)
def test_a_fresh_call_stands_on_its_own_evidence(est: RaceEstimate, prior: float | None) -> None:
    """A call is never retracted by the very estimate that made it (no flicker)."""
    call = decide(est, now=LATER, poll_close=CLOSE, rules=RULES, prior_margin=prior)
    assume(call.kind is Kind.CALLED)
    again = decide(est, now=LATER, poll_close=CLOSE, rules=RULES, previous=call, prior_margin=prior)
    assert again is call


def _adversarial() -> list[tuple[str, RaceEstimate, float | None]]:
    return [
        # The counted leader trails in the estimate (a blue shift still to come).
        ("count leader trails", make_estimate(dem=2_600_000, gop=3_100_000,
         expected_total=7_000_000, margin=0.012, sd=0.001), None),
        # A sliver counted, a model sure of itself.
        ("tiny share", make_estimate(dem=9_000, gop=1_000, expected_total=6_000_000,
         margin=0.3, sd=0.0), None),
        # Nothing counted and no baseline: nothing to call on.
        ("no returns, no prior", make_estimate(dem=0, gop=0, expected_total=5e6,
         margin=0.3, sd=0.01), None),
        # A lopsided prior, but the model says the race is close now.
        ("prior lopsided, model close", make_estimate(dem=0, gop=0, expected_total=3e6,
         margin=0.02, sd=0.005), 0.25),
        # A lopsided prior on the other side of the model.
        ("prior disagrees", make_estimate(dem=0, gop=0, expected_total=3e6,
         margin=0.25, sd=0.01), -0.25),
        # Exactly tied, no spread.
        ("dead heat", make_estimate(dem=1_000_000, gop=1_000_000, sd=0.0), None),
        # One vote apart after a complete count.
        ("one vote", make_estimate(dem=1_000_001, gop=1_000_000, sd=0.0), None),
        # Inside the recount band with a razor-thin interval.
        ("inside band", make_estimate(dem=1_004_000, gop=1_000_000, expected_total=2_004_500,
         sd=0.00001), None),
        # The model's interval does not contain its own point.
        ("inconsistent", replace(make_estimate(dem=600, gop=400, expected_total=1000, sd=0.01),
         margin_intervals={0.995: Interval(lo=-0.1, hi=-0.05)}), None),
        # Huge lead in the count, but three quarters still out and a big hurdle not met.
        ("early lead", make_estimate(dem=150_000, gop=100_000, expected_total=1_000_000,
         sd=0.001), None),
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "est", "prior"), _adversarial(), ids=lambda x: x)
def test_adversarial_estimates_are_never_called(
    name: str, est: RaceEstimate, prior: float | None
) -> None:
    for now in (CLOSE, LATER):
        status = decide(est, now=now, poll_close=CLOSE, rules=RULES, prior_margin=prior)
        assert status.kind in (Kind.TOO_EARLY, Kind.TOO_CLOSE), (name, status.describe())
