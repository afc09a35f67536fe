"""The PostgreSQL failover drill against a throwaway primary + streaming replica."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checks.drills import pg_ops
from checks.drills.canary import canary_table
from checks.drills.postgres_failover import plan, run_postgres_failover
from checks.drills.steady import check_postgres
from checks.drills.topology import DrillEnv, drill_env
from tests.drills.servers import local_target

pytestmark = pytest.mark.integration
FAST = {"postgres": {"warmup_s": 1.0, "observe_s": 0.5}}


def env_for(pg_pair: dict[str, Any], state_dir: Path) -> DrillEnv:
    env = drill_env("throwaway", local_target(state_dir, pg=pg_pair, settings=FAST))
    assert env is not None and env.postgres is not None
    return env


def tables(env: DrillEnv) -> list[str]:
    assert env.postgres is not None
    rows = pg_ops.query(
        env.postgres.primary,
        "select tablename from pg_tables where tablename like 'claimcheck_%'",
        dbname=env.postgres.dbname,
    )
    return [r[0] for r in rows]


def test_failover_drill_measures_rto_rpo_and_restores_the_pair(
    pg_pair: dict[str, Any], state_dir: Path
) -> None:
    env = env_for(pg_pair, state_dir)
    timeline = run_postgres_failover(env, "pgdrill1")
    assert timeline.completed, timeline.error
    assert timeline.rto_s is not None and 0 < timeline.rto_s < 10
    assert timeline.rpo_s is not None and timeline.rpo_s >= 0
    assert timeline.acked_before_fault >= 10 and not timeline.duplicates
    assert [e.kind for e in timeline.events if e.kind in ("fault", "promotion", "restored")] == [
        "fault",
        "promotion",
        "restored",
    ]
    assert env.postgres is not None
    check_postgres(env.postgres)  # raises unless primary writable on its port and replica streaming
    assert pg_ops.role(env.postgres.primary) == pg_ops.PRIMARY
    assert canary_table("pgdrill1") not in tables(env)
    state = json.loads((state_dir / "pgdrill1.postgres_failover.json").read_text())
    assert state["status"] == "completed" and all(u["status"] == "done" for u in state["undo"])


def test_promotion_delay_shows_in_the_rto(pg_pair: dict[str, Any], state_dir: Path) -> None:
    slow = {"postgres": {**FAST["postgres"], "promote_after_s": 1.5}}
    env = drill_env("throwaway", local_target(state_dir, pg=pg_pair, settings=slow))
    assert env is not None
    timeline = run_postgres_failover(env, "pgdrill2")
    assert timeline.rto_s is not None and timeline.rto_s >= 1.5
    assert timeline.restored


def test_dry_run_plan_touches_nothing(pg_pair: dict[str, Any], state_dir: Path) -> None:
    env = env_for(pg_pair, state_dir)
    before = tables(env)
    would = plan(env, "pgdry")
    assert any("SIGKILL" in step for step in would) and any(canary_table("pgdry") in step for step in would)
    assert tables(env) == before and not state_dir.exists()


def test_a_target_not_in_steady_state_is_not_drilled(pg_pair: dict[str, Any], state_dir: Path) -> None:
    env = env_for(pg_pair, state_dir)
    assert env.postgres is not None
    pg_ops.stop(env.postgres.replica)
    try:
        timeline = run_postgres_failover(env, "pgdrill3")
        assert not timeline.completed and "steady state" in str(timeline.error)
        assert timeline.fault_at is None
        assert pg_ops.postmaster_pid(env.postgres.primary) is not None  # the primary was never touched
    finally:
        pg_ops.start(env.postgres.replica)
