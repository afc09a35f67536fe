"""A total deadline per collector call, and a breaker for endpoints that never answer.

Socket timeouts bound one read, not a call: a server that drips a byte every 2 s keeps a 10 s read timeout
happy for ever. `within(seconds, endpoint)` bounds the whole call: when the time is up, every socket this
thread opened inside a deadline (found through the interpreter's `socket.__new__` audit event, so requests,
urllib3, botocore, the kubernetes client and redis-py are all covered) is shut down, the blocked read
returns, and the call raises DeadlineExceeded. libpq (PostgreSQL) opens its sockets in C: it gets
`connect_timeout` and `statement_timeout` instead, and the suite item's budget bounds the rest.

The breaker: an endpoint that has not answered a call within its deadline, and has not answered anything
else in this run, is not asked again in this run (the next calls fail at once, naming the first failure).
An endpoint that answered before is given up only after two consecutive calls without an answer. This is
what keeps a run against a black hole to one deadline per endpoint rather than one per claim.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from checks.errors import DeadlineExceeded, EndpointGivenUp

_local = threading.local()
_hook_lock = threading.Lock()
_hook_installed = False


def _thread_sockets() -> weakref.WeakSet[socket.socket]:
    found: weakref.WeakSet[socket.socket] | None = getattr(_local, "sockets", None)
    if found is None:
        found = weakref.WeakSet()
        _local.sockets = found
    return found


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "socket.__new__" or not getattr(_local, "depth", 0):
        return
    with suppress(TypeError):
        _thread_sockets().add(args[0])


def _install_hook() -> None:
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)  # cannot be removed: it only looks at one event, in watched threads
            _hook_installed = True


def _shut(sockets: weakref.WeakSet[socket.socket]) -> None:
    for sock in list(sockets):
        with suppress(OSError, ValueError):
            if sock.fileno() >= 0:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's, also for TLS sockets


@contextmanager
def within(seconds: float, endpoint: str) -> Iterator[None]:
    """Run the body with a total deadline; past it the body's sockets are shut and DeadlineExceeded raised."""
    _install_hook()
    sockets = _thread_sockets()
    fired, done = threading.Event(), threading.Event()

    def fire() -> None:
        fired.set()
        while not done.is_set():  # a client that retries on a new socket (urllib3 does) is cut again
            _shut(sockets)
            done.wait(0.05)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    _local.depth = getattr(_local, "depth", 0) + 1
    timer.start()
    try:
        yield
    except Exception as exc:
        if fired.is_set():
            raise DeadlineExceeded(endpoint, f"no complete answer within {seconds:g} s") from exc
        raise
    finally:
        done.set()
        timer.cancel()
        _local.depth -= 1
    if fired.is_set():
        raise DeadlineExceeded(endpoint, f"no complete answer within {seconds:g} s")


def endpoint_key(address: str) -> str:
    """`host:port` of a URL or an address, the unit the breaker remembers."""
    if "://" not in address:
        return address
    parts = urlsplit(address)
    default = {"https": 443, "http": 80, "rediss": 6379, "redis": 6379, "postgresql": 5432}
    return f"{parts.hostname}:{parts.port or default.get(parts.scheme, 0)}"


@dataclass
class _State:
    answered: bool = False
    silent: int = 0
    first: str = ""
    since: float = 0.0


@dataclass
class Breaker:
    """Endpoints that stopped answering in this run (see the module docstring)."""

    states: dict[str, _State] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, key: str, endpoint: str) -> None:
        """Raise EndpointGivenUp at once when `key` has been given up in this run."""
        with self.lock:
            state = self.states.get(key)
            if state is None or not self.is_open(state):
                return
            first, ago = state.first, time.monotonic() - state.since
        raise EndpointGivenUp(endpoint, f"not asked again: {first} ({ago:.0f} s ago, earlier in this run)")

    @staticmethod
    def is_open(state: _State) -> bool:
        return state.silent >= (2 if state.answered else 1)

    def no_answer(self, key: str, what: str) -> None:
        with self.lock:
            state = self.states.setdefault(key, _State())
            state.silent += 1
            if self.is_open(state) and not state.first:
                state.first, state.since = what, time.monotonic()

    def answered(self, key: str) -> None:
        with self.lock:
            state = self.states.setdefault(key, _State())
            if not self.is_open(state):
                state.answered, state.silent = True, 0

    def given_up(self) -> dict[str, str]:
        """Endpoints given up so far, with the failure that did it."""
        with self.lock:
            return {k: s.first for k, s in self.states.items() if self.is_open(s)}

    def reset(self) -> None:
        with self.lock:
            self.states.clear()


# One per process: a run is one process, and the breaker is reset when a run's session starts.
BREAKER = Breaker()


@contextmanager
def guarded(endpoint: str, seconds: float, key: str | None = None) -> Iterator[None]:
    """A total deadline plus the breaker: refuse at once when given up, remember a call without an answer.
    `key` is what the breaker remembers (default: host:port of `endpoint`)."""
    key = key or endpoint_key(endpoint)
    BREAKER.check(key, endpoint)
    try:
        with within(seconds, endpoint):
            yield
    except DeadlineExceeded as exc:
        BREAKER.no_answer(key, str(exc))
        raise
    BREAKER.answered(key)
