"""The outstanding-vote model: numpy/scipy, arrays in, estimates with prediction intervals out. No
I/O.

Imports ``racedesk.store`` and below only for types; never opens files."""
