"""Race calls: estimates in, calls or holds (with their reasons) out. The rules are data. No I/O.

Imports ``racedesk.model`` and below; never the college, the desk or anything with I/O.
"""

from racedesk.calls.engine import calling_interval, decide
from racedesk.calls.rules import CallRules, RecountRule, recount_rules, rules_for
from racedesk.calls.status import Evidence, Kind, RaceStatus, Rule

__all__ = [
    "CallRules",
    "Evidence",
    "Kind",
    "RaceStatus",
    "RecountRule",
    "Rule",
    "calling_interval",
    "decide",
    "recount_rules",
    "rules_for",
]
