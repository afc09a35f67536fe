"""What a Prometheus server holds: range series, availability history, its own settings and rules."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.origin import UNKNOWN, Origin


@dataclass(frozen=True)
class Series:
    """One range-query result: labels and (timestamp, value) points."""

    labels: dict[str, str]
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class AvailabilityHistory:
    """What Prometheus remembers about a job: `up` samples and request counters over a window.

    `up_samples == 0` with `job_known` True is a server that has not scraped the job yet (no history yet);
    `job_known` False means the server has no scrape target of that job at all.
    """

    job: str
    window_s: float
    history_s: float
    up_samples: int
    up_ok: int
    requests: float
    errors: float
    job_known: bool = True
    origin: Origin = UNKNOWN

    @property
    def n(self) -> int:
        return self.up_samples


@dataclass(frozen=True)
class LiveRule:
    """An alerting rule as the running Prometheus evaluates it."""

    group: str
    name: str
    expr: str
    for_s: float
    eval_s: float
    labels: dict[str, str]


@dataclass(frozen=True)
class PrometheusSettings:
    """The running server's configuration: retention, intervals, scrape jobs and alerting rules."""

    url: str
    retention: str
    scrape_interval_s: float
    evaluation_interval_s: float
    job_scrape_s: dict[str, float]
    rules: tuple[LiveRule, ...]
