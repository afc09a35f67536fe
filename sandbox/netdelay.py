"""Packet delay daemon: holds packets from NFQUEUE queues for a fixed time before accepting them.

netem is not available in this kernel, so the sandbox emulates path delay with `iptables -j NFQUEUE`
and this process. Usage: `python -m sandbox.netdelay --queue 101:40 --queue 102:72` (queue:ms).
Without `--queue-bypass` on the rules a dead daemon drops the traffic instead of silently removing the
delay, so a geo measurement fails loudly rather than reporting loopback latency.

A delay line, not a queue: every packet leaves at its own arrival time + the delay, however many wait
(a burst of N packets leaves N packets one delay later, never one delay per packet). The arrival time is
the kernel's receive timestamp when it has one. The sandbox feeds the daemon only packets on their way in
(PREROUTING): by then the kernel has detached them from the sending socket, whereas a packet held on its
way out still counts against its socket, and TCP Small Queues then holds that socket's next packets back
until it is released: one extra delay per burst, in series.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import select
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

_QUEUE_MAXLEN = 4096


def parse_queue(text: str) -> tuple[int, float]:
    """Parse `NUM:MS` into (queue number, delay in seconds)."""
    num, _, ms = text.partition(":")
    return int(num), float(ms) / 1000.0


class DelayLine:
    """Packets waiting for their release time, ordered by deadline."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Any]] = []
        self._seq = itertools.count()

    def hold(self, packet: Any, delay_s: float, arrived: float | None = None) -> None:
        """Keep `packet` until `delay_s` after it arrived (`arrived`: monotonic seconds; default now)."""
        start = time.monotonic() if arrived is None else arrived
        heapq.heappush(self._heap, (start + delay_s, next(self._seq), packet))

    def release_due(self) -> None:
        """Accept every packet whose deadline has passed."""
        now = time.monotonic()
        while self._heap and self._heap[0][0] <= now:
            heapq.heappop(self._heap)[2].accept()

    def next_timeout(self, idle: float) -> float:
        """Seconds until the next deadline (or `idle` when nothing waits)."""
        if not self._heap:
            return idle
        return max(0.0, self._heap[0][0] - time.monotonic())


def arrival(kernel_stamp: float, wall_now: float, mono_now: float) -> float:
    """The monotonic time a packet arrived: the kernel's receive timestamp (wall clock) when it set one and
    it is plausible (within the last second), else now."""
    age = wall_now - kernel_stamp
    return mono_now - age if kernel_stamp > 0 and 0 <= age < 1.0 else mono_now


def _callback(line: DelayLine, delay_s: float) -> Callable[[Any], None]:
    def hold(packet: Any) -> None:
        line.hold(packet, delay_s, arrival(packet.get_timestamp(), time.time(), time.monotonic()))

    return hold


def serve(queues: list[tuple[int, float]]) -> None:
    """Bind every queue and release packets after their delay until SIGTERM."""
    from netfilterqueue import COPY_META, NetfilterQueue

    line = DelayLine()
    bound = {}
    for num, delay_s in queues:
        nfq = NetfilterQueue()
        nfq.bind(num, _callback(line, delay_s), max_len=_QUEUE_MAXLEN, mode=COPY_META, range=0)
        bound[nfq.get_fd()] = nfq
    stop = {"flag": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(flag=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(flag=True))
    while not stop["flag"]:
        ready, _, _ = select.select(list(bound), [], [], line.next_timeout(0.5))
        for fd in ready:
            bound[fd].run(block=False)
        line.release_due()
    for nfq in bound.values():
        nfq.unbind()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.netdelay")
    parser.add_argument("--queue", action="append", type=parse_queue, required=True, help="NUM:MS")
    parser.add_argument("--tag", default="", help="free text that identifies the owning run dir")
    args = parser.parse_args(argv)
    serve(args.queue)
    return 0


if __name__ == "__main__":
    sys.exit(main())
