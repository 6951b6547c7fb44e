"""``decide()``: one race's estimate in, its status out, with the numbers it rested on.

The rules, in order (defaults in ``CallRules``; docs/calls.md explains each):

1. Before the state's last polls close: ``not_yet``, whatever the numbers.
2. The calling interval is the hull of the model's interval at the calling confidence (99.5%)
   and the normal interval ``margin ± z·margin_sd``, so a model whose quantiles and standard
   deviation disagree is held to the wider. An estimate that is not finite, or whose interval
   does not contain its point, is unusable: no call (and no retraction) is made from it.
3. A standing call stays unless the interval at ``retract_confidence`` (90%) reaches the recount
   band or the other side: then it is retracted, with the reason. A retracted race can be called
   again later by the same rules.
4. **Safe state** (the AP's poll-close calls): the baseline margin is at least 15 pts, the model
   agrees (point at least 10 pts, the near end of the calling interval beyond 5 pts and beyond the
   recount band, same side), and the first returns, if any, favour the same candidate.
5. **Count**: the calling interval lies wholly beyond the recount band, at least a quarter of the
   expected vote is in, and the trailing candidate would need at least 60% of the remaining vote
   (the hurdle) — which also means the called candidate leads the count.
6. Otherwise hold: ``too_close`` if the interval touches the recount band with 80% or more
   counted, ``too_early`` before.
"""

from __future__ import annotations

import math
from datetime import datetime
from statistics import NormalDist

from racedesk.calls.rules import CallRules
from racedesk.calls.status import Evidence, Kind, RaceStatus, Rule
from racedesk.domain.contests import Party
from racedesk.errors import CallRuleError
from racedesk.model.estimate import Interval, RaceEstimate


def _pts(margin: float) -> str:
    return f"{margin * 100:+.1f}"


def _band_text(band: float) -> str:
    return f"±{band * 100:.2g}"


def _level_text(level: float) -> str:
    return f"{level * 100:g}%"


def _lookup(intervals: dict[float, Interval], level: float) -> Interval | None:
    for key, interval in intervals.items():
        if abs(key - level) < 1e-9:
            return interval
    return None


def calling_interval(estimate: RaceEstimate, level: float) -> Interval:
    """The final-margin interval at ``level``: hull of the model's and the normal one."""
    half = NormalDist().inv_cdf(0.5 + level / 2) * estimate.margin_sd
    lo, hi = estimate.margin - half, estimate.margin + half
    given = _lookup(estimate.margin_intervals, level)
    if given is not None:
        lo, hi = min(lo, given.lo), max(hi, given.hi)
    return Interval(lo=max(-1.0, lo), hi=min(1.0, hi))


def unusable(estimate: RaceEstimate, level: float) -> str | None:
    """Why an estimate cannot support a decision, or ``None`` when it can."""
    numbers = (estimate.margin, estimate.margin_sd, estimate.expected_total)
    if not all(math.isfinite(x) for x in numbers):
        return "the estimate has non-finite numbers"
    if min(estimate.counted_dem, estimate.counted_gop, estimate.counted_other) < 0:
        return "negative counted votes"
    if estimate.margin_sd < 0 or abs(estimate.margin) > 1 or estimate.expected_total < 0:
        return "margin, margin_sd or expected_total out of range"
    given = _lookup(estimate.margin_intervals, level)
    if given is not None and not (
        math.isfinite(given.lo) and math.isfinite(given.hi) and given.contains(estimate.margin)
    ):
        return f"the {_level_text(level)} interval does not contain the point estimate"
    return None


