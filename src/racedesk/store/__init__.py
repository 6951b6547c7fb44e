"""The store: updates in, latest counts (as of any instant), history and corrections out. SQLite by
default.

Imports ``racedesk.night`` and below. DataFrames and arrays stay inside store/ and model/."""
