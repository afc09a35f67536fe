"""Open-loop HTTP load with raw latency evidence (Locust runs in subprocesses; never imported here)."""

from __future__ import annotations

from checks.collect.load.engine import LoadGeneratorError, run_open_loop
from checks.collect.load.plan import GovernorExceeded, LoadPlan, check_governor
from checks.collect.load.samples import LatencySamples

__all__ = [
    "GovernorExceeded",
    "LatencySamples",
    "LoadGeneratorError",
    "LoadPlan",
    "check_governor",
    "run_open_loop",
]
