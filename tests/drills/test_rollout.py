"""The rollout drill: probes through a gateway while instances restart; redundancy decides the error count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from checks.drills import nodes
from checks.drills.rollout import run_rollout
from checks.drills.topology import AppInstanceBinding, drill_env
from tests.drills.servers import local_target

pytestmark = pytest.mark.integration
FAST = {"rollout": {"settle_s": 0.5}}


def _run(app_stack: dict[str, Any], state_dir: Path, run_id: str) -> Any:
    env = drill_env("throwaway", local_target(state_dir, rollout=app_stack, settings=FAST))
    assert env is not None
    return run_rollout(env, run_id)


def test_restarts_behind_a_redundant_gateway_lose_no_probe(
    app_stack: dict[str, Any], state_dir: Path
) -> None:
    result = _run(app_stack, state_dir, "ro1")
    assert result.completed, result.error
    assert result.restarted == ("app-a", "app-b") and len(result.probes) >= 20
    assert result.failures == 0
    for inst in app_stack["instances"]:
        assert nodes.pid(AppInstanceBinding(**inst)) is not None


@pytest.mark.parametrize("app_stack", ["first"], indirect=True)
def test_restarting_the_only_upstream_fails_probes(app_stack: dict[str, Any], state_dir: Path) -> None:
    result = _run(app_stack, state_dir, "ro2")
    assert result.completed, result.error
    assert result.failures > 0
