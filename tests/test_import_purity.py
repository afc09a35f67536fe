"""Evaluators are pure: importing any module of checks/evaluate/ loads no I/O library.

Each module is imported in a fresh process (forked from one that has loaded only the harmless scientific and
validation stack, so the test takes seconds, not minutes) and the I/O libraries it pulled in are listed.
Modules that still fail are named in ALLOWED_IMPURE with the reason; the list may only shrink: a module on
it that has become pure fails the test until it is taken off.

The Kubernetes collectors, and the suites that use them, import `kubernetes` only on first use (it costs
~0.7 s of CPU): a process that judges no Kubernetes claim, or pytest collecting the suites, never loads it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IO_LIBRARIES = ("kubernetes", "requests", "psycopg", "redis", "boto3", "locust")

# Evaluators that still import their evidence from a collector (owned elsewhere; issue 14 item 3). Remove a
# line when its module becomes pure.
ALLOWED_IMPURE: dict[str, str] = {}

PROBE = r"""
import importlib, json, os, sys
IO = {io}
for warm in ("numpy", "scipy.stats", "pydantic", "yaml", "checks.verdicts", "checks.ledger"):
    importlib.import_module(warm)
preloaded = [m for m in IO if m in sys.modules]
found = {{}}
for name in {modules}:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(name)
            loaded = [m for m in IO if m in sys.modules]
        except Exception as exc:
            loaded = ["import failed: " + repr(exc)]
        os.write(write, json.dumps(loaded).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        found[name] = json.loads(pipe.read() or '["no answer"]')
    os.waitpid(pid, 0)
print(json.dumps({{"preloaded": preloaded, "found": found}}))
"""


def evaluator_modules() -> list[str]:
    """Every module under checks/evaluate/, as dotted names."""
    base = ROOT / "checks" / "evaluate"
    names = []
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.fixture(scope="module")
def loaded() -> dict[str, list[str]]:
    if not hasattr(__import__("os"), "fork"):
        pytest.skip("needs os.fork")
    script = PROBE.format(io=repr(IO_LIBRARIES), modules=repr(evaluator_modules()))
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["preloaded"] == [], f"the warm-up itself loaded {result['preloaded']}"
    found: dict[str, list[str]] = result["found"]
    return found


def test_every_evaluator_imports_no_io_library(loaded: dict[str, list[str]]) -> None:
    impure = {m: libs for m, libs in loaded.items() if libs and m not in ALLOWED_IMPURE}
    assert impure == {}, f"evaluator modules that import I/O libraries: {impure}"


def test_the_allow_list_only_shrinks(loaded: dict[str, list[str]]) -> None:
    now_pure = [m for m in ALLOWED_IMPURE if m in loaded and not loaded[m]]
    gone = [m for m in ALLOWED_IMPURE if m not in loaded]
    assert now_pure == [] and gone == [], f"take these off ALLOWED_IMPURE: {now_pure + gone}"


def test_every_module_was_probed(loaded: dict[str, list[str]]) -> None:
    assert len(loaded) == len(evaluator_modules()) > 30


# Modules that import `kubernetes` only inside the functions that call the cluster.
KUBE_LAZY = (
    "checks.collect.kube",
    "checks.collect.kube.client",
    "checks.collect.kube.timeline",
    "checks.collect.mesh",
    "checks.collect.geo",
    "checks.collect.geo_pod",
    "suites.isolation.test_kubernetes",
    "suites.compliance.test_transport",
    "suites.autoscaling.test_autoscaling",
)

KUBE_PROBE = r"""
import importlib, json, sys
first = None
for name in {modules}:
    importlib.import_module(name)
    if first is None and "kubernetes" in sys.modules:
        first = name
print(json.dumps(first))
"""


def test_kubernetes_collectors_and_suites_import_kubernetes_only_on_first_use() -> None:
    script = KUBE_PROBE.format(modules=repr(KUBE_LAZY))
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout.strip().splitlines()[-1])
    assert first is None, f"importing {first} loaded kubernetes"
