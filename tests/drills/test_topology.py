"""The drills binding resolved: a run-time generated file merged under targets.yaml's keys, a missing file
named in the reason, a broken one a configuration error; the sandbox writes a file that resolves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checks.drills.topology import drill_env, drills_binding
from checks.errors import ConfigError
from checks.evaluate.dr_scope import not_applicable_reason
from checks.ledger import default_ledger
from checks.targets import Target

NODE = {"argv": ["/bin/postgres"], "log": "/tmp/x.log", "data_dir": "/d", "socket_dir": "/s"}


def target(drills: dict[str, Any]) -> Target:
    return Target.model_validate(
        {
            "kind": "sandbox",
            "postgres": {
                "primary": {"host": "127.0.0.1", "port": 5432, "dbname": "db", "user": "u"},
                "replica": {"host": "127.0.0.1", "port": 5433, "dbname": "db", "user": "u"},
            },
            "bindings": {"drills": drills},
        }
    )


def write(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def generated(tmp_path: Path) -> str:
    nodes = {
        "primary": {**NODE, "name": "p", "port": 5432},
        "replica": {**NODE, "name": "r", "port": 5433},
        "promote_after_s": 9,  # targets.yaml says otherwise, and wins
    }
    return write(tmp_path / "drills.json", {"postgres": nodes})


def test_the_generated_file_is_merged_under_the_targets_keys(tmp_path: Path) -> None:
    t = target({"generated": generated(tmp_path), "postgres": {"promote_after_s": 1.5}})
    env = drill_env("local", t, tmp_path)
    assert env is not None and env.postgres is not None and env.note is None
    assert env.postgres.primary.port == 5432 and env.postgres.settings.promote_after_s == 1.5


def test_a_relative_generated_path_is_read_from_the_root(tmp_path: Path) -> None:
    generated(tmp_path)
    env = drill_env("local", target({"generated": "drills.json"}), tmp_path)
    assert env is not None and env.postgres is not None


def test_a_missing_generated_file_leaves_the_part_out_and_says_why(tmp_path: Path) -> None:
    env = drill_env("local", target({"generated": str(tmp_path / "absent.json")}), tmp_path)
    assert env is not None and env.postgres is None and "has not been written" in str(env.note)
    failover = next(c for c in default_ledger() if c.id == "BP-D08-DR-02")
    reason = not_applicable_reason(failover, env.capabilities())
    assert reason is not None and "absent.json has not been written" in reason


@pytest.mark.parametrize(
    ("content", "why"),
    [("{not json", "not valid JSON"), ({"postgres": {"primary": {"argv": []}}}, "Field required")],
)
def test_a_broken_generated_file_is_a_config_error_naming_it(tmp_path: Path, content: Any, why: str) -> None:
    path = write(tmp_path / "drills.json", content)
    with pytest.raises(ConfigError, match=why) as raised:
        drills_binding(target({"generated": path}), tmp_path)
    assert "drills.json" in str(raised.value)


def test_no_drills_binding_means_no_drills_even_on_a_sandbox(tmp_path: Path) -> None:
    assert drill_env("local", Target.model_validate({"kind": "sandbox"}), tmp_path) is None


def test_the_sandbox_writes_a_binding_that_resolves(tmp_path: Path) -> None:
    from sandbox import drills_binding as sandbox_drills
    from sandbox.components.base import RunContext
    from sandbox.config import SandboxConfig

    path = sandbox_drills.write(RunContext(SandboxConfig(run_dir=tmp_path), {}))
    raw = target({"generated": str(path)}).model_dump(exclude_defaults=True)
    raw["redis"] = {
        "primary": {"host": "127.0.0.1", "port": 26379},
        "replica": {"host": "127.0.0.1", "port": 26380},
        "sentinel": {"host": "127.0.0.1", "port": 26381, "master_name": "m"},
    }
    raw["http"] = {"base_url": "https://127.0.0.1:28443"}
    env = drill_env("local", Target.model_validate(raw), tmp_path)
    assert env is not None and env.postgres is not None and env.redis is not None and env.rollout is not None
    assert env.postgres.primary.data_dir == str(tmp_path / "pg-primary" / "data")
    assert env.postgres.settings.replication_user == "replicator"
    assert env.redis.primary.pidfile == str(tmp_path / "pids" / "redis-primary.pid")
    assert [i.health_url for i in env.rollout.instances] == [
        "http://127.0.0.1:28000/health",
        "http://127.0.0.1:28001/health",
    ]
