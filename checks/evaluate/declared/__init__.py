"""Declared evidence: the documents (or a repository's manifests) judged against themselves, one analyzer per
module (arithmetic, consistency, budget, autoscaling, alerting, promql, netpol, ratelimit, physics, residency,
method), combined by `engine.declared_verdicts` / `engine.declared_verdict_for`."""
