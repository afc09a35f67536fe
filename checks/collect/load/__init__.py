"""Open-loop HTTP load with raw latency evidence (Locust runs in subprocesses; never imported here)."""

from __future__ import annotations

from checks.collect.load.children import stop_load_children
from checks.collect.load.engine import run_open_loop
from checks.collect.load.plan import (
    GovernorExceeded,
    LoadGeneratorError,
    LoadPlan,
    check_governor,
    rate_in_use,
    reserved_rate,
)
from checks.collect.load.samples import LatencySamples

__all__ = [
    "GovernorExceeded",
    "LatencySamples",
    "LoadGeneratorError",
    "LoadPlan",
    "check_governor",
    "rate_in_use",
    "reserved_rate",
    "run_open_loop",
    "stop_load_children",
]
