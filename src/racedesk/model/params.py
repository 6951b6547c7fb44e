"""The model's parameters: typed, validated once in ``__post_init__``.

Priors are on the three unit-level outcomes the pooled regression fits (see ``pooled``):
``swing`` (final margin minus baseline margin), ``turnout`` (log of final total over baseline
total) and ``other`` (final other share minus baseline other share). Defaults were set on the
2020-with-2016-baseline simulations and checked on 2016 and 2024 (``bench/bench_model.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from racedesk.errors import ConfigError


def _positive(owner: str, **values: float) -> None:
    for name, value in values.items():
        if not (math.isfinite(value) and value > 0):
            raise ConfigError(f"{owner}: {name} must be a positive number, not {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomePrior:
    """Gaussian priors of one outcome's regression, in the outcome's own units."""

    intercept_sd: float  # the national shift before anything is counted
    coef_sd: float  # each standardised covariate's coefficient
    state_sd: float  # prior spread of state effects around the national pattern
    state_sd_floor: float  # the estimated spread never goes below this
    unit_sd: float  # a unit's own error, before enough units report to estimate it

    def __post_init__(self) -> None:
        _positive(
            "OutcomePrior",
            intercept_sd=self.intercept_sd,
            coef_sd=self.coef_sd,
            state_sd=self.state_sd,
            state_sd_floor=self.state_sd_floor,
            unit_sd=self.unit_sd,
        )
        if self.state_sd_floor > self.state_sd:
            raise ConfigError("OutcomePrior: state_sd_floor must not exceed state_sd")


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelParams:
    """Everything ``estimate`` needs besides the snapshot."""

    swing: OutcomePrior = field(
        default_factory=lambda: OutcomePrior(
            intercept_sd=0.08, coef_sd=0.03, state_sd=0.03, state_sd_floor=0.004, unit_sd=0.05
        )
    )
    turnout: OutcomePrior = field(
        default_factory=lambda: OutcomePrior(
            intercept_sd=0.25, coef_sd=0.05, state_sd=0.1, state_sd_floor=0.01, unit_sd=0.1
        )
    )
    other: OutcomePrior = field(
        default_factory=lambda: OutcomePrior(
            intercept_sd=0.03, coef_sd=0.01, state_sd=0.01, state_sd_floor=0.001, unit_sd=0.02
        )
    )
    # Fit weight of a unit grows as (baseline votes)**size_power: big counties matter more.
    size_power: float = 0.5
    # A unit's own error variance may shrink as (baseline votes)**-noise_power. The swing's
    # |residual| falls with size (log-log slope -0.16 on 2016-2024 counties) but not for the
    # biggest counties, whose own errors decide races: 0.15 and 0.3 narrowed the intervals
    # below 90% coverage in random order (bench_model), so it is off.
    noise_power: float = 0.0
    # Units whose residual is beyond this many sds are down-weighted in the fit (Huber), so a
    # few junk units (a feed error, a redrawn district) do not bend the coefficients. The
    # spreads stay plain mean squares: capping them too narrowed the intervals below 90%
    # coverage with each party's strongholds first.
    huber: float = 3.0
    # Extrapolation: a unit whose national-pattern variance is r times the reporting units'
    # median has its coefficient error multiplied by 1 + extrapolation * (sqrt(r) - 1), r > 1.
    extrapolation: float = 1.0
    # Pseudo-observations holding the unit error and state spread to their priors early on.
    prior_units: float = 20.0
    prior_states: float = 5.0
    em_iterations: int = 4
    # Unit error multiplier for units with only a pooled baseline.
    no_baseline_factor: float = 3.0
    # How far a partly counted unit's counted margin may sit from its final margin
    # (vote-mode bias), scaled by the share still out.
    partial_bias_sd: float = 0.2
    # Relative error of the feed's expected vote for a unit.
    expected_vote_sd: float = 0.05
    # Share of votes a unit may still add after the feed's expected vote is reached.
    overshoot: float = 0.02
    # Race-level standard deviations are multiplied by this (calibration).
    calibration: float = 1.0
    # Extra shared (national) error of the remaining vote's margin, in margin units.
    national_floor_sd: float = 0.0

    def __post_init__(self) -> None:
        _positive(
            "ModelParams",
            prior_units=self.prior_units,
            prior_states=self.prior_states,
            no_baseline_factor=self.no_baseline_factor,
            partial_bias_sd=self.partial_bias_sd,
            expected_vote_sd=self.expected_vote_sd,
            calibration=self.calibration,
            huber=self.huber,
        )
        if not 0.0 <= self.size_power <= 1.0:
            raise ConfigError(f"ModelParams: size_power must be in [0, 1], not {self.size_power}")
        if not (0.0 <= self.noise_power <= 1.0 and 0.0 <= self.extrapolation <= 10.0):
            raise ConfigError(
                "ModelParams: noise_power must be in [0, 1] and extrapolation in [0, 10], not "
                f"{self.noise_power} and {self.extrapolation}"
            )
        if not 1 <= self.em_iterations <= 50:
            raise ConfigError("ModelParams: em_iterations must be between 1 and 50")
        if not (0.0 <= self.overshoot < 1.0 and 0.0 <= self.national_floor_sd < 1.0):
            raise ConfigError("ModelParams: overshoot and national_floor_sd must be in [0, 1)")
