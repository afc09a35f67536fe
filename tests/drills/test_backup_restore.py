"""The backup/restore drill: pg_dump into a scratch instance it creates and removes."""

from __future__ import annotations

import glob
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from checks.drills import pg_ops
from checks.drills.backup_restore import run_backup_restore
from checks.drills.topology import drill_env
from tests.drills.servers import local_target

pytestmark = pytest.mark.integration


def test_restore_is_timed_and_the_scratch_instance_removed(pg_pair: dict[str, Any], state_dir: Path) -> None:
    env = drill_env("throwaway", local_target(state_dir, pg=pg_pair))
    assert env is not None and env.postgres is not None
    result = run_backup_restore(env, "bdrill1")
    assert result.completed, result.error
    assert result.rows_restored == 1
    assert result.restore_s is not None and 0 < result.restore_s < 60
    assert result.newest_record_age_s is not None and 0 < result.newest_record_age_s < 60
    assert result.archive_mode == "off"
    assert not glob.glob(f"{tempfile.gettempdir()}/claimcheck-scratch-bdrill1-*")
    leftover = pg_ops.query(
        env.postgres.primary,
        "select count(*) from pg_tables where tablename like %s",
        ("claimcheck_canary_bdrill1%",),
        dbname=env.postgres.dbname,
    )
    assert leftover[0][0] == 0
    state = json.loads((state_dir / "bdrill1.backup_restore.json").read_text())
    assert {c["kind"] for c in state["created"]} == {"table", "scratch-instance"}
    assert state["status"] == "completed" and state["undo_complete"] is True
