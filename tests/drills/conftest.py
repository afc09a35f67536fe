"""Throwaway servers for the drill tests (started here, stopped afterwards; skipped without the binaries)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.drills import servers


def _scratch_root(prefix: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)  # the postgres user must traverse it
    return root


@pytest.fixture(scope="session")
def pg_pair() -> Iterator[dict[str, Any]]:
    """A PostgreSQL primary + streaming replica on free ports (the `postgres` drill binding)."""
    if not servers.pg_bin("initdb") or not servers.pg_bin("pg_basebackup"):
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    root = _scratch_root("cc-drill-pg-")
    binding = servers.start_pg_pair(root)
    yield binding
    servers.stop_pg_pair(binding)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_trio() -> Iterator[dict[str, Any]]:
    """Redis primary + replica + one sentinel on free ports."""
    if not shutil.which("redis-server") or not shutil.which("redis-sentinel"):
        pytest.skip(
            "redis-server / redis-sentinel not installed (apt-get install redis-server redis-sentinel)"
        )
    root = _scratch_root("cc-drill-redis-")
    trio = servers.start_redis_trio(root)
    yield trio
    servers.stop_procs(trio["sentinel"], trio["replica"], trio["primary"])
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["both"])
def app_stack(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """Two app instances behind an nginx gateway (param "first": the gateway routes to one instance only)."""
    if not shutil.which("nginx"):
        pytest.skip("nginx not installed (apt-get install nginx)")
    root = _scratch_root("cc-drill-app-")
    stack = servers.start_app_stack(root, request.param)
    yield stack
    servers.stop_procs(stack["nginx"], *stack["instances"])
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    """Where this test's drills write their state files."""
    return tmp_path / "drill-state"
