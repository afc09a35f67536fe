"""The drill gate both ways: a disposable sandbox drills under any profile that enables drills; any other
target only under certification, with allow_disruptive and a profile with drills: true."""

from __future__ import annotations

from typing import Any

import pytest

from checks.targets import Target
from fixtures.safety import why_not_disruptive

PROFILES = {
    "nightly": {"latency_seconds": 1, "latency_rps": 1, "probe_count": 1, "drills": True},
    "certification": {"latency_seconds": 1, "latency_rps": 1, "probe_count": 1, "drills": True},
}


def target(kind: str, allow: bool = True, **profiles: dict[str, Any]) -> Target:
    return Target.model_validate(
        {"kind": kind, "allow_disruptive": allow, "profiles": {**PROFILES, **profiles}}
    )


def test_the_sandbox_drills_in_its_nightly_run() -> None:
    assert why_not_disruptive(target("sandbox"), "nightly") is None
    assert why_not_disruptive(target("sandbox"), "certification") is None


@pytest.mark.parametrize("kind", ["staging", "production"])
def test_any_other_kind_drills_only_under_certification(kind: str) -> None:
    reason = why_not_disruptive(target(kind), "nightly")
    assert reason is not None and "certification" in reason
    assert why_not_disruptive(target(kind), "certification") is None


@pytest.mark.parametrize("kind", ["sandbox", "staging", "none"])
def test_allow_disruptive_is_needed_everywhere(kind: str) -> None:
    assert why_not_disruptive(target(kind, allow=False), "certification") == (
        "target does not set allow_disruptive"
    )


def test_the_sandbox_still_needs_a_profile_that_enables_drills() -> None:
    quiet = {"latency_seconds": 1, "latency_rps": 1, "probe_count": 1, "drills": False}
    reason = why_not_disruptive(target("sandbox", nightly=quiet), "nightly")
    assert reason == "target's nightly profile does not enable drills"


def test_the_shipped_local_target_drills_nightly_and_none_does_not() -> None:
    from checks.ledger import project_root
    from checks.targets import load_targets

    targets = load_targets(project_root() / "targets.yaml").targets
    assert why_not_disruptive(targets["local"], "nightly") is None
    assert why_not_disruptive(targets["none"], "nightly") == "target does not set allow_disruptive"
