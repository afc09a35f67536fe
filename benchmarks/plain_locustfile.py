"""Plain closed-loop Locust FastHttpUser (no think time): the reference for the open-loop engine."""

from __future__ import annotations

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/index.html")


class PlainUser(FastHttpUser):
    """Each user sends its next request as soon as the previous one is answered (closed loop)."""

    wait_time = constant(0)

    @task
    def get(self) -> None:
        self.client.get(PATH)
