"""One open-loop engine run against a URL, for timing the whole process from outside (/usr/bin/time -v).

    python benchmarks/run_engine.py http://127.0.0.1:8080/index.html --rate 2000 --seconds 10 [--workers 1]

Prints the run's summary: sent, achieved rate, errors, lateness p99, the generator's CPU per request.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.collect.load import LoadPlan, run_open_loop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    url = urlsplit(args.url)
    plan = LoadPlan(
        f"{url.scheme}://{url.netloc}", url.path or "/", args.rate, args.seconds, workers=args.workers
    )
    samples = run_open_loop(plan, max_rps=args.rate)
    cpu_us = (samples.generator_cpu_s or 0.0) / max(1, samples.sent) * 1e6
    print(f"sent {samples.sent} of {samples.scheduled}, achieved {samples.achieved_rate:.0f} req/s, "
          f"errors {samples.errors}, lateness p99 {samples.lateness_us['p99'] / 1000:.1f} ms, "
          f"generator CPU {cpu_us:.1f} us/request")  # fmt: skip


if __name__ == "__main__":
    main()
