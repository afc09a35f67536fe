"""How a run's cost grows with the work.

`declared`: `claimcheck run --target none` against synthetic ledgers of 500, 2,000 and 10,000 claims, made
from the seed ledger by copying it (each copy its own systems, id prefixes and documents, so no copy can
conflict with another), the last copy cut to size. Each size is timed twice: cold (no cache: the suites run
under pytest and record) and warm (settled from the recorded outcomes). The whole process is timed from
outside; CPU seconds (user + sys, from the kernel's accounting of the child) are printed beside wall time,
since CPU is what a loaded machine distorts least. A least-squares line through (claims, seconds) gives the
slope in ms per claim; the slope of log(seconds) against log(claims) says how close to linear it is (1.0).

`nightly`: on the sandbox (bring it up first, under the sandbox lock), geo latency with 1, 3, 5 and every
vantage point (a targets file with only those), probes serial and in parallel; then (unless `--geo-only`)
the nightly run of one category at a time and all categories together: the cost of each category, and
the total against their sum.

    python benchmarks/bench_scaling.py declared [--sizes 500 2000 10000]
    flock /work/notes/sandbox.lock -c 'python -m checks.cli sandbox up && \\
        python benchmarks/bench_scaling.py nightly; python -m checks.cli sandbox down'
"""

from __future__ import annotations

import argparse
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "checks.cli"]


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + sys of the child) and exit code of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1, 3):
        raise RuntimeError(
            f"{' '.join(argv)} exited {done.returncode}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return wall, cpu, done.returncode


def _renamed(value: Any, names: dict[str, str], prefixes: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in names.items():
            value = value.replace(old, new)
        for old, new in prefixes.items():
            value = re.sub(rf"\b{old}-", f"{new}-", value)
        return value
    if isinstance(value, list):
        return [_renamed(v, names, prefixes) for v in value]
    if isinstance(value, dict):
        return {k: _renamed(v, names, prefixes) for k, v in value.items()}
    return value


def synthetic_project(size: int, folder: Path) -> Path:
    """A project holding `size` claims: copies of the seed ledger and its documents (see the docstring)."""
    claims_dir = folder / "claims"
    (claims_dir / "documents").mkdir(parents=True)
    shutil.copy(ROOT / "targets.yaml", folder / "targets.yaml")
    files = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "claims").glob("*.yaml"))]
    prefixes = {f["id_prefix"] for f in files}
    left, copy = size, 0
    while left > 0:
        names = {d: f"c{copy:03d}_{d}" for f in files for d in f["documents"]}
        renames = {p: f"{p}X{copy}" for p in prefixes}
        for doc, new in names.items():
            shutil.copy(ROOT / "claims" / "documents" / doc, claims_dir / "documents" / new)
        for index, raw in enumerate(files):
            made = _renamed(raw, names, renames)
            made["system"], made["id_prefix"] = f"{raw['system']} {copy}", renames[raw["id_prefix"]]
            made["claims"] = [{**c, "system": made["system"]} for c in made["claims"]][:left]
            left -= len(made["claims"])
            out = claims_dir / f"c{copy:03d}_{index}.yaml"
            out.write_text(yaml.safe_dump(made, sort_keys=False, allow_unicode=True), encoding="utf-8")
            if left <= 0:
                break
        copy += 1
    return folder


def fit(sizes: list[int], seconds: list[float]) -> tuple[float, float, float]:
    """(ms per claim, intercept s, log-log exponent) of a least-squares fit."""
    slope, intercept = np.polyfit(sizes, seconds, 1)
    exponent = float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])
    return float(slope) * 1000, float(intercept), exponent


