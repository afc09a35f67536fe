"""Disaster-recovery drills: they change a target on purpose, measure how it recovers, and always put it back.

Every drill is a harness.Drill that supplies its probe, its fault and its recovery; harness.run_drill runs
them inside undo.DrillRun (state file + undo registered before every change + signal handling), checks the
steady state before and after (steady.py), and returns frozen evidence (checks/evidence/drills.py) that the
pure evaluators in checks/evaluate/dr.py judge. The processes drills act on come from the target's `drills`
binding (binding.py, topology.py). cleanup.cleanup_run finishes whatever a killed run left behind.
"""
