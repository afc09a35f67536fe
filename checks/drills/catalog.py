"""The drills by name: what each would touch (dry run) and how to run it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checks.drills import backup_restore, postgres_failover, redis_failover, rollout
from checks.drills.topology import DrillEnv

Plan = Callable[[DrillEnv, str], list[str]]
Run = Callable[..., Any]

DRILLS: dict[str, tuple[Plan, Run]] = {
    postgres_failover.DRILL: (postgres_failover.plan, postgres_failover.run_postgres_failover),
    redis_failover.DRILL: (redis_failover.plan, redis_failover.run_redis_failover),
    backup_restore.DRILL: (backup_restore.plan, backup_restore.run_backup_restore),
    rollout.DRILL: (rollout.plan, rollout.run_rollout),
}
