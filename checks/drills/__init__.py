"""Disaster-recovery drills: they change a target on purpose, measure how it recovers, and always put it back.

Each drill runs inside undo.DrillRun (state file + undo registered before every change + signal handling),
checks the steady state before and after (steady.py), and returns frozen evidence (evidence.py) that the pure
evaluators in checks/evaluate/dr.py judge. cleanup.cleanup_run finishes whatever a killed run left behind.
"""