def declared(sizes: list[int]) -> None:
    rows: dict[str, list[tuple[int, float, float]]] = {"cold": [], "warm": []}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-scaling-") as tmp:
            project = synthetic_project(size, Path(tmp) / "project")
            env = {**os.environ, "PYTHONPATH": str(ROOT), "CLAIMCHECK_CACHE_DIR": f"{tmp}/cache"}
            argv = [*CLI, "--project", str(project), "run", "--target", "none", "--no-html"]
            for mode in ("cold", "warm"):
                wall, cpu, _ = timed([*argv, "--reports-dir", f"{tmp}/{mode}"], env)
                rows[mode].append((size, wall, cpu))
                print(f"{size:>6} claims  {mode}  wall {wall:7.2f} s  cpu {cpu:7.2f} s", flush=True)
    for mode, found in rows.items():
        for label, column in (("wall", 1), ("cpu", 2)):
            ms, intercept, exponent = fit([r[0] for r in found], [r[column] for r in found])
            print(
                f"{mode} {label}: {ms:.2f} ms per claim + {intercept:.2f} s; "
                f"log-log slope {exponent:.2f} (1.00 = linear)"
            )


def _one_category(category: str, env: dict[str, str], targets: Path | None = None) -> float:
    argv = [*CLI, "run", "--target", "local", "--no-html", "--category", category]
    if targets is not None:
        argv += ["--targets-file", str(targets)]
    with tempfile.TemporaryDirectory(prefix="bench-nightly-") as tmp:
        wall, _, _ = timed([*argv, "--reports-dir", tmp], env)
    return wall


def _with_vantage_points(count: int, folder: Path) -> Path:
    """targets.yaml with only the first `count` city vantage points of `local` (geo claims elsewhere are
    then NOT_APPLICABLE and probe nothing)."""
    targets = yaml.safe_load((ROOT / "targets.yaml").read_text(encoding="utf-8"))
    local = targets["targets"]["local"]
    local["vantage_points"] = [v for v in local.get("vantage_points", []) if v.get("city")][:count]
    path = folder / f"targets-{count}.yaml"
    path.write_text(yaml.safe_dump(targets, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def vantage_scaling(env: dict[str, str]) -> None:
    """Geo latency with 1, 2, 3 and 5 city vantage points, probes serial and in parallel."""
    with tempfile.TemporaryDirectory(prefix="bench-vantage-") as tmp:
        for count in (1, 2, 3, 5):
            targets = _with_vantage_points(count, Path(tmp))
            serial = _one_category("geo-latency", {**env, "CLAIMCHECK_PROBE_WORKERS": "1"}, targets)
            parallel = _one_category("geo-latency", env, targets)
            said = f"serial {serial:5.1f} s, parallel {parallel:5.1f} s"
            print(f"geo-latency, {count} city vantage points: {said}", flush=True)


def nightly(geo_only: bool) -> None:
    from checks.ledger import CATEGORIES, default_ledger

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    vantage_scaling(env)
    if geo_only:
        return
    present = sorted({c.category for c in default_ledger()} & set(CATEGORIES))
    per = {}
    for category in present:
        per[category] = _one_category(category, env)
        print(f"{category:<14} {per[category]:7.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-nightly-") as tmp:
        total, _, _ = timed([*CLI, "run", "--target", "local", "--no-html", "--reports-dir", tmp], env)
    alone = sum(per.values())
    print(f"all {len(present)} categories together: {total:.1f} s; each alone, summed: {alone:.1f} s")
    costly = sorted(per.items(), key=lambda kv: -kv[1])
    cumulative = np.cumsum([s for _, s in costly])
    steps = ", ".join(f"{n + 1}: {c:.0f} s" for n, c in enumerate(cumulative))
    print(f"cumulative, costliest first: {steps}")
    if not math.isclose(total, alone, rel_tol=0.5):
        print("note: the total differs from the sum by more than half (shared set-up, or parallel probes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    one = sub.add_parser("declared")
    one.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    night = sub.add_parser("nightly")
    night.add_argument("--geo-only", action="store_true", help="only geo latency against vantage points")
    args = parser.parse_args()
    if args.what == "declared":
        declared(args.sizes)
    else:
        nightly(args.geo_only)


if __name__ == "__main__":
    main()
