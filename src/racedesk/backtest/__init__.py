"""Backtests: many replayed nights through the desk, with metrics."""
