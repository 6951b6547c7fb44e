"""Feeds: bytes in, results-stream updates out. Adapters for CSV, AP Elections API JSON, NIST SP
1500-100 CDF and Clarity ENR register here.

Imports ``racedesk.history``, ``racedesk.domain`` and below."""
