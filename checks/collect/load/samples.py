"""Evidence of an open-loop run: the raw latency log format, HdrHistograms, and LatencySamples (the
evidence type itself lives in checks/evidence/load.py).

No locust import: this module is shared by the parent process and the load processes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hdrh.histogram import HdrHistogram

# the evidence type, re-exported for callers that import it from its collector
from checks.evidence.load import LatencySamples as LatencySamples

LOG_HEADER = "# scheduled_ts\tactual_send_ts\tlatency_us\tstatus\terror\n"
HIST_LOWEST_US = 1
HIST_HIGHEST_US = 3_600_000_000  # one hour
HIST_DIGITS = 3


@dataclass(frozen=True)
class LogLine:
    """One request: wall-clock scheduled and actual send times (s), latency from the SCHEDULED start.

    `latency_ns` is None for a request still unfinished when the run ended; status 0 means no HTTP
    response (connection error, timeout).
    """

    scheduled_ts: float
    actual_send_ts: float
    latency_ns: int | None
    status: int
    error: str

    def format(self) -> str:
        """The tab-separated log line; latency in microseconds with 3 decimals (exact: integer ns)."""
        lat = "" if self.latency_ns is None else f"{self.latency_ns // 1000}.{self.latency_ns % 1000:03d}"
        err = self.error.replace("\t", " ").replace("\n", " ")
        return f"{self.scheduled_ts:.6f}\t{self.actual_send_ts:.6f}\t{lat}\t{self.status}\t{err}\n"

    @classmethod
    def parse(cls, line: str) -> LogLine:
        sched, sent, lat, status, err = line.rstrip("\n").split("\t", 4)
        latency_ns = int(lat.replace(".", "")) if lat else None
        return cls(float(sched), float(sent), latency_ns, int(status), err)

    @property
    def is_error(self) -> bool:
        return self.latency_ns is None or self.status == 0 or self.status >= 400


def histogram_value_us(latency_ns: int) -> int:
    """The integer microseconds recorded in the histogram: rounded up, so nothing is under-reported."""
    return max(HIST_LOWEST_US, -(-latency_ns // 1000))


def new_histogram() -> HdrHistogram:
    return HdrHistogram(HIST_LOWEST_US, HIST_HIGHEST_US, HIST_DIGITS)


def histogram_of(lines: Iterable[LogLine]) -> HdrHistogram:
    """The histogram of every request that finished (with or without an HTTP response)."""
    hist = new_histogram()
    for line in lines:
        if line.latency_ns is not None:
            hist.record_value(histogram_value_us(line.latency_ns))
    return hist


def merge_histograms(encoded: Iterable[bytes]) -> HdrHistogram:
    """Decode and add the per-worker histograms."""
    merged = new_histogram()
    for blob in encoded:
        merged.add(HdrHistogram.decode(blob))
    return merged


def read_log(path: Path) -> list[LogLine]:
    with path.open(encoding="utf-8") as fh:
        return [LogLine.parse(raw) for raw in fh if raw.strip() and not raw.startswith("#")]


def write_log(path: Path, lines: Iterable[LogLine]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(LOG_HEADER)
        fh.writelines(line.format() for line in lines)


def _percentiles(values: np.ndarray) -> dict[str, float]:
    if not len(values):
        return {}
    p50, p90, p99 = np.percentile(values, [50, 90, 99])
    return {"p50": float(p50), "p90": float(p90), "p99": float(p99), "max": float(values.max())}


def summarize(
    url: str,
    rate: float,
    duration_s: float,
    lines: Sequence[LogLine],
    histogram: HdrHistogram,
    log_path: str,
    workers: int = 1,
) -> LatencySamples:
    """LatencySamples from the merged raw log of a run (lines in any order) and its merged histogram."""
    t0 = min(x.scheduled_ts for x in lines)
    sends = np.array([x.actual_send_ts for x in lines if x.status >= 0], dtype=float)
    ends = [x.scheduled_ts + x.latency_ns / 1e9 for x in lines if x.latency_ns is not None]
    send_span = max(duration_s, float(sends.max()) - t0 + 1 / rate) if len(sends) else duration_s
    elapsed = max(ends, default=t0) - t0
    oks = sum(1 for x in lines if not x.is_error)
    return LatencySamples(
        url=url,
        requested_rate=rate,
        achieved_rate=len(sends) / send_span,
        completion_rate=oks / elapsed if elapsed > 0 else 0.0,
        duration_s=duration_s,
        elapsed_s=elapsed,
        scheduled=len(lines),
        sent=len(sends),
        completed=sum(1 for x in lines if x.status > 0),
        errors=sum(1 for x in lines if x.is_error),
        status_counts=dict(sorted(Counter(x.status for x in lines).items())),
        lateness_us=_percentiles((sends - np.array([x.scheduled_ts for x in lines if x.status >= 0])) * 1e6),
        latencies_us=tuple(x.latency_ns / 1000 for x in lines if x.latency_ns is not None),
        histogram=histogram.encode().decode("ascii"),
        log_path=log_path,
        workers=workers,
        started_at=t0,
    )
