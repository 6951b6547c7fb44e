"""The rules as data: the recount table against its source, band arithmetic, validation."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from racedesk.calls.rules import (
    CallRules,
    Combine,
    Denominator,
    Mechanism,
    RecountRule,
    recount_rules,
    rules_for,
)
from racedesk.domain.ids import STATE_FIPS
from racedesk.errors import CallRuleError


def _source_rows(data_dir: Path) -> list[dict[str, str]]:
    path = data_dir.parent / "docs" / "recount_thresholds.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_state_in_the_source_table_is_encoded_as_it_says(data_dir: Path) -> None:
    rules = recount_rules(2024)
    rows = _source_rows(data_dir)
    assert len(rows) == 31
    for row in rows:
        rule = rules[row["state"]]
        text = row["statewide_threshold"].lower()
        mechanism = row["mechanism"].lower()
        expected = Mechanism.UNKNOWN if mechanism == "unsure" else Mechanism(mechanism)
        if row["confidence"] == "low":
            expected = Mechanism.UNKNOWN
        assert rule.mechanism is expected, row["state"]
        assert rule.tie_only == (text == "tie only"), row["state"]
        percents = [float(p) / 100 for p in re.findall(r"(\d+(?:\.\d+)?)%", text)]
        votes = [int(v.replace(",", "")) for v in re.findall(r"([\d,]{3,}) votes", text)]
        if row["state"] == "WI":  # the state-funded range (< 0.25%), not the paid one (< 1%)
            assert rule.share == percents[1] == 0.0025
            continue
        if row["state"] == "MI":  # two regimes; 2024 uses the vote count
            assert rule.votes == 2000 and rule.share is None
            assert recount_rules(2028)["MI"].share == 0.001
            continue
        if percents:
            assert rule.share == percents[0], row["state"]
        else:
            assert rule.share is None, row["state"]
        assert rule.votes == (votes[0] if votes else None), row["state"]
        assert (rule.combine is Combine.LARGER) == ("larger" in text), row["state"]
        basis = (row["margin_basis"] + " " + text).lower()
        if "winner" in basis or "highest" in basis:
            assert rule.denominator is Denominator.WINNER, row["state"]
        elif "for the two candidates" in basis:
            assert rule.denominator is Denominator.TOP_TWO, row["state"]
        else:
            assert rule.denominator is Denominator.TOTAL, row["state"]


def test_every_state_and_dc_has_a_rule_and_unknown_ones_get_the_minimum() -> None:
    rules = recount_rules(2024)
    assert set(rules) == set(STATE_FIPS)
    defaults = rules_for(2024)
    for state in ("CA", "NY", "ME", "NE", "TX", "NV", "NH"):  # none, tie-only, any-margin
        assert defaults.band(state, 5e6) == defaults.unknown_band == 0.005


def test_year_dependent_rules() -> None:
    assert recount_rules(2020)["AZ"].share == 0.001
    assert recount_rules(2024)["AZ"].share == 0.005
    assert recount_rules(2020)["MI"].votes == 2000


@pytest.mark.parametrize(
    ("state", "total", "band"),
    [
        ("PA", 7e6, 0.005),
        ("WI", 3.4e6, 0.0025),
        ("CO", 3.2e6, 0.005 / 1.995),  # share of the winner's vote
        ("ND", 3.6e5, 0.005 / 1.995),
        ("NC", 3.0e6, 10_000 / 3.0e6),  # smaller of 0.5% and 10,000 votes
        ("NC", 5.7e6, 0.0025),  # 10,000 votes = 0.18 pts, floored
        ("NC", 1.0e6, 0.005),
        ("DE", 5.1e5, 0.0025),  # 1,000 votes = 0.2 pts, floored at 0.25
        ("HI", 5.2e5, 0.0025),  # larger of 100 votes and 0.25%
        ("HI", 2.0e4, 0.005),  # 100 votes of 20,000
        ("WA", 4.0e5, 0.005),  # smaller of 2,000 votes (0.5 pts here) and 0.5%
        ("WA", 4.0e6, 0.0025),  # 2,000 votes = 0.05 pts, floored
        ("MI", 5.6e6, 0.0025),  # 2,000 votes, floored
        ("OR", 2.2e6, 0.0025),  # 0.2%, floored
        ("VA", 4.4e6, 0.01),
    ],
)
def test_band_arithmetic(state: str, total: float, band: float) -> None:
    assert rules_for(2024).band(state, total) == pytest.approx(band)


def test_districts_follow_their_state() -> None:
    rules = rules_for(2024)
    assert rules.recount_rule("NE-02").state == "NE"
    assert rules.recount_rule("ME-01") == rules.recount_rule("ME")
    assert rules.recount_rule("ZZ").mechanism is Mechanism.UNKNOWN


def test_a_vote_trigger_with_no_votes_expected_is_the_whole_range() -> None:
    rule = RecountRule(state="XX", mechanism=Mechanism.AUTOMATIC, votes=100)
    assert rule.band(0.0) == 1.0


@pytest.mark.parametrize(
    "overrides",
    [
        {"confidence": 0.97},
        {"retract_confidence": 0.999},
        {"retract_confidence": 0.4},
        {"hurdle_limit": 0.4},
        {"minimum_share_counted": 0.0},
        {"too_close_share": 1.5},
        {"band_floor": 0.01},
        {"safe_prior_margin": 0.0},
    ],
)
def test_bad_rules_are_refused(overrides: dict[str, float]) -> None:
    with pytest.raises(CallRuleError):
        rules_for(2024, **overrides)


def test_bad_recount_rules_are_refused() -> None:
    with pytest.raises(CallRuleError, match="share"):
        RecountRule(state="XX", mechanism=Mechanism.AUTOMATIC, share=0.5)
    with pytest.raises(CallRuleError, match="votes"):
        RecountRule(state="XX", mechanism=Mechanism.AUTOMATIC, votes=0)


def test_rules_without_a_recount_table_use_the_unknown_band() -> None:
    assert CallRules(year=2024).band("PA", 7e6) == 0.005
    assert CallRules(year=2024).recount_rule("PA").text == "not in the recount table"
