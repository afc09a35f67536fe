"""Drills interrupted by SIGINT / SIGTERM at chosen phases (in a subprocess) still leave the servers steady;
a drill killed outright (SIGKILL) leaves a state file that blocks the next drill until cleanup_run ends it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from checks.drills.cleanup import cleanup_run
from checks.drills.postgres_failover import run_postgres_failover
from checks.drills.steady import check_postgres, check_redis
from checks.drills.topology import drill_env
from checks.ledger import project_root
from checks.targets import Target
from tests.drills.servers import local_target

pytestmark = pytest.mark.integration
PG_SETTINGS = {"postgres": {"warmup_s": 2.0, "observe_s": 0.5, "promote_after_s": 2.0}}


class DrillProcess:
    """`python -m checks.drills` in a subprocess, watched through its state file."""

    def __init__(self, drill: str, target: Target, run_id: str, state_dir: Path, tmp: Path) -> None:
        spec = tmp / f"{run_id}-target.json"
        spec.write_text(target.model_dump_json())
        self.state_file = state_dir / f"{run_id}.{drill}.json"
        argv = [
            sys.executable,
            "-m",
            "checks.drills",
            "--drill",
            drill,
            "--target-json",
            str(spec),
            "--target-name",
            "throwaway",
            "--run-id",
            run_id,
        ]
        env = {**os.environ, "PYTHONPATH": str(project_root())}
        self.proc = subprocess.Popen(
            argv, cwd=project_root(), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def state(self) -> dict[str, Any]:
        try:
            return json.loads(self.state_file.read_text())  # type: ignore[no-any-return]
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def wait_phase(self, phase: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while self.state().get("phase") != phase:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                _, err = self.proc.communicate(timeout=5)
                pytest.fail(f"drill never reached phase {phase!r}: {err[-2000:]}")
            time.sleep(0.01)

    def finish(self, timeout_s: float = 180) -> int:
        _, self.stderr = self.proc.communicate(timeout=timeout_s)
        return self.proc.returncode


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(
    ("phase", "delay_s"),
    [("warmup", 0.3), ("fault", 0.5), ("undo", 0.0)],
    ids=["before-fault", "during-fault", "during-undo"],
)
def test_interrupted_pg_drill_leaves_the_pair_steady(
    pg_pair: dict[str, Any], state_dir: Path, tmp_path: Path, sig: int, phase: str, delay_s: float
) -> None:
    target = local_target(state_dir, pg=pg_pair, settings=PG_SETTINGS)
    run_id = f"int-{phase}-{signal.Signals(sig).name.lower()}"
    drill = DrillProcess("postgres_failover", target, run_id, state_dir, tmp_path)
    drill.wait_phase(phase)
    time.sleep(delay_s)
    drill.proc.send_signal(sig)
    assert drill.finish() == 128 + sig, drill.stderr[-2000:]
    state = drill.state()
    assert state["status"] == "interrupted" and state["undo_complete"] is True, (
        state["undo"],
        drill.stderr[-3000:],
    )
    assert state["steady_after"]["ok"] is True
    assert any(signal.Signals(sig).name in s for s in state["signals"])
    env = drill_env("throwaway", target)
    assert env is not None and env.postgres is not None
    check_postgres(env.postgres)


@pytest.mark.parametrize(
    ("sig", "phase"),
    [(signal.SIGTERM, "fault"), (signal.SIGINT, "undo")],
    ids=["SIGTERM-during-fault", "SIGINT-during-undo"],
)
def test_interrupted_redis_drill_leaves_sentinel_on_the_original_master(
    redis_trio: dict[str, Any], state_dir: Path, tmp_path: Path, sig: int, phase: str
) -> None:
    target = local_target(state_dir, redis=redis_trio)
    drill = DrillProcess("redis_failover", target, f"rint-{phase}", state_dir, tmp_path)
    drill.wait_phase(phase)
    time.sleep(0.5 if phase == "fault" else 0.0)
    drill.proc.send_signal(sig)
    assert drill.finish() == 128 + sig, drill.stderr[-2000:]
    state = drill.state()
    assert state["status"] == "interrupted" and state["undo_complete"] is True, state
    env = drill_env("throwaway", target)
    assert env is not None and env.redis is not None
    check_redis(env.redis)


def test_killed_drill_blocks_the_next_until_cleanup_run(
    pg_pair: dict[str, Any], state_dir: Path, tmp_path: Path
) -> None:
    target = local_target(state_dir, pg=pg_pair, settings=PG_SETTINGS)
    drill = DrillProcess("postgres_failover", target, "killed", state_dir, tmp_path)
    drill.wait_phase("fault")
    time.sleep(0.5)  # the primary is dead, the replica not yet promoted
    drill.proc.send_signal(signal.SIGKILL)
    drill.finish()
    left = drill.state()
    assert left["status"] == "running" and [u["status"] for u in left["undo"]] == ["pending", "pending"]
    env = drill_env("throwaway", target)
    assert env is not None and env.postgres is not None
    refused = run_postgres_failover(env, "next")
    assert refused.fault_at is None and "claimcheck cleanup --run-id killed" in str(refused.error)
    done = cleanup_run("killed", "throwaway", target)
    assert any("restore pg-primary" in step for step in done) and any("drop table" in step for step in done)
    check_postgres(env.postgres)
    assert cleanup_run("killed", "throwaway", target) == []  # idempotent
    assert drill.state()["status"] == "interrupted" and drill.state()["undo_complete"] is True
    assert cleanup_run("some-other-run", "throwaway", target) == []
