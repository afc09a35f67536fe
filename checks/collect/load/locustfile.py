"""The Locust side of the open-loop engine. Runs ONLY inside `locust -f` processes (locust monkey-patches
gevent on import); the claimcheck process never imports this module.

Self-contained on purpose: it imports only the standard library, gevent (and its greenlet), msgpack and
locust, because a worker on another host (ssh, pod) gets this file from the master (`locust -f -
--worker`) and has no claimcheck installed. The plan reaches the workers in the master's start message.

Each worker sends its share of one schedule: request i at t0 + i/rate, i = share, share + shares, ...
(the sum over all workers is the plan's rate). Every request is handed at its scheduled time to a
greenlet of its own (a parked sender, reused), so a stalling server never delays the generator (no
coordinated omission); the sends due within the same wake-up of the event loop (about a millisecond)
are handed out together. Latency is measured from the SCHEDULED time, in integer ns, into preallocated
arrays; the arrays travel once, at the end, to the master (or straight to the evidence directory when
there is no master). Requests go over a pool of keep-alive connections opened before t0, the request
encoded once, read by a minimal HTTP/1.1 reader (Content-Length, chunked, read-to-close; redirects are
measured, not followed).
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import resource
import signal
import socket
import sys
import time
from array import array
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent
import gevent.ssl
import msgpack
from gevent.event import Event
from gevent.lock import Semaphore
from greenlet import getcurrent
from greenlet import greenlet as RawGreenlet
from locust import User, constant, events, runners, task
from locust.env import Environment
from locust.runners import LocalRunner, MasterRunner, WorkerRunner

PLAN_ENV = "CLAIMCHECK_LOAD_PLAN"  # the same names as checks/collect/load/plan.py (a test keeps them equal)
OUT_DIR_ENV = "CLAIMCHECK_LOAD_OUT"
LABEL_ENV = "CLAIMCHECK_LOAD_WORKER_LABEL"  # and these as in children.py and workers.py
PARENT_ENV = "CLAIMCHECK_LOAD_PARENT"
START, HELLO, PROGRESS, ROWS = "cc_start", "cc_hello", "cc_progress", "cc_rows"
START_DELAY_S = 0.5  # lets every worker receive the start message and warm its connections before t0
LOCAL_START_S = 0.01  # with no master, t0 is this soon after the connections are warm
PROGRESS_EVERY_S = 1.0
# Event-loop timers fire up to ~1 ms late; at low per-process rates (spare CPU) the last 1.5 ms before a
# send is spent yielding (gevent.idle) instead, cutting generator lateness from ~0.6 ms to ~0.05 ms. At
# higher rates that busy-wait would steal CPU from the requests themselves, so it is off.
SPIN_MAX_RATE = 500.0
SPIN_NS = 1_500_000
HEAD_LIMIT = 65536
MAX_ERROR_KINDS, OTHER_ERRORS = 255, "other errors (more than 254 kinds in this run)"
WARM_MIN, WARM_FOR_S = 4, 0.02
NO_BODY_STATUS = (204, 304)
# A worker whose master went away quits after this long instead of Locust's 60 s.
runners.MASTER_HEARTBEAT_TIMEOUT = 10
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """A process claimcheck started on this machine is killed by the kernel when claimcheck dies, however
    it dies (even SIGKILL); one whose parent is already gone exits now."""
    parent = os.environ.get(PARENT_ENV)
    if not parent or not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != int(parent):
        os._exit(1)


_die_with_parent()


class BadResponse(Exception):
    """The server's bytes are not an HTTP/1.x response this reader understands."""


class ClosedEarly(Exception):
    """The connection closed before the response was complete."""


class Target:
    """Where and what to send: the pre-encoded request and how to open a connection."""

    def __init__(self, plan: dict[str, Any]) -> None:
        url = urlsplit(plan["base_url"])
        self.host = url.hostname or ""
        self.tls = url.scheme == "https"
        self.port = url.port or (443 if self.tls else 80)
        self.timeout = float(plan["timeout_s"])
        self.no_body = plan["method"].upper() == "HEAD"
        self.request = _encode_request(plan, url.netloc.rpartition("@")[2])
        self.context = _tls_context(plan) if self.tls else None
        self.server_hostname = plan["server_hostname"] or self.host
        # resolved once: a lookup per new connection would go through gevent's resolver threads, whose
        # GIL hand-offs slow the whole loop just when a backlog needs many connections at once
        family, kind, proto, _, address = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)[0]
        self.family, self.kind, self.proto, self.address = family, kind, proto, address


