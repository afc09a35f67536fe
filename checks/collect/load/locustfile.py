"""The Locust side of the open-loop engine. Runs ONLY inside `locust -f` processes (it imports locust,
which monkey-patches gevent); the parent process never imports this module.

One OpenLoopUser per process sends its share of the plan: request i at t0 + i/rate, each in its own
greenlet spawned at its scheduled time, so a stalling server cannot delay the generator (no coordinated
omission). Latency is measured from the SCHEDULED time and recorded raw (integer ns) into an
HdrHistogram and a raw log. With a master, t0 is chosen by the master and sent to every worker.
"""

from __future__ import annotations

import gc
import json
import os
import time
from pathlib import Path
from typing import Any

import gevent
import gevent.ssl
from gevent.event import Event
from gevent.pool import Group
from geventhttpclient.url import URL
from locust import FastHttpUser, constant, events, task
from locust.env import Environment
from locust.exception import StopUser
from locust.runners import LocalRunner, MasterRunner, WorkerRunner

from checks.collect.load.plan import OUT_DIR_ENV, LoadPlan, worker_schedule
from checks.collect.load.samples import LogLine, histogram_value_us, new_histogram, write_log

PLAN = LoadPlan.from_env()
OUT_DIR = Path(os.environ[OUT_DIR_ENV])
START_MESSAGE = "claimcheck_start"
START_DELAY_S = 0.5  # lets every worker receive t0 before it
# Event-loop timers fire up to ~1 ms late; at low per-process rates (spare CPU) the last 1.5 ms before a
# send is spent yielding (gevent.idle) instead, cutting generator lateness from ~0.6 ms to ~0.05 ms. At
# higher rates that busy-wait would steal CPU from the requests themselves, so it is off.
SPIN_MAX_RATE = 500.0
SPIN_NS = 1_500_000 if PLAN.rate / PLAN.workers <= SPIN_MAX_RATE else 0
_start = Event()
_t0_wall: list[float] = []
_env: list[Environment] = []
_started = [False]
HEADERS = {"Host": PLAN.server_hostname, **PLAN.headers} if PLAN.server_hostname else PLAN.headers
REQUEST_URI = URL(PLAN.url).request_uri
Row = tuple[int, int, int, int, str]  # scheduled ns, sent ns, latency ns, status, error


def _set_t0(t0_wall: float) -> None:
    _t0_wall.append(t0_wall)
    _start.set()


def _on_init(environment: Environment, **_: Any) -> None:
    _env.append(environment)
    if isinstance(environment.runner, WorkerRunner):
        environment.runner.register_message(START_MESSAGE, lambda msg, **_kw: _set_t0(msg.data["t0"]))


def _on_spawned(user_count: int, **_: Any) -> None:
    runner = _env[0].runner
    if isinstance(runner, MasterRunner):
        runner.send_message(START_MESSAGE, {"t0": time.time() + START_DELAY_S})
    elif isinstance(runner, LocalRunner) and not _start.is_set():
        _set_t0(time.time() + START_DELAY_S / 5)


events.init.add_listener(_on_init)  # type: ignore[no-untyped-call]
events.spawning_complete.add_listener(_on_spawned)  # type: ignore[no-untyped-call]


def _sleep_until(due_ns: int) -> None:
    """Sleep to `due_ns` (monotonic): the event loop's timers round up to whole ms, so the last stretch
    yields to other greenlets (requests keep being served) until the clock reaches the due time."""
    delay = due_ns - time.monotonic_ns()
    if delay > SPIN_NS:
        gevent.sleep((delay - SPIN_NS) / 1e9)
    while time.monotonic_ns() < due_ns:
        gevent.idle()


