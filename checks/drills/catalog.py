"""The drills by name."""

from __future__ import annotations

from typing import Any

from checks.drills.backup_restore import BackupRestore
from checks.drills.harness import Drill
from checks.drills.postgres_failover import PostgresFailover
from checks.drills.redis_failover import RedisFailover
from checks.drills.rollout import Rollout

DRILLS: dict[str, type[Drill[Any]]] = {
    d.name: d for d in (PostgresFailover, RedisFailover, BackupRestore, Rollout)
}
