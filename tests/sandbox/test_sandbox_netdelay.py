"""The delay daemon's scheduling (no NFQUEUE needed): packets are released after their delay, in order."""

from __future__ import annotations

import time

from sandbox.netdelay import DelayLine, parse_queue


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
