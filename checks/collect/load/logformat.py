"""The raw log of a load run: one line per scheduled request (scheduled and actual send time, latency from
the scheduled start, status, error), shared by the processes that write it and the one that reads it."""

from __future__ import annotations

from dataclasses import dataclass

LOG_HEADER = "# scheduled_ts\tactual_send_ts\tlatency_us\tstatus\terror\n"
NOT_SENT = -1  # status of a request the generator never sent
LOST_NOT_SENT = -2  # its worker was lost before sending it (as of the worker's last progress report)
LOST_UNKNOWN = -3  # its worker sent it, then was lost with the outcome


@dataclass(frozen=True)
class LogLine:
    """One request: wall-clock scheduled and actual send times (s), latency from the SCHEDULED start.

    `latency_ns` is None for a request still unfinished when the run ended; status 0 means no HTTP
    response (connection error, timeout), NOT_SENT (-1) that it was never sent, LOST_NOT_SENT (-2) and
    LOST_UNKNOWN (-3) that its worker was lost before sending it, or after sending it.
    """

    scheduled_ts: float
    actual_send_ts: float
    latency_ns: int | None
    status: int
    error: str

    def format(self) -> str:
        """The tab-separated log line; latency in microseconds with 3 decimals (exact: integer ns)."""
        return format_line(self.scheduled_ts, self.actual_send_ts, self.latency_ns, self.status, self.error)

    @classmethod
    def parse(cls, line: str) -> LogLine:
        sched, sent, lat, status, err = line.rstrip("\n").split("\t", 4)
        latency_ns = int(lat.replace(".", "")) if lat else None
        return cls(float(sched), float(sent), latency_ns, int(status), err)

    @property
    def is_lost(self) -> bool:
        return self.status in (LOST_NOT_SENT, LOST_UNKNOWN)

    @property
    def is_error(self) -> bool:
        """Failed against the target (or never sent); a request lost with its worker is not counted."""
        return not self.is_lost and (self.latency_ns is None or self.status == 0 or self.status >= 400)


def format_line(scheduled: float, sent: float, latency_ns: int | None, status: int, error: str) -> str:
    lat = "" if latency_ns is None else f"{latency_ns // 1000}.{latency_ns % 1000:03d}"
    err = error.replace("\t", " ").replace("\n", " ")
    return f"{scheduled:.6f}\t{sent:.6f}\t{lat}\t{status}\t{err}\n"
