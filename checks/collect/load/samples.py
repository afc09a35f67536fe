"""Evidence of an open-loop run: the raw latency log format, HdrHistograms, and LatencySamples (the
evidence type itself lives in checks/evidence/load.py).

No locust import. The load processes write binary rows (see rows.py); this process turns them into the
text log, written once, and the summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from hdrh.histogram import HdrHistogram

from checks.collect.load.logformat import LOG_HEADER as LOG_HEADER
from checks.collect.load.logformat import LOST_NOT_SENT as LOST_NOT_SENT
from checks.collect.load.logformat import LOST_UNKNOWN as LOST_UNKNOWN
from checks.collect.load.logformat import NOT_SENT as NOT_SENT
from checks.collect.load.logformat import LogLine as LogLine
from checks.collect.load.logformat import format_line as format_line

# the evidence type, re-exported for callers that import it from its collector
from checks.evidence.load import LatencySamples as LatencySamples

if TYPE_CHECKING:
    from checks.collect.load.rows import Rows

HIST_LOWEST_US = 1
HIST_HIGHEST_US = 3_600_000_000  # one hour
HIST_DIGITS = 3


def histogram_value_us(latency_ns: int) -> int:
    """The integer microseconds recorded in the histogram: rounded up, so nothing is under-reported."""
    return max(HIST_LOWEST_US, -(-latency_ns // 1000))


def new_histogram() -> HdrHistogram:
    return HdrHistogram(HIST_LOWEST_US, HIST_HIGHEST_US, HIST_DIGITS)


def histogram_of_ns(latencies_ns: np.ndarray) -> HdrHistogram:
    """The histogram of these latencies (ns, each >= 0), recorded as histogram_value_us would."""
    hist = new_histogram()
    values = np.maximum(HIST_LOWEST_US, -(-latencies_ns.astype(np.int64) // 1000))
    for value, count in zip(*np.unique(values, return_counts=True), strict=True):
        hist.record_value(int(value), int(count))
    return hist


def histogram_of(lines: Iterable[LogLine]) -> HdrHistogram:
    """The histogram of every request that finished (with or without an HTTP response)."""
    finished = [x.latency_ns for x in lines if x.latency_ns is not None]
    return histogram_of_ns(np.array(finished, dtype=np.int64))


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
    lines: Sequence[LogLine] | Rows,
    histogram: HdrHistogram,
    log_path: str,
    workers: int = 1,
    *,
    lost_workers: tuple[str, ...] = (),
    generator_cpu_s: float | None = None,
) -> LatencySamples:
    """LatencySamples from the merged raw log of a run (lines in any order, or columns) and its merged
    histogram."""
    from checks.collect.load.rows import Rows

    rows = lines if isinstance(lines, Rows) else Rows.from_lines(lines)
    t0 = float(rows.scheduled.min())
    sent = rows.status >= 0
    sends = rows.sent[sent]
    send_span = max(duration_s, float(sends.max()) - t0 + 1 / rate) if len(sends) else duration_s
    finished = rows.latency_ns >= 0
    ends = rows.scheduled[finished] + rows.latency_ns[finished] / 1e9
    elapsed = (float(ends.max()) if len(ends) else t0) - t0
    lost = (rows.status == LOST_NOT_SENT) | (rows.status == LOST_UNKNOWN)
    ok = finished & (rows.status > 0) & (rows.status < 400)
    statuses, counts = np.unique(rows.status, return_counts=True)
    return LatencySamples(
        url=url,
        requested_rate=rate,
        achieved_rate=len(sends) / send_span,
        completion_rate=int(ok.sum()) / elapsed if elapsed > 0 else 0.0,
        duration_s=duration_s,
        elapsed_s=elapsed,
        scheduled=len(rows.status),
        sent=len(sends),
        completed=int((rows.status > 0).sum()),
        errors=int((~ok & ~lost).sum()),
        status_counts={int(s): int(c) for s, c in zip(statuses, counts, strict=True)},
        lateness_us=_percentiles((sends - rows.scheduled[sent]) * 1e6),
        latencies_us=tuple((rows.latency_ns[finished] / 1000).tolist()),
        histogram=histogram.encode().decode("ascii"),
        log_path=log_path,
        workers=workers,
        started_at=t0,
        lost_workers=lost_workers,
        lost_not_sent=int((rows.status == LOST_NOT_SENT).sum()),
        lost_unknown=int((rows.status == LOST_UNKNOWN).sum()),
        generator_cpu_s=generator_cpu_s,
    )
