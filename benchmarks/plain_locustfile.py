"""Plain Locust FastHttpUser: the reference for the open-loop engine.

Closed loop with no think time by default; with BENCH_THROUGHPUT (requests/s per user) each user is paced
by Locust's constant_throughput. With BENCH_CPU_FILE, the CPU this process spent between test start and
test stop (user + system seconds) is written there.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant, constant_throughput, events, task

PATH = os.environ.get("BENCH_PATH", "/index.html")
THROUGHPUT = float(os.environ.get("BENCH_THROUGHPUT", "0"))
_cpu_at_start: list[float] = []


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@events.test_start.add_listener
def _started(**_: Any) -> None:
    _cpu_at_start.append(_cpu_s())


@events.test_stop.add_listener
def _stopped(**_: Any) -> None:
    target = os.environ.get("BENCH_CPU_FILE")
    if target and _cpu_at_start:
        Path(target).write_text(f"{_cpu_s() - _cpu_at_start[0]:.6f}\n")


class PlainUser(FastHttpUser):
    """Each user sends its next request as soon as the previous one is answered (or at its pace)."""

    wait_time = constant_throughput(THROUGHPUT) if THROUGHPUT else constant(0)

    @task
    def get(self) -> None:
        self.client.get(PATH)