def gather(
    estimate: RaceEstimate, rules: CallRules, level: float, prior_margin: float | None
) -> Evidence:
    """The numbers a decision at ``level`` rests on."""
    counted = estimate.counted_total
    total = _lookup(estimate.total_intervals, level)
    total_low = max(float(counted), min(estimate.expected_total, total.lo if total else math.inf))
    total_high = max(float(counted), estimate.expected_total, total.hi if total else 0.0)
    remaining_high = total_high - counted
    sign = 1 if estimate.margin >= 0 else -1
    lead = sign * (estimate.counted_dem - estimate.counted_gop)
    hurdle = 0.5 + lead / (2 * remaining_high) if remaining_high > 0 else None
    return Evidence(
        counted_margin=estimate.counted_margin,
        margin=estimate.margin,
        interval=calling_interval(estimate, level),
        confidence=level,
        recount_band=rules.band(estimate.race, total_low),
        recount_rule=f"{estimate.race[:2]}: {rules.recount_rule(estimate.race).text}",
        share_counted=estimate.share_counted,
        counted_total=counted,
        expected_total=estimate.expected_total,
        remaining_high=remaining_high,
        hurdle=hurdle,
        prior_margin=prior_margin,
    )


def _interval_text(ev: Evidence) -> str:
    return f"{_level_text(ev.confidence)} interval [{_pts(ev.interval.lo)}, {_pts(ev.interval.hi)}]"


def _safe_state(ev: Evidence, rules: CallRules) -> tuple[str, ...] | None:
    """Reasons for a safe-state call, or ``None`` when the rule does not apply."""
    prior, leader = ev.prior_margin, ev.leader
    if prior is None or leader is None or abs(prior) < rules.safe_prior_margin:
        return None
    sign = 1 if leader is Party.DEM else -1
    near_edge = ev.interval.lo if sign > 0 else -ev.interval.hi
    if (
        sign * prior <= 0
        or abs(ev.margin) < rules.safe_estimate_margin
        or near_edge < max(rules.safe_interval_margin, ev.recount_band)
        or (ev.counted_total > 0 and sign * ev.counted_margin <= 0)
    ):
        return None
    returns = (
        "no returns yet"
        if ev.counted_total == 0
        else f"first returns agree: counted margin {_pts(ev.counted_margin)} pts"
        f" with {ev.share_counted:.0%} counted"
    )
    return (
        f"safe state: prior margin {_pts(prior)} pts (at least {rules.safe_prior_margin * 100:g})",
        f"model margin {_pts(ev.margin)} pts; {_interval_text(ev)} beyond "
        f"{_band_text(max(rules.safe_interval_margin, ev.recount_band))}",
        returns,
    )


def _count_reasons(ev: Evidence, rules: CallRules) -> tuple[bool, tuple[str, ...]]:
    """Whether the count rule calls the race, and the reasons either way."""
    leader = ev.leader
    band = f"recount band {_band_text(ev.recount_band)} ({ev.recount_rule})"
    verb = "excludes" if ev.clears_band else "overlaps"
    reasons = [f"margin {_pts(ev.margin)} pts; {_interval_text(ev)} {verb} {band}"]
    ok = ev.clears_band and leader is not None
    enough = ev.share_counted >= rules.minimum_share_counted
    reasons.append(
        f"{ev.share_counted:.0%} of the expected vote counted"
        + ("" if enough else f" (minimum {rules.minimum_share_counted:.0%})")
    )
    ok = ok and enough
    sign = 1 if ev.margin >= 0 else -1
    leads_count = sign * ev.counted_margin > 0
    if ev.hurdle is None:
        reasons.append("no vote remains to be counted")
        ok = ok and leads_count
    else:
        trailer = "gop" if sign > 0 else "dem"
        high = ev.hurdle >= rules.hurdle_limit
        reasons.append(
            f"hurdle {ev.hurdle:.0%}: {trailer} needs that share of the remaining vote"
            + ("" if high else f" (limit {rules.hurdle_limit:.0%})")
        )
        ok = ok and high
    if leader is not None and not leads_count and ev.counted_total > 0:
        reasons.append(f"{leader.value} leads the estimate but not the count")
        ok = False
    return ok, tuple(reasons)


