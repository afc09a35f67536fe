"""The delay daemon's scheduling (no NFQUEUE needed): packets are released after their delay, in order."""

from __future__ import annotations

import time

import pytest

from sandbox.netdelay import DelayLine, arrival, parse_queue


class FakePacket:
    def __init__(self, name: str, log: list[tuple[str, float]]) -> None:
        self.name, self.log = name, log

    def accept(self) -> None:
        self.log.append((self.name, time.monotonic()))


def test_parse_queue_reads_number_and_milliseconds() -> None:
    assert parse_queue("1100:20") == (1100, 0.020)


def test_packet_is_held_for_its_delay_and_not_longer() -> None:
    log: list[tuple[str, float]] = []
    line, began = DelayLine(), time.monotonic()
    line.hold(FakePacket("p", log), 0.05)
    line.release_due()
    assert log == []
    while not log and time.monotonic() - began < 1:
        time.sleep(line.next_timeout(0.5))
        line.release_due()
    assert 0.05 <= log[0][1] - began < 0.08


def test_shorter_delays_overtake_longer_ones() -> None:
    log: list[tuple[str, float]] = []
    line = DelayLine()
    line.hold(FakePacket("slow", log), 0.04)
    line.hold(FakePacket("fast", log), 0.01)
    time.sleep(0.05)
    line.release_due()
    assert [name for name, _ in log] == ["fast", "slow"]


def test_idle_timeout_when_nothing_waits() -> None:
    assert DelayLine().next_timeout(0.5) == 0.5


def test_a_burst_leaves_together_one_delay_after_it_arrived() -> None:
    """A delay line, not a queue: ten packets that arrive together all leave one delay later."""
    log: list[tuple[str, float]] = []
    line, began = DelayLine(), time.monotonic()
    for n in range(10):
        line.hold(FakePacket(f"p{n}", log), 0.03)
    while len(log) < 10 and time.monotonic() - began < 1:
        time.sleep(line.next_timeout(0.5))
        line.release_due()
    assert len(log) == 10 and max(t for _, t in log) - began < 0.03 + 0.02


def test_a_packet_read_late_still_leaves_at_its_own_arrival_plus_the_delay() -> None:
    log: list[tuple[str, float]] = []
    line, now = DelayLine(), time.monotonic()
    line.hold(FakePacket("late", log), 0.05, arrived=now - 0.04)  # arrived 40 ms before the daemon read it
    line.hold(FakePacket("fresh", log), 0.05, arrived=now)
    time.sleep(0.02)
    line.release_due()
    assert [name for name, _ in log] == ["late"]


def test_arrival_comes_from_the_kernel_timestamp_when_it_is_plausible() -> None:
    assert arrival(kernel_stamp=999.99, wall_now=1000.0, mono_now=50.0) == pytest.approx(49.99)
    assert arrival(kernel_stamp=0.0, wall_now=1000.0, mono_now=50.0) == 50.0  # no timestamp set
    assert arrival(kernel_stamp=990.0, wall_now=1000.0, mono_now=50.0) == 50.0  # implausibly old
