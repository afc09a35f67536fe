"""The Redis sentinel failover drill against a throwaway primary + replica + sentinel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checks.drills import redis_ops
from checks.drills.redis_failover import canary_key, plan, run_redis_failover
from checks.drills.steady import check_redis
from checks.drills.topology import drill_env
from tests.drills.servers import local_target

pytestmark = pytest.mark.integration


def test_sentinel_failover_is_timed_and_the_original_master_restored(
    redis_trio: dict[str, Any], state_dir: Path
) -> None:
    env = drill_env("throwaway", local_target(state_dir, redis=redis_trio))
    assert env is not None and env.redis is not None
    timeline = run_redis_failover(env, "rdrill1")
    assert timeline.completed, timeline.error
    # sentinel's down-after is 2 s here: a failover faster than that would be a measurement error
    assert timeline.new_primary_s is not None and 2.0 <= timeline.new_primary_s < 30
    assert timeline.rto_s is not None and timeline.rto_s >= timeline.new_primary_s - 0.1
    assert timeline.restored
    check_redis(env.redis)
    assert redis_ops.client(env.redis.primary_port).exists(canary_key("rdrill1")) == 0
    state = json.loads((state_dir / "rdrill1.redis_failover.json").read_text())
    assert state["status"] == "completed" and state["undo_complete"] is True


def test_dry_run_lists_the_pause_and_touches_nothing(redis_trio: dict[str, Any], state_dir: Path) -> None:
    env = drill_env("throwaway", local_target(state_dir, redis=redis_trio))
    assert env is not None
    would = plan(env, "rdry")
    assert any("SIGSTOP" in step for step in would)
    assert not state_dir.exists()