def _retraction(previous: RaceStatus, ev: Evidence) -> str | None:
    """Why the standing call must go, or ``None`` if the evidence still holds it."""
    sign = 1 if previous.winner is Party.DEM else -1
    # A call stands while the estimate itself stays clear of the recount band on the called side.
    # The interval is not the test: it widens when unusual units start reporting (extrapolation),
    # and a call withdrawn for that alone would flicker back and forth all night.
    if sign * ev.margin > ev.recount_band:
        return None
    where = (
        "the other side"
        if sign * ev.margin < 0
        else f"the recount band {_band_text(ev.recount_band)}"
    )
    return (
        f"call for {previous.winner} withdrawn: margin {_pts(ev.margin)} pts; "
        f"{_interval_text(ev)} reaches {where}"
    )


def _check_times(now: datetime, poll_close: datetime, previous: RaceStatus | None) -> None:
    if now.tzinfo is None or poll_close.tzinfo is None:
        raise CallRuleError("decide: now and poll_close must be timezone-aware (UTC)")
    if previous is None:
        return
    if previous.at > now:
        raise CallRuleError(
            f"{previous.race}: previous status at {previous.at} is later than now ({now})"
        )
    if previous.kind is Kind.CALLED and previous.at < poll_close:
        raise CallRuleError(
            f"{previous.race}: call at {previous.at} precedes the last poll close {poll_close}"
        )


def decide(
    estimate: RaceEstimate,
    *,
    now: datetime,
    poll_close: datetime,
    rules: CallRules,
    previous: RaceStatus | None = None,
    prior_margin: float | None = None,
) -> RaceStatus:
    """The status of ``estimate.race`` at ``now``.

    ``poll_close`` is the state's *last* poll close (districts close with their state);
    ``previous`` the race's status from the last cycle; ``prior_margin`` the baseline (previous
    election) margin ``(dem − gop) / total`` used by the safe-state rule.
    """
    race = estimate.race
    if previous is not None and previous.race != race:
        raise CallRuleError(f"decide: previous status is for {previous.race}, not {race}")
    _check_times(now, poll_close, previous)
    if now < poll_close:
        reason = f"polls open until {poll_close:%Y-%m-%d %H:%MZ}"
        return RaceStatus(race=race, kind=Kind.NOT_YET, at=now, reasons=(reason,))
    standing = previous if previous is not None and previous.kind is Kind.CALLED else None
    problem = unusable(estimate, rules.confidence) or unusable(estimate, rules.retract_confidence)
    if problem is not None:
        if standing is not None:
            return standing  # garbage is no evidence against a call
        reason = f"estimate unusable: {problem}"
        return RaceStatus(race=race, kind=Kind.TOO_EARLY, at=now, reasons=(reason,))
    if standing is not None:
        check = gather(estimate, rules, rules.retract_confidence, prior_margin)
        why = _retraction(standing, check)
        if why is None:
            return standing
        return RaceStatus(
            race=race,
            kind=Kind.RETRACTED,
            at=now,
            reasons=(why,),
            evidence=check,
            winner=standing.winner,
            called_at=standing.at,
        )
    ev = gather(estimate, rules, rules.confidence, prior_margin)
    safe = _safe_state(ev, rules)
    if safe is not None and ev.leader is not None:
        return RaceStatus(
            race=race,
            kind=Kind.CALLED,
            at=now,
            reasons=safe,
            evidence=ev,
            winner=ev.leader,
            rule=Rule.SAFE_STATE,
        )
    ok, reasons = _count_reasons(ev, rules)
    if ok and ev.leader is not None:
        return RaceStatus(
            race=race,
            kind=Kind.CALLED,
            at=now,
            reasons=reasons,
            evidence=ev,
            winner=ev.leader,
            rule=Rule.COUNT,
        )
    close = not ev.clears_band and ev.share_counted >= rules.too_close_share
    kind = Kind.TOO_CLOSE if close else Kind.TOO_EARLY
    return RaceStatus(race=race, kind=kind, at=now, reasons=reasons, evidence=ev)
