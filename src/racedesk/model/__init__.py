"""The outstanding-vote model: numpy/scipy, arrays in, estimates with prediction intervals out. No
I/O.

Imports ``racedesk.store`` and below only for types; never opens files. Entry point:
``estimate(snapshot, params) -> ModelResult``.
"""

from racedesk.model.aggregate import estimate
from racedesk.model.params import ModelParams, OutcomePrior
from racedesk.model.result import ModelResult
from racedesk.model.snapshot import Snapshot

__all__ = ["ModelParams", "ModelResult", "OutcomePrior", "Snapshot", "estimate"]
