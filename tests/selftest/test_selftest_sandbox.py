"""The planted-defect suite end to end: a whole sandbox of its own (alternative ports, namespaces, chains
and queues, so it runs beside a sandbox that is up), every defect planted, its claims judged through the
normal run path, undone and verified; plus a plant that `up` must leave alone, and an interrupted selftest.

Needs the sandbox's servers (sandbox/install.sh, which `make test` runs first) and root (namespaces, iptables,
PostgreSQL as the postgres user). Measured on the shared 2-core machine: see sandbox/defects/README.md.
"""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import manager, procs
from sandbox.config import DEFAULT_CITIES, DEFAULT_TENANTS, SandboxConfig, alternative_ports, config_to_dict
from sandbox.defects import store
from sandbox.defects.catalog import load_catalog, lookup
from sandbox.defects.live import Live
from sandbox.targetfile import target_for, write_targets_file

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PORT_OFFSET = 600
BINARIES = ("redis-server", "redis-sentinel", "nginx", "prometheus", "moto_server")
TARGET = "selftest-sandbox"


@dataclasses.dataclass(frozen=True)
class Harness:
    cfg: SandboxConfig
    config_file: Path
    targets_file: Path
    root: Path


def _missing() -> list[str]:
    missing = [b for b in BINARIES if shutil.which(b) is None]
    if not glob.glob("/usr/lib/postgresql/*/bin/postgres"):
        missing.append("postgres")
    return missing


def _config(run_dir: Path) -> SandboxConfig:
    """Names, subnets, chains and queues no other sandbox on this machine uses (tests/sandbox uses ct-)."""
    tenants = tuple(dataclasses.replace(t, netns=t.netns.replace("cc-", "cq-")) for t in DEFAULT_TENANTS)
    cities = tuple(dataclasses.replace(c, netns=c.netns.replace("cc-", "cq-")) for c in DEFAULT_CITIES)
    return SandboxConfig(
        run_dir=run_dir,
        ports=alternative_ports(PORT_OFFSET),
        tenants=tenants,
        cities=cities,
        subnet_base=181,
        chain_prefix="CQ-SANDBOX",
        delay_queue_base=1600,
    )


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    """One sandbox for the module, and the files that point the selftest at it."""
    if os.geteuid() != 0:
        pytest.skip("the planted-defect suite needs root (namespaces, iptables, PostgreSQL as postgres)")
    if missing := _missing():
        pytest.skip(f"server binaries not installed: {', '.join(missing)} (run sandbox/install.sh)")
    root = Path(tempfile.mkdtemp(prefix="cc-selftest-", dir="/tmp"))
    root.chmod(0o755)  # PostgreSQL runs as postgres and must traverse it
    cfg = _config(root / "run")
    busy = [p for p in dataclasses.asdict(cfg.ports).values() if procs.port_open("127.0.0.1", p, 0.2)]
    if busy:
        shutil.rmtree(root)
        pytest.skip(f"ports already in use on 127.0.0.1: {busy}")
    config_file = root / "sandbox-config.json"
    config_file.write_text(json.dumps(config_to_dict(cfg)))
    targets = write_targets_file(root / "targets.yaml", TARGET, target_for(cfg))
    try:
        report = manager.up(cfg)
        assert report.all_healthy, [(s.name, s.detail) for s in report.statuses if not s.ok]
        yield Harness(cfg, config_file, targets, root)
    finally:
        manager.down(cfg)
        shutil.rmtree(root, ignore_errors=True)


def _env() -> dict[str, str]:
    # another sandbox's secrets in the environment must not leak into these runs
    return {k: v for k, v in os.environ.items() if not k.startswith("CLAIMCHECK_LOCAL_")}


def _defects(h: Harness, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sandbox.defects", "--sandbox-config", str(h.config_file), *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=_env(),
    )


def test_planting_holds_the_component_against_up_and_the_undo_restores_it(harness: Harness) -> None:
    defect = lookup("tls12_enabled")
    live, mech = Live.of(harness.cfg), defect.mechanism()
    planted = _defects(harness, "plant", defect.name)
    assert planted.returncode == 0, planted.stderr
    assert mech.present(live)
    manager.up(harness.cfg)  # `claimcheck run` brings the sandbox up first: it must not undo the defect
    assert mech.present(live)
    nginx = next(s for s in manager.status(harness.cfg) if s.name == "nginx")
    assert nginx.held_by == defect.name and nginx.ok
    undone = _defects(harness, "unplant", defect.name)
    assert undone.returncode == 0, undone.stderr
    assert not mech.present(live) and store.planted(harness.cfg) == []
    assert next(s for s in manager.status(harness.cfg) if s.name == "nginx").healthy


def test_an_interrupted_selftest_undoes_the_planted_defect(harness: Harness) -> None:
    defect = lookup("api_slowed")
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox.defects",
            "--sandbox-config",
            str(harness.config_file),
            "selftest",
            "--targets-file",
            str(harness.targets_file),
            "--target",
            TARGET,
            "--defect",
            defect.name,
            "--reports-dir",
            str(harness.root / "interrupted"),
        ],
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=_env(),
    )
    assert child.stderr is not None
    deadline = time.monotonic() + 180
    for line in child.stderr:  # wait until the defect is in force, then stop the run
        if f"planted {defect.name}" in line or time.monotonic() > deadline:
            break
    child.send_signal(signal.SIGTERM)
    _, rest = child.communicate(timeout=120)  # drain stderr while the undo runs
    assert child.returncode == 130, rest[-2000:]
    assert store.planted(harness.cfg) == []
    assert not defect.mechanism().present(Live.of(harness.cfg))


def test_every_defect_flips_its_claims_and_is_undone(harness: Harness) -> None:
    began = time.monotonic()
    run = _defects(
        harness,
        "selftest",
        "--targets-file",
        str(harness.targets_file),
        "--target",
        TARGET,
        "--reports-dir",
        str(harness.root / "selftest"),
        timeout=1500,
    )
    print(run.stdout)
    print(f"selftest of {len(load_catalog().defects)} defects: {time.monotonic() - began:.0f} s")
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    rows = [line.split() for line in run.stdout.splitlines()[1:] if line.strip() and "  " in line]
    names = {row[0] for row in rows if len(row) > 5}
    assert set(load_catalog().names()) <= names
    assert store.planted(harness.cfg) == []
    assert all(s.ok and s.held_by is None for s in manager.status(harness.cfg))
