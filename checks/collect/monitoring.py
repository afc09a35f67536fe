"""The running Prometheus's settings as monitoring evidence: retention and intervals, alerting rules."""

from __future__ import annotations

from checks.collect.prometheus import collect_prometheus_settings
from checks.evidence.monitoring import MonitoringSettings
from checks.evidence.origin import UNKNOWN, Origin
from checks.targets import Prometheus
from checks.units import UnitError, prometheus_seconds


def _seconds(text: str) -> float | None:
    try:
        return prometheus_seconds(text)
    except UnitError:
        return None


def collect_monitoring_settings(
    prom: Prometheus, *, flags: Origin = UNKNOWN, rules: Origin = UNKNOWN
) -> MonitoringSettings:
    """Read /status/flags, /status/config and /rules of the running server (checks/collect/prometheus.py)."""
    settings = collect_prometheus_settings(prom)
    return MonitoringSettings(settings, _seconds(settings.retention), flags, rules)
