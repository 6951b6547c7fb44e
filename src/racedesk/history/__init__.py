"""Certified (or near-final) results of past presidential elections, read from the data folder.

Imports ``racedesk.domain`` and below. Every quirk of the source files is handled here and
recorded in the loaded object's ``notes``, never silently dropped.
"""
