"""Monitoring evidence: the running Prometheus's settings, and where each part of them came from (its flags
and configuration: retention and intervals; its alerting rules), since a target may have set either up from
the documents it is judged against."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.prometheus import PrometheusSettings


@dataclass(frozen=True)
class MonitoringSettings:
    """A Prometheus server's settings with its retention in seconds (None: not a duration), and the origin
    of its flags and configuration (`flags`) and of its alerting rules (`rules`)."""

    settings: PrometheusSettings
    retention_s: float | None
    flags: Origin = UNKNOWN
    rules: Origin = UNKNOWN
