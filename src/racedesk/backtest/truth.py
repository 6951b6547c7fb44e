"""What a night converged to: every race's and unit's final margin and total.

For a replay the truth is the night's own final count (the county results it was cut from); for
a real recorded night the race truth is the certified result (the recorded series stops before
certification) and the unit truth the series' last count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from racedesk.desk import DeskSetup
from racedesk.history.outcome import RaceOutcome
from racedesk.night.night import MODES, Night

FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]


@dataclass(frozen=True, slots=True, kw_only=True)
class Truth:
    races: frozenset[str]  # the races scored (in the night and in the desk)
    margin: dict[str, float]  # (dem - gop) / total
    total: dict[str, float]
    unit_ids: StrArray  # sorted
    unit_total: FloatArray
    unit_margin: FloatArray

    @property
    def national_total(self) -> float:
        return float(sum(t for race, t in self.total.items() if "-" not in race))


def _final_votes(night: Night) -> FloatArray:
    """(units, 3) last count of each unit and candidate, summed over modes."""
    key = (night.unit * 3 + night.candidate) * len(MODES) + night.mode
    order = np.argsort(key, kind="stable")
    last = order[np.r_[np.diff(key[order]) != 0, True]]
    votes = np.zeros((len(night.unit_ids), 3))
    np.add.at(votes, (night.unit[last], night.candidate[last]), night.votes[last])
    return votes


def night_truth(
    night: Night, setup: DeskSetup, outcome: Mapping[str, RaceOutcome], *, certified: bool
) -> Truth:
    votes = _final_votes(night)
    unit_total = votes.sum(axis=1)
    unit_margin = np.where(
        unit_total > 0, (votes[:, 0] - votes[:, 1]) / np.maximum(unit_total, 1), np.nan
    )
    contests = night.unit_contests.astype(str)
    race_of_unit = np.array([c.rsplit("-president-", 1)[-1] for c in contests.tolist()])
    keys, index = np.unique(race_of_unit, return_inverse=True)
    per = np.zeros((len(keys), 3))
    np.add.at(per, index, votes)
    margin: dict[str, float] = {}
    total: dict[str, float] = {}
    for r, race in enumerate(keys.tolist()):
        if race not in setup.electors:
            continue
        result = outcome[race].result if race in outcome else None
        if certified and result is not None:
            margin[race], total[race] = result.margin, float(result.total)
        elif per[r].sum() > 0:
            total[race] = float(per[r].sum())
            margin[race] = float((per[r, 0] - per[r, 1]) / total[race])
    order = np.argsort(night.unit_ids)
    return Truth(
        races=frozenset(margin),
        margin=margin,
        total=total,
        unit_ids=night.unit_ids[order],
        unit_total=unit_total[order],
        unit_margin=unit_margin[order],
    )


def unit_truth(truth: Truth, units: StrArray) -> tuple[FloatArray, FloatArray]:
    """Final total and margin of each of ``units`` (NaN margin where the night lacks it)."""
    if len(truth.unit_ids) == 0:
        return np.zeros(len(units)), np.full(len(units), np.nan)
    pos = np.clip(np.searchsorted(truth.unit_ids, units), 0, len(truth.unit_ids) - 1)
    found = truth.unit_ids[pos] == units
    total = np.where(found, truth.unit_total[pos], 0.0)
    margin = np.where(found, truth.unit_margin[pos], np.nan)
    return total, margin
