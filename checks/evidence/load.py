"""Evidence of open-loop load: one run's samples, and a load claim's whole evidence (governor, preflight)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from checks.evidence.http import ProbeSeries
from checks.evidence.origin import UNKNOWN, Origin

if TYPE_CHECKING:
    from hdrh.histogram import HdrHistogram


@dataclass(frozen=True)
class LatencySamples:
    """What an open-loop run observed. Latencies are microseconds measured from each request's SCHEDULED
    start (so generator or server stalls are never hidden). `achieved_rate` is the sending rate the
    generator really kept; `completion_rate` is successful responses per second from the first scheduled
    send to the last response. `lateness_us` are percentiles of (actual send - scheduled send).
    `started_at` is the unix time the first request was scheduled for.

    A run whose worker was lost is incomplete (`complete` is False): `lost_workers` names them,
    `lost_not_sent` counts their requests not sent (as of their last progress report, about a second
    before they were lost) and `lost_unknown` the ones they sent whose outcome was lost with them. Neither
    counts as an error of the target; such a run cannot establish a latency claim.
    `generator_cpu_s` is the CPU the load processes spent sending (all workers), when they reported it.
    """

    url: str
    requested_rate: float
    achieved_rate: float
    completion_rate: float
    duration_s: float
    elapsed_s: float
    scheduled: int
    sent: int
    completed: int
    errors: int
    status_counts: dict[int, int]
    lateness_us: dict[str, float]
    latencies_us: tuple[float, ...]
    histogram: str
    log_path: str
    workers: int = 1
    started_at: float = 0.0
    lost_workers: tuple[str, ...] = ()
    lost_not_sent: int = 0
    lost_unknown: int = 0
    generator_cpu_s: float | None = None
    # a run joined from looks (`joined`): the raw logs after the first, each part's length, and the pause
    # between the parts (no load was sent in it)
    more_logs: tuple[str, ...] = ()
    parts_s: tuple[float, ...] = ()
    gap_s: float = 0.0

    @property
    def n(self) -> int:
        return len(self.latencies_us)

    @property
    def error_ratio(self) -> float:
        return self.errors / self.scheduled if self.scheduled else 1.0

    @property
    def successes(self) -> int:
        return self.scheduled - self.errors - self.lost_not_sent - self.lost_unknown

    @property
    def complete(self) -> bool:
        """Every worker delivered its share's evidence."""
        return not self.lost_workers

    @property
    def not_sent_share(self) -> float:
        """The share of the scheduled load that lost workers did not send."""
        return self.lost_not_sent / self.scheduled if self.scheduled else 0.0

    @property
    def lost_share(self) -> float:
        """The share of the scheduled load with no evidence: not sent, or sent and lost with a worker."""
        return (self.lost_not_sent + self.lost_unknown) / self.scheduled if self.scheduled else 0.0

    @property
    def ended_at(self) -> float:
        return self.started_at + self.elapsed_s + self.gap_s

    @property
    def longest_part_s(self) -> float:
        """The longest stretch of continuous load: the whole run, or the longest part of a joined one."""
        return max(self.parts_s) if self.parts_s else self.duration_s

    def gap_before(self, later: LatencySamples) -> float:
        """Seconds between the end of this run and the start of `later`."""
        return max(0.0, later.started_at - self.ended_at)

    def joined(self, later: LatencySamples) -> LatencySamples:
        """This run and a `later` one at the same rate, as one: samples, counts and histograms added; rates
        over the two runs' own sending and completing time (the pause between them is no one's); lateness
        the worse of the two at each percentile. `elapsed_s` is the two runs' time together; `parts_s` and
        `gap_s` keep the parts' lengths and the pause, so a window is checked against the longest part."""
        if later.url != self.url or later.requested_rate != self.requested_rate:
            raise ValueError("only runs of one URL at one rate are joined")
        histogram = self.hdr()
        histogram.add(later.hdr())
        spans = self.sent / self.achieved_rate if self.achieved_rate else self.duration_s
        spans += later.sent / later.achieved_rate if later.achieved_rate else later.duration_s
        elapsed = self.elapsed_s + later.elapsed_s
        ok = self.completion_rate * self.elapsed_s + later.completion_rate * later.elapsed_s
        statuses = dict(self.status_counts)
        for status, count in later.status_counts.items():
            statuses[status] = statuses.get(status, 0) + count
        cpu = None
        if self.generator_cpu_s is not None and later.generator_cpu_s is not None:
            cpu = self.generator_cpu_s + later.generator_cpu_s
        return LatencySamples(
            url=self.url,
            requested_rate=self.requested_rate,
            achieved_rate=(self.sent + later.sent) / spans if spans > 0 else 0.0,
            completion_rate=ok / elapsed if elapsed > 0 else 0.0,
            duration_s=self.duration_s + later.duration_s,
            elapsed_s=elapsed,
            scheduled=self.scheduled + later.scheduled,
            sent=self.sent + later.sent,
            completed=self.completed + later.completed,
            errors=self.errors + later.errors,
            status_counts=statuses,
            lateness_us={
                key: max(self.lateness_us.get(key, 0.0), later.lateness_us.get(key, 0.0))
                for key in self.lateness_us.keys() | later.lateness_us.keys()
            },
            latencies_us=self.latencies_us + later.latencies_us,
            histogram=histogram.encode().decode("ascii"),
            log_path=self.log_path,
            workers=max(self.workers, later.workers),
            started_at=self.started_at,
            lost_workers=self.lost_workers + later.lost_workers,
            lost_not_sent=self.lost_not_sent + later.lost_not_sent,
            lost_unknown=self.lost_unknown + later.lost_unknown,
            generator_cpu_s=cpu,
            more_logs=(*self.more_logs, later.log_path, *later.more_logs),
            parts_s=(*(self.parts_s or (self.duration_s,)), *(later.parts_s or (later.duration_s,))),
            gap_s=self.gap_s + self.gap_before(later) + later.gap_s,
        )

    def hdr(self) -> HdrHistogram:
        """The run's HdrHistogram (microseconds)."""
        from hdrh.histogram import HdrHistogram

        return HdrHistogram.decode(self.histogram.encode("ascii"))


@dataclass(frozen=True)
class LoadRun:
    """Everything a load claim is judged on: the rate offered against the target's governor, an idle
    preflight of the route (does it answer as the check expects?), and the run itself.

    `samples` is None when nothing was sent (the rate is over `max_rps`, or the preflight failed);
    `preflight` is None when nothing was sent at all."""

    url: str
    route_class: str
    offered_rps: float
    max_rps: float
    seconds: float
    preflight: ProbeSeries | None = None
    samples: LatencySamples | None = None
    origin: Origin = UNKNOWN

    @property
    def over_governor(self) -> bool:
        return self.offered_rps > self.max_rps
