"""The Electoral College projection and the road to January 20: calls in, tallies, probabilities
and deadlines out. No I/O.

Imports ``racedesk.calls`` and below; never the desk, the API or the CLI.
"""

from racedesk.college.deadlines import Step, next_steps
from racedesk.college.outcome import CollegeStatus, PresidentElect, college_status, president_elect
from racedesk.college.projection import DEFAULT_DRAWS, DEFAULT_RHO, Projection, project
from racedesk.college.tipping import TippingPoint, tipping_frequencies, tipping_point

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_RHO",
    "CollegeStatus",
    "PresidentElect",
    "Projection",
    "Step",
    "TippingPoint",
    "college_status",
    "next_steps",
    "president_elect",
    "project",
    "tipping_frequencies",
    "tipping_point",
]