def _encode_request(plan: dict[str, Any], netloc: str) -> bytes:
    headers = {"Host": plan["server_hostname"] or netloc, "User-Agent": "claimcheck-load"}
    headers |= {k.title(): str(v) for k, v in plan["headers"].items()}
    body = (plan["body"] or "").encode()
    if plan["body"] is not None or plan["method"].upper() in ("POST", "PUT", "PATCH"):
        headers["Content-Length"] = str(len(body))
    lines = [f"{plan['method'].upper()} {plan['path']} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _tls_context(plan: dict[str, Any]) -> gevent.ssl.SSLContext:
    """Certificate and host name checked against the plan's CA file (the system's CAs when none), and
    against server_hostname when given; nothing checked when verify_tls is off."""
    if not plan["verify_tls"]:
        ctx = gevent.ssl.SSLContext(gevent.ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = gevent.ssl.CERT_NONE
        return ctx
    return gevent.ssl.create_default_context(cafile=plan["ca_file"])


class Connection:
    """One keep-alive connection and its receive buffer. Its socket has no timeout of its own (a gevent
    timeout per read costs more than the read): the pool's watchdog closes it past its `deadline`."""

    __slots__ = ("buf", "deadline", "expired", "opened", "pooled", "sock", "view")

    def __init__(self, target: Target) -> None:
        self.sock = socket.socket(target.family, target.kind, target.proto)
        self.buf = bytearray(HEAD_LIMIT)
        self.view = memoryview(self.buf)
        self.opened = self.pooled = self.expired = False  # pooled: it waited idle in the pool
        self.deadline = 0

    def open(self, target: Target) -> None:
        self.opened = True
        self.sock.connect(target.address)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if target.context is not None:
            self.sock = target.context.wrap_socket(self.sock, server_hostname=target.server_hostname)

    def exchange(self, request: bytes, no_body: bool) -> tuple[int, bool]:
        """Send the request, read the whole response: (status, connection still usable)."""
        self.sock.sendall(request)
        n, end, head = self._head()
        status = int(head[9:12])
        keep = b"\r\nconnection: close" not in head and not (
            head.startswith(b"http/1.0") and b"\r\nconnection: keep-alive" not in head
        )
        start = end + 4
        if no_body or status in NO_BODY_STATUS:
            return status, keep and n == start
        if _header_has(head, b"\r\ntransfer-encoding:", b"chunked"):
            return status, self._chunked(start, n) and keep
        at = head.find(b"\r\ncontent-length:")
        if at < 0:
            self._until_close()
            return status, False
        eol = head.find(b"\r\n", at + 17)
        return status, self._skip(int(head[at + 17 : eol if eol > 0 else len(head)]), n - start) and keep

    def _head(self) -> tuple[int, int, bytes]:
        """Receive up to the end of the response head (skipping 1xx interim responses)."""
        buf, n, end = self.buf, 0, -1
        while True:
            if end < 0:
                got = self.sock.recv_into(self.view[n:])
                if not got:
                    raise ClosedEarly("closed before the response head" if n else "closed")
                n += got
                end = buf.find(b"\r\n\r\n", max(0, n - got - 3), n)
                if end < 0 and n == HEAD_LIMIT:
                    raise BadResponse("response head over 64 KiB")
                continue
            head = bytes(buf[:end]).lower()
            if not head.startswith(b"http/1.") or not head[9:12].isdigit():
                raise BadResponse(f"not an HTTP/1.x response: {head[:40]!r}")
            if head[9:10] != b"1":
                return n, end, head
            rest = n - end - 4  # an interim 1xx response: drop it, read the next head
            buf[:rest] = buf[end + 4 : n]
            n, end = rest, buf.find(b"\r\n\r\n", 0, rest)

    def _skip(self, length: int, have: int) -> bool:
        """Read and drop the rest of a body of `length` bytes; True when nothing followed it."""
        while have < length:
            got = self.sock.recv_into(self.buf, min(HEAD_LIMIT, length - have))
            if not got:
                raise ClosedEarly("closed inside the body")
            have += got
        return have == length

    def _chunked(self, pos: int, n: int) -> bool:
        """Read a chunked body (and its trailers); True when nothing followed it."""
        while True:
            pos, n, line = self._line(pos, n)
            size = int(line.split(b";")[0], 16)
            if size == 0:
                break
            left = size + 2 - (n - pos)  # the chunk and its CRLF
            if left <= 0:
                pos += size + 2
                continue
            self._skip(left, 0)
            pos = n = 0
        while True:  # trailers, up to an empty line
            pos, n, line = self._line(pos, n)
            if not line:
                return pos == n

    def _line(self, pos: int, n: int) -> tuple[int, int, bytes]:
        eol = self.buf.find(b"\r\n", pos, n)
        while eol < 0:
            rest = n - pos
            self.buf[:rest] = self.buf[pos:n]
            pos, n = 0, rest
            if n == HEAD_LIMIT:
                raise BadResponse("chunk line over 64 KiB")
            got = self.sock.recv_into(self.view[n:])
            if not got:
                raise ClosedEarly("closed inside a chunked body")
            n += got
            eol = self.buf.find(b"\r\n", 0, n)
        return eol + 2, n, bytes(self.buf[pos:eol]).strip()

    def _until_close(self) -> None:
        while self.sock.recv_into(self.buf):
            pass

    def close(self) -> None:
        self.sock.close()


def _header_has(head: bytes, name: bytes, word: bytes) -> bool:
    at = head.find(name)
    return at >= 0 and word in head[at : head.find(b"\r\n", at + 2) % (len(head) + 1)]


class Pool:
    """At most `limit` requests at once, each on a free connection or a new one; some opened before t0
    (warm). A request past its deadline has its connection closed by the watchdog: a TimeoutError."""

    def __init__(self, target: Target, limit: int) -> None:
        self.target = target
        self.free: list[Connection] = []
        self.slots = Semaphore(limit)
        self.every: set[Connection] = set()

    def warm(self, count: int) -> None:
        for _ in range(count):
            conn = self._new()
            conn.deadline = time.monotonic_ns() + int(self.target.timeout * 1e9)
            try:
                conn.open(self.target)
            except Exception:  # an unreachable target shows in the requests themselves
                self._drop(conn)
                return
            conn.deadline = 0
            conn.pooled = True
            self.free.append(conn)

    def _new(self) -> Connection:
        conn = Connection(self.target)
        self.every.add(conn)
        return conn

    def fetch(self, deadline: int) -> int:
        """One request on a pooled connection: its status. A reused connection the server had already
        closed (nothing received) is retried once on a fresh one."""
        self.slots.acquire()
        try:
            conn = self.free.pop() if self.free else self._new()
            try:
                status, keep = self._exchange(conn, deadline)
            except (ClosedEarly, ConnectionResetError, BrokenPipeError) as exc:
                if not conn.pooled or (isinstance(exc, ClosedEarly) and str(exc) != "closed"):
                    raise
                conn = self._new()
                status, keep = self._exchange(conn, deadline)
            if keep:
                conn.pooled = True
                self.free.append(conn)
            else:
                self._drop(conn)
            return status
        finally:
            self.slots.release()

    def _exchange(self, conn: Connection, deadline: int) -> tuple[int, bool]:
        conn.deadline = deadline
        try:
            if not conn.opened:
                conn.open(self.target)
            result = conn.exchange(self.target.request, self.target.no_body)
        except BaseException:
            self._drop(conn)
            if conn.expired:
                raise TimeoutError(f"no complete response within {self.target.timeout:g} s") from None
            raise
        conn.deadline = 0
        return result

    def watch(self) -> None:
        """Close the connections whose request is past its deadline (runs beside the schedule)."""
        every = max(0.01, min(0.1, self.target.timeout / 10))
        while True:
            gevent.sleep(every)
            now = time.monotonic_ns()
            for conn in [c for c in self.every if 0 < c.deadline < now]:
                conn.expired = True
                conn.close()

    def _drop(self, conn: Connection) -> None:
        self.every.discard(conn)
        conn.close()

    def close(self) -> None:
        """Close every connection, in use or not: requests still in flight end at once."""
        for conn in list(self.every):
            self._drop(conn)
        self.free.clear()


class Share:
    """One worker's share of the schedule, sent open-loop, its results in preallocated arrays.

    Offsets are ns from this worker's t0 (its own monotonic clock: hosts' clocks never need to agree):
    sent[s] (-1: not sent), latency[s] from the scheduled time (-1: unfinished), status[s] (-1: not sent
    or unfinished, 0: no HTTP response), error[s] (an index into `errors`, 0: none).
    """

    def __init__(self, plan: dict[str, Any], share: int, shares: int) -> None:
        self.plan, self.share, self.shares, self.t0 = plan, share, shares, 0
        self.n = len(range(share, max(1, round(plan["rate"] * plan["duration_s"])), shares))
        self.step: float = 1e9 / plan["rate"]
        self.sent = array("q", [-1]) * self.n
        self.latency = array("q", [-1]) * self.n
        self.status = array("h", [-1]) * self.n
        self.error = bytearray(self.n)
        self.errors: dict[str, int] = {"": 0}
        self.dispatched = self.finished = 0
        self.parked: list[RawGreenlet] = []  # senders waiting for their next request
        self.idle = Event()
        self.cpu_s = 0.0
        self.pool = Pool(Target(plan), int(plan["max_connections"]))
        self.timeout_ns = int(plan["timeout_s"] * 1e9)
        per_process = plan["rate"] / shares
        self.spin_ns = SPIN_NS if per_process <= SPIN_MAX_RATE else 0
        # enough open connections for 20 ms of sends: a burst after the process was descheduled for a
        # moment reuses them instead of opening connections just when time is short
        self.warm = min(int(plan["max_connections"]), WARM_MIN + int(per_process * WARM_FOR_S))

    def due(self, slot: int) -> int:
        return self.t0 + round((self.share + slot * self.shares) * self.step)

    def prepare(self) -> None:
        """Before t0: open the first connections, collect garbage once, then no collection pauses."""
        self.pool.warm(self.warm)
        gc.collect()
        gc.freeze()  # startup objects leave the collector's view
        gc.disable()  # no collection pauses mid-run (the hot path makes no reference cycles)

    def run(self, t0_ns: int) -> None:
        """Send every request at its time from t0 (monotonic ns), wait for the stragglers up to the
        timeout, close every connection."""
        self.t0 = t0_ns
        before = resource.getrusage(resource.RUSAGE_SELF)
        watchdog = gevent.spawn(self.pool.watch)
        try:
            self._dispatch()
            self.idle.wait(timeout=self.plan["timeout_s"] + 2)
        finally:
            after = resource.getrusage(resource.RUSAGE_SELF)
            self.cpu_s = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            watchdog.kill(block=False)
            self.pool.close()
            gc.enable()

    def _dispatch(self) -> None:
        clock, n, spin = time.monotonic_ns, self.n, self.spin_ns
        hub = gevent.get_hub()
        later, parked = hub.loop.run_callback, self.parked
        slot, due = 0, self.due(0)
        while True:
            now = clock()
            while due <= now:  # every send already due goes out in this wake-up
                sender = parked.pop() if parked else RawGreenlet(self._sender, hub)
                later(sender.switch, slot, due)
                slot += 1
                if slot == n:
                    self.dispatched = n
                    if self.finished == n:
                        self.idle.set()
                    return
                due = self.due(slot)
            self.dispatched = slot
            wait = due - clock()
            if wait > spin:
                gevent.sleep((wait - spin) / 1e9)
            elif spin:
                gevent.idle()  # the last stretch at a low rate: yield until the loop has nothing else
            else:
                gevent.sleep(0)  # never idle() here: under load the loop is never idle

    def _sender(self, slot: int, due: int) -> None:
        """A greenlet that sends request after request: each waits parked for the dispatcher to hand it
        the next one (a new greenlet per request would cost a fresh Python frame stack, an mmap, each)."""
        me, park, parked, send = getcurrent(), gevent.get_hub().switch, self.parked, self.send
        while True:
            send(slot, due)
            parked.append(me)
            slot, due = park()

    def send(self, slot: int, due: int) -> None:
        self.sent[slot] = time.monotonic_ns() - self.t0
        try:
            status = self.pool.fetch(time.monotonic_ns() + self.timeout_ns)
            code = 0 if status < 400 else self._code(f"HTTP {status}")
        except Exception as exc:  # a broken request is a recorded error, never a crashed run
            status, code = 0, self._code(type(exc).__name__)
        self.latency[slot] = time.monotonic_ns() - due
        self.status[slot] = status
        self.error[slot] = code
        self.finished += 1
        if self.finished == self.dispatched == self.n:
            self.idle.set()

    def _code(self, name: str) -> int:
        """The error's index in `errors` (one byte: past 254 kinds, they share the last one)."""
        code = self.errors.get(name)
        if code is None:
            if len(self.errors) >= MAX_ERROR_KINDS:
                return self._code(OTHER_ERRORS)
            code = self.errors[name] = len(self.errors)
        return code

    def rows(self, label: str) -> dict[str, Any]:
        """The whole share for the evidence directory: arrays as bytes, the error table, the CPU used."""
        return {
            "share": self.share,
            "shares": self.shares,
            "label": label,
            "n": self.n,
            "byteorder": sys.byteorder,
            "sent": self.sent.tobytes(),
            "latency": self.latency.tobytes(),
            "status": self.status.tobytes(),
            "error": bytes(self.error),
            "errors": sorted(self.errors, key=self.errors.__getitem__),
            "cpu_s": self.cpu_s,
        }

    def progress(self) -> dict[str, Any]:
        return {"share": self.share, "dispatched": self.dispatched, "finished": self.finished}


def _label() -> str:
    return os.environ.get(LABEL_ENV) or f"{socket.gethostname()} pid {os.getpid()}"


class Coordinator:
    """The master's side: hands out shares and t0, stores each worker's rows, notices lost workers, and
    writes run.json (last) before it quits."""

    def __init__(self, runner: MasterRunner, plan: dict[str, Any], out: Path) -> None:
        self.runner, self.plan, self.out = runner, plan, out
        self.assigned: dict[int, str] = {}
        self.labels: dict[str, str] = {}
        self.progress: dict[int, dict[str, Any]] = {}
        self.done: dict[int, float] = {}
        self.lost: dict[int, str] = {}
        self.t0_wall = 0.0
        for name, handler in ((HELLO, self._hello), (PROGRESS, self._progress), (ROWS, self._rows)):
            runner.register_message(name, handler)

    def start(self, shares: int) -> None:
        """Give each of the first `shares` connected workers its share and the start delay."""
        index = self.runner.get_worker_index
        nodes = sorted(self.runner.clients.values(), key=lambda c: index(c.id))  # type: ignore[no-untyped-call]
        self.t0_wall = time.time() + START_DELAY_S
        for share, node in enumerate(nodes[:shares]):
            self.assigned[share] = node.id
            data = {"plan": self.plan, "share": share, "shares": shares, "delay_s": START_DELAY_S}
            self.runner.send_message(START, data, client_id=node.id)
        for share in range(len(nodes), shares):
            self.lost[share] = "no worker connected for this share"
        self.runner.greenlet.spawn(self._watch)

    def _hello(self, msg: Any, **_: Any) -> None:
        self.labels[msg.node_id] = msg.data["label"]

    def _progress(self, msg: Any, **_: Any) -> None:
        self.progress[msg.data["share"]] = msg.data

    def _rows(self, msg: Any, **_: Any) -> None:
        share = msg.data["share"]
        (self.out / f"worker-{share}.rows").write_bytes(msgpack.packb(msg.data))
        self.progress[share] = {"share": share, "dispatched": msg.data["n"]}
        self.done[share] = time.time()

    def _watch(self) -> None:
        """Until every share is done or lost: a worker is lost when Locust marks it missing (no heartbeat
        for ~3 s), when it quits without its rows, or when it has not reported by the deadline."""
        deadline = self.t0_wall + self.plan["duration_s"] + self.plan["timeout_s"] + 10
        while any(share not in self.done and share not in self.lost for share in self.assigned):
            for share, client in self.assigned.items():
                if share in self.done or share in self.lost:
                    continue
                node = self.runner.clients.get(client)
                if node is None:
                    self.lost[share] = "the worker disconnected before sending its results"
                elif node.state == runners.STATE_MISSING:
                    self.lost[share] = "the worker stopped sending heartbeats (lost mid-run)"
                elif time.time() > deadline:
                    self.lost[share] = "no results by the deadline"
            gevent.sleep(0.25)
        self._finish()

    def _finish(self) -> None:
        shares = sorted(set(self.assigned) | set(self.lost))
        workers = [self._worker(share) for share in shares]
        run = {"t0_wall": self.t0_wall, "shares": len(shares), "workers": workers}
        _write_run(self.out, run)
        self.runner.quit()

    def _worker(self, share: int) -> dict[str, Any]:
        client = self.assigned.get(share, "")
        seen = self.progress.get(share, {})
        return {
            "share": share,
            "client": client,
            "label": self.labels.get(client, client),
            "state": "done" if share in self.done else "lost",
            "why": self.lost.get(share, ""),
            "dispatched": seen.get("dispatched", 0),  # as of its last report (all of it when done)
            "finished": seen.get("finished"),  # a lost worker's last report; None when done
        }


def _write_run(out: Path, run: dict[str, Any]) -> None:
    """run.json comes last: the claimcheck process waits for it (written whole, then renamed)."""
    tmp = out / "run.json.tmp"
    tmp.write_text(json.dumps(run), encoding="utf-8")
    tmp.rename(out / "run.json")


def _run_worker_share(runner: WorkerRunner, data: dict[str, Any]) -> None:
    """A worker's part: its share from t0, progress every second, then its rows to the master."""
    t0_ns = time.monotonic_ns() + int(data["delay_s"] * 1e9)
    share = Share(data["plan"], data["share"], data["shares"])
    share.prepare()  # within the start delay

    def report() -> None:
        while True:
            gevent.sleep(PROGRESS_EVERY_S)
            runner.send_message(PROGRESS, share.progress())

    reporter = runner.greenlet.spawn(report)
    share.run(t0_ns)
    reporter.kill(block=False)
    runner.send_message(ROWS, share.rows(_label()))


def _run_local(runner: LocalRunner, out: Path) -> None:
    """No master: this process sends the whole schedule and writes its evidence itself."""
    share = Share(json.loads(os.environ[PLAN_ENV]), 0, 1)
    share.prepare()
    t0_wall, t0_ns = time.time() + LOCAL_START_S, time.monotonic_ns() + int(LOCAL_START_S * 1e9)
    share.run(t0_ns)
    (out / "worker-0.rows").write_bytes(msgpack.packb(share.rows(_label())))
    worker = {"share": 0, "client": "local", "label": _label(), "state": "done", "why": ""}
    _write_run(out, {"t0_wall": t0_wall, "shares": 1, "workers": [worker | share.progress()]})
    runner.quit()


_env: list[Environment] = []
_coordinator: list[Coordinator] = []
_started: list[bool] = []


def _on_init(environment: Environment, **_: Any) -> None:
    _env.append(environment)
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        runner.register_message(
            START, lambda msg, **_kw: runner.greenlet.spawn(_run_worker_share, runner, msg.data)
        )
        runner.send_message(HELLO, {"label": _label()})
    elif isinstance(runner, MasterRunner):
        plan = json.loads(os.environ[PLAN_ENV])
        _coordinator.append(Coordinator(runner, plan, Path(os.environ[OUT_DIR_ENV])))


def _on_spawned(user_count: int, **_: Any) -> None:
    """Start once (Locust fires this again when it rebalances users after a worker is lost)."""
    runner = _env[0].runner
    if _started or isinstance(runner, WorkerRunner):
        return
    _started.append(True)
    if _coordinator:
        _coordinator[0].start(user_count)
    elif isinstance(runner, LocalRunner):
        runner.greenlet.spawn(_run_local, runner, Path(os.environ[OUT_DIR_ENV]))


events.init.add_listener(_on_init)  # type: ignore[no-untyped-call]
events.spawning_complete.add_listener(_on_spawned)  # type: ignore[no-untyped-call]


class Idle(User):
    """One per worker, doing nothing: Locust needs users to start; the schedule runs beside them, so
    rebalancing users (a worker lost or joining) never stops a share."""

    wait_time = constant(3600)

    @task
    def idle(self) -> None:
        pass
