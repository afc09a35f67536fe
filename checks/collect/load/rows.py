"""A run's raw rows: what each worker sent back (worker-K.rows), merged in schedule order.

A worker's rows are one msgpack map (written by locustfile.py's Share.rows): its preallocated arrays as
bytes, offsets in ns from its own t0, errors as indices into a table. run.json (written last by the
master, or by the lone local process) gives t0 on the wall clock and which workers finished or were lost.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack
import numpy as np

from checks.collect.load.logformat import (
    LOG_HEADER,
    LOST_NOT_SENT,
    LOST_UNKNOWN,
    NOT_SENT,
    LogLine,
    format_line,
)
from checks.collect.load.plan import LoadGeneratorError


@dataclass(frozen=True)
class Rows:
    """Columns of a raw log, one entry per scheduled request: wall-clock scheduled and sent times (s; sent
    0.0 when never sent), latency in ns from the scheduled time (-1: none), status, error text."""

    scheduled: np.ndarray
    sent: np.ndarray
    latency_ns: np.ndarray
    status: np.ndarray
    error: np.ndarray

    @classmethod
    def from_lines(cls, lines: Sequence[LogLine]) -> Rows:
        return cls(
            np.array([x.scheduled_ts for x in lines], dtype=np.float64),
            np.array([x.actual_send_ts for x in lines], dtype=np.float64),
            np.array([-1 if x.latency_ns is None else x.latency_ns for x in lines], dtype=np.int64),
            np.array([x.status for x in lines], dtype=np.int64),
            np.array([x.error for x in lines], dtype=object),
        )

    def every(self, start: int, step: int) -> Rows:
        """Rows start, start + step, ... (one worker's share of the schedule)."""
        cut = slice(start, None, step)
        return Rows(
            self.scheduled[cut], self.sent[cut], self.latency_ns[cut], self.status[cut], self.error[cut]
        )

    def lines(self) -> list[LogLine]:
        cols = zip(self.scheduled.tolist(), self.sent.tolist(), self.latency_ns.tolist(), strict=True)
        return [
            LogLine(sched, sent, None if lat < 0 else lat, status, err)
            for (sched, sent, lat), status, err in zip(cols, self.status.tolist(), self.error, strict=True)
        ]

    def write_log(self, path: Path) -> None:
        """The text log, in schedule order (the format of LogLine.format), written once."""
        cols = zip(self.scheduled.tolist(), self.sent.tolist(), self.latency_ns.tolist(), strict=True)
        with path.open("w", encoding="utf-8") as fh:
            fh.write(LOG_HEADER)
            fh.writelines(
                format_line(sched, sent, None if lat < 0 else lat, status, err)
                for (sched, sent, lat), status, err in zip(
                    cols, self.status.tolist(), self.error, strict=True
                )
            )


@dataclass(frozen=True)
class WorkerRows:
    """One worker's share as it sent it: slot s is global request share + s * shares."""

    share: int
    label: str
    sent_ns: np.ndarray  # from t0; -1 never sent
    latency_ns: np.ndarray  # from the scheduled time; -1 unfinished
    status: np.ndarray  # -1 never sent or unfinished, 0 no HTTP response
    error: np.ndarray  # str
    cpu_s: float


def read_worker_rows(path: Path) -> WorkerRows:
    """Decode worker-K.rows."""
    raw: dict[str, Any] = msgpack.unpackb(path.read_bytes())
    order = "<" if raw["byteorder"] == "little" else ">"
    errors = np.array(raw["errors"], dtype=object)
    return WorkerRows(
        share=raw["share"],
        label=raw["label"],
        sent_ns=np.frombuffer(raw["sent"], dtype=f"{order}i8").astype(np.int64),
        latency_ns=np.frombuffer(raw["latency"], dtype=f"{order}i8").astype(np.int64),
        status=np.frombuffer(raw["status"], dtype=f"{order}i2").astype(np.int64),
        error=errors[np.frombuffer(raw["error"], dtype=np.uint8)],
        cpu_s=float(raw["cpu_s"]),
    )


@dataclass(frozen=True)
class RunInfo:
    """run.json: t0 on the master's wall clock and each share's fate."""

    t0_wall: float
    shares: int
    workers: tuple[dict[str, Any], ...]

    @classmethod
    def read(cls, out: Path) -> RunInfo:
        raw = json.loads((out / "run.json").read_text(encoding="utf-8"))
        return cls(raw["t0_wall"], raw["shares"], tuple(raw["workers"]))

    def lost(self) -> list[dict[str, Any]]:
        return [w for w in self.workers if w["state"] != "done"]


def merged_rows(info: RunInfo, rate: float, total: int, shares: dict[int, WorkerRows]) -> Rows:
    """Every scheduled request of the run in schedule order; a lost worker's requests are LOST_UNKNOWN
    up to what it had dispatched by its last progress report, LOST_NOT_SENT after."""
    step_ns = 1e9 / rate
    offset = np.rint(np.arange(total) * step_ns).astype(np.int64)
    sent = np.full(total, -1, dtype=np.int64)
    latency = np.full(total, -1, dtype=np.int64)
    status = np.full(total, NOT_SENT, dtype=np.int64)
    error = np.full(total, "not sent", dtype=object)
    for worker in info.workers:
        k = worker["share"]
        at = np.arange(k, total, info.shares)
        if k in shares:
            _place(shares[k], at, sent, latency, status, error)
        else:
            dispatched = min(int(worker.get("dispatched", 0)), len(at))
            status[at[:dispatched]], status[at[dispatched:]] = LOST_UNKNOWN, LOST_NOT_SENT
            why = f"worker {k} ({worker['label']}) lost: {worker['why']}"
            error[at[:dispatched]] = f"{why}; sent, outcome lost"
            error[at[dispatched:]] = f"{why}; not sent"
    sent_wall = np.where(sent >= 0, info.t0_wall + sent / 1e9, 0.0)
    return Rows(info.t0_wall + offset / 1e9, sent_wall, latency, status, error)


def _place(
    rows: WorkerRows,
    at: np.ndarray,
    sent: np.ndarray,
    latency: np.ndarray,
    status: np.ndarray,
    error: np.ndarray,
) -> None:
    if len(rows.sent_ns) != len(at):
        raise LoadGeneratorError(
            f"worker {rows.share} ({rows.label})", f"sent {len(rows.sent_ns)} rows for {len(at)} requests"
        )
    sent[at] = rows.sent_ns
    latency[at] = rows.latency_ns
    unfinished = (rows.sent_ns >= 0) & (rows.latency_ns < 0)
    status[at] = np.where(unfinished, 0, rows.status)
    error[at] = np.where(unfinished, "unfinished", np.where(rows.sent_ns < 0, "not sent", rows.error))
