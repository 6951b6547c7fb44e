"""Pure domain values: ids, parties, contests, units, counts, the Electoral College and the
calendar.

Imports only ``racedesk.errors`` (and the standard library). No I/O.
"""
