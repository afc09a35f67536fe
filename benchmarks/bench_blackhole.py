"""Worst-case duration of a nightly run against a black-hole target (independent of tests/).

Every endpoint of a target shaped like `local` (gateway, plain HTTP, Prometheus, PostgreSQL primary and
replica, Redis primary, replica and sentinel, the AWS endpoint, the Kubernetes API) is a separate listener
that accepts connections and never answers. `claimcheck run --profile nightly` runs against it as a
subprocess; the script prints what the run stated as its worst case, how long it took, and the verdicts.

    python benchmarks/bench_blackhole.py                       # this checkout
    python benchmarks/bench_blackhole.py --root /path/to/other/checkout --cap 900   # e.g. before a change

Target: the whole nightly profile in under 5 minutes. `--cap` stops a run that takes longer (SIGINT) and
reports how far it got.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

SECTIONS = (
    "gateway",
    "plain",
    "prometheus",
    "pg_primary",
    "pg_replica",
    "redis",
    "redis_replica",
    "sentinel",
    "aws",
    "kube",
)


class BlackHole:
    """One listener per endpoint; every connection accepted and held, never answered."""

    def __init__(self) -> None:
        self.socks: dict[str, socket.socket] = {}
        self.conns: list[socket.socket] = []
        self.stop = threading.Event()
        for name in SECTIONS:
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sock.listen(512)
            sock.settimeout(0.1)
            self.socks[name] = sock
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def port(self, name: str) -> int:
        return int(self.socks[name].getsockname()[1])

    def _accept(self) -> None:
        while not self.stop.is_set():
            for sock in self.socks.values():
                with contextlib.suppress(OSError):
                    conn, _ = sock.accept()
                    self.conns.append(conn)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for sock in [*self.socks.values(), *self.conns]:
            sock.close()


def targets_yaml(hole: BlackHole) -> str:
    """A `local`-shaped staging target on the black holes (only keys every claimcheck version accepts)."""
    p = hole.port
    return f"""default: blackhole
targets:
  blackhole:
    kind: staging
    description: every endpoint accepts and never answers
    max_rps: 600
    http:
      base_url: https://127.0.0.1:{p("gateway")}
      plain_url: http://127.0.0.1:{p("plain")}
      routes: {{api: /api/v1/providers, static: /static/app.js, cdn: /static/app.js,
               psychology: /api/v1/psychology/sessions, ml: /api/v1/ml/predict, health: /health}}
    probe_tenant: t-b
    load_tenant: t-a
    tenants:
      - {{slug: t-a, tier: enterprise, api_key_env: CC_BH_KEY, db_role: r_a, db_password_env: CC_BH_KEY}}
      - {{slug: t-b, tier: standard, api_key_env: CC_BH_KEY, db_role: r_b, db_password_env: CC_BH_KEY}}
    postgres:
      primary: {{host: 127.0.0.1, port: {p("pg_primary")}, dbname: app, user: app, password_env: CC_BH_KEY}}
      replica: {{host: 127.0.0.1, port: {p("pg_replica")}, dbname: app, user: app, password_env: CC_BH_KEY}}
    redis:
      primary: {{host: 127.0.0.1, port: {p("redis")}}}
      replica: {{host: 127.0.0.1, port: {p("redis_replica")}}}
      sentinel: {{host: 127.0.0.1, port: {p("sentinel")}, master_name: m}}
    prometheus: {{url: 'http://127.0.0.1:{p("prometheus")}', app_job: app}}
    aws:
      endpoint_url: http://127.0.0.1:{p("aws")}
      regions: [sa-east-1, us-east-1]
      access_key_id_env: CC_BH_KEY
      secret_access_key_env: CC_BH_KEY
      buckets: {{audit: barberpro-audit-logs}}
      resource_prefix: {{BarberPro: barberpro-, BookedBarber V2: bookedbarber-}}
    kubernetes: {{host: 'http://127.0.0.1:{p("kube")}'}}
    vantage_points: [{{name: local, kind: local}}]
    profiles:
      nightly: {{latency_seconds: 20, latency_rps: 150, probe_count: 300, drills: false}}
"""


def run(root: Path, cap_s: float) -> None:
    hole = BlackHole()
    work = Path(tempfile.mkdtemp(prefix="cc-blackhole-"))
    (work / "targets.yaml").write_text(targets_yaml(hole), encoding="utf-8")
    reports = work / "reports"
    cmd = [sys.executable, "-m", "checks.cli", "run", "--targets-file", str(work / "targets.yaml"),
           "--profile", "nightly", "--no-html", "--reports-dir", str(reports)]  # fmt: skip
    env = {**os.environ, "CC_BH_KEY": "blackhole-key-0000", "PYTHONPATH": str(root)}
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    capped = False
    try:
        out, _ = proc.communicate(timeout=cap_s)
    except subprocess.TimeoutExpired:
        capped = True
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=300)
    elapsed = time.monotonic() - started
    hole.close()
    report(root, out, elapsed, capped, cap_s, proc.returncode, reports, len(hole.conns))


def report(
    root: Path, out: str, elapsed: float, capped: bool, cap_s: float, code: int, reports: Path, conns: int
) -> None:
    stated = re.search(r"worst case: ([^\n(]+)", out)
    verdicts = reports / "verdicts.json"
    doc = json.loads(verdicts.read_text()) if verdicts.is_file() else None
    print(f"checkout:      {root}")
    print(f"stated:        {stated[1].strip() if stated else '(no worst case stated)'}")
    note = f" - CAPPED at {cap_s:.0f} s, then SIGINT" if capped else ""
    print(f"measured:      {elapsed:.0f} s ({elapsed / 60:.1f} min){note}")
    print(f"exit code:     {code}")
    print(f"connections:   {conns} accepted by the black holes")
    if doc is not None:
        counts = Counter(c["verdict"] for c in doc["claims"])
        reached = sum(v for k, v in counts.items() if k != "NOT_RUN")
        print(f"claims:        {reached} of {len(doc['claims'])} reached; {dict(sorted(counts.items()))}")
        print(f"complete:      {doc['run'].get('complete')}  interrupted: {doc['run'].get('interrupted')}")
    print(f"under 5 min:   {'yes' if elapsed < 300 and not capped else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--root", default=str(Path(__file__).resolve().parent.parent), help="claimcheck checkout"
    )
    parser.add_argument("--cap", type=float, default=1800.0, help="stop the run after this many seconds")
    args = parser.parse_args()
    run(Path(args.root), args.cap)


if __name__ == "__main__":
    main()