class _NamedContext(gevent.ssl.SSLContext):  # type: ignore[misc]
    """Verifies the server certificate against plan.server_hostname instead of the URL's host."""

    def wrap_socket(self, sock: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["server_hostname"] = PLAN.server_hostname
        return super().wrap_socket(sock, *args, **kwargs)


def _verified_context(**_: Any) -> gevent.ssl.SSLContext:
    """Certificate and host name checked against the plan's CA file (the system's CAs when none), and
    against server_hostname when given."""
    if not PLAN.server_hostname:
        return gevent.ssl.create_default_context(cafile=PLAN.ca_file)
    ctx = _NamedContext(gevent.ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=PLAN.ca_file)
    return ctx


def _fetch(http: Any) -> tuple[int, str]:
    """One request on the FastHttp (geventhttpclient) connection pool, body read: (status, error).
    Locust's stats and its URL/cookie/redirect layer are bypassed: they cost CPU per request and Locust's
    stats round; this engine records every latency itself. Redirects are measured, not followed."""
    try:
        resp = http.request(PLAN.method, REQUEST_URI, body=PLAN.body, headers=HEADERS)
        resp.read()
        return resp.status_code, "" if resp.status_code < 400 else f"HTTP {resp.status_code}"
    except Exception as exc:  # a broken request is a logged error, never a crashed run
        return 0, type(exc).__name__


class OpenLoop:
    """One process's share of the schedule, its raw rows and its histogram."""

    def __init__(self, client: Any, worker: int, t0_wall: float) -> None:
        self.http = client.client.clientpool.get_client(URL(PLAN.url))
        self.worker = worker
        self.indices = worker_schedule(PLAN, worker)
        self.rows: list[Row | None] = [None] * len(self.indices)
        self.hist = new_histogram()
        self.t0_wall = t0_wall
        self.t0_ns = time.monotonic_ns() + int((t0_wall - time.time()) * 1e9)
        self.group = Group()

    def run(self) -> None:
        """Spawn each request at its scheduled time, then wait for the stragglers up to the timeout."""
        step_ns = 1e9 / PLAN.rate
        gc.collect()
        gc.freeze()  # startup objects leave the collector's view: shorter full-collection pauses mid-run
        for slot, index in enumerate(self.indices):
            due = self.t0_ns + round(index * step_ns)
            _sleep_until(due)
            self.group.spawn(self.send, slot, due)
        self.group.join(timeout=PLAN.timeout_s + 2)
        self.group.kill(block=False)

    def send(self, slot: int, due: int) -> None:
        sent = time.monotonic_ns()
        self.rows[slot] = (due, sent, -1, 0, "unfinished")
        status, error = _fetch(self.http)
        latency = time.monotonic_ns() - due
        self.hist.record_value(histogram_value_us(latency))
        self.rows[slot] = (due, sent, latency, status, error)

    def lines(self) -> list[LogLine]:
        out = []
        for slot, row in enumerate(self.rows):
            due = self.t0_ns + round(self.indices[slot] * 1e9 / PLAN.rate)
            due_ns, sent_ns, lat, status, err = row or (due, 0, -1, -1, "not sent")
            out.append(
                LogLine(
                    self._wall(due_ns),
                    self._wall(sent_ns) if sent_ns else 0.0,
                    None if lat < 0 else lat,
                    status,
                    err,
                )
            )
        return out

    def _wall(self, mono_ns: int) -> float:
        return self.t0_wall + (mono_ns - self.t0_ns) / 1e9

    def write(self) -> None:
        """worker-K.log (raw lines), worker-K.hist (encoded HdrHistogram), then worker-K.done."""
        write_log(OUT_DIR / f"worker-{self.worker}.log", self.lines())
        (OUT_DIR / f"worker-{self.worker}.hist").write_bytes(self.hist.encode())
        (OUT_DIR / f"worker-{self.worker}.done").write_text(json.dumps({"requests": len(self.indices)}))


class OpenLoopUser(FastHttpUser):
    """Drives this process's open-loop schedule once, writes its evidence, then ends the process."""

    host = PLAN.base_url
    concurrency = PLAN.max_connections
    network_timeout = PLAN.timeout_s
    connection_timeout = PLAN.timeout_s
    insecure = not PLAN.verify_tls
    ssl_context_factory = staticmethod(_verified_context) if PLAN.verify_tls else None
    wait_time = constant(0)

    @task
    def open_loop(self) -> None:
        if _started[0]:  # a user re-dispatched after another worker quit: the schedule is already covered
            raise StopUser()
        _started[0] = True
        runner = self.environment.runner
        if not _start.wait(timeout=60):
            (OUT_DIR / "start-timeout").write_text("no start time received from the master")
        else:
            loop = OpenLoop(self.client, max(getattr(runner, "worker_index", 0), 0), _t0_wall[0])
            loop.run()
            loop.write()
        gevent.spawn_later(0.1, runner.quit)
        raise StopUser()
