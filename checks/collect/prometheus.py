"""Prometheus collectors: instant and range queries through the HTTP API."""

from __future__ import annotations

from typing import Any

import requests

from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from checks.evidence.origin import UNKNOWN, Origin

# the evidence types, re-exported for callers that import them from their collector
from checks.evidence.prometheus import AvailabilityHistory as AvailabilityHistory
from checks.evidence.prometheus import LiveRule as LiveRule
from checks.evidence.prometheus import PrometheusSettings as PrometheusSettings
from checks.evidence.prometheus import Series as Series
from checks.targets import Prometheus, secret
from checks.units import UnitError, prometheus_seconds


def _api(prom: Prometheus, path: str, params: dict[str, str]) -> list[dict[str, object]]:
    url = prom.url.rstrip("/") + path
    headers = {}
    if prom.bearer_token_env:
        headers["Authorization"] = "Bearer " + secret(
            prom.bearer_token_env, key="prometheus.bearer_token_env"
        )
    try:
        response = requests.get(url, params=params, headers=headers, timeout=15)
    except requests.ConnectionError as exc:
        raise TargetUnreachable(url, f"no answer: {exc}") from exc
    if response.status_code in (401, 403):
        raise AccessDenied(url, f"refused ({response.status_code})")
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    if response.status_code != 200 or body.get("status") != "success":
        raise CollectionError(
            url, f"query failed ({response.status_code}): {body.get('error', response.text[:200])}"
        )
    return body["data"]["result"]  # type: ignore[no-any-return]


def query(prom: Prometheus, expr: str) -> list[tuple[dict[str, str], float]]:
    """An instant query: (labels, value) per series."""
    rows: list[Any] = _api(prom, "/api/v1/query", {"query": expr})
    return [(dict(r["metric"]), float(r["value"][1])) for r in rows]


def query_range(prom: Prometheus, expr: str, start: float, end: float, step_s: float) -> list[Series]:
    """A range query over [start, end] (unix seconds)."""
    params = {"query": expr, "start": str(start), "end": str(end), "step": f"{step_s:g}"}
    rows: list[Any] = _api(prom, "/api/v1/query_range", params)
    return [Series(dict(r["metric"]), tuple((float(t), float(v)) for t, v in r["values"])) for r in rows]


def collect_availability_history(
    prom: Prometheus, window_s: float, now: float, *, origin: Origin = UNKNOWN
) -> AvailabilityHistory:
    """`up` of the app job over the window (every raw sample, counted server-side), how far back the history
    reaches, and the job's request/error counters' increase over the window. A job Prometheus scrapes but
    has not scraped yet has no history (up_samples 0); a job it does not scrape at all has `job_known` False.
    """
    job, span = prom.app_job, f"{int(window_s)}s"
    selector = f'up{{job="{job}"}}'
    samples = query(prom, f"sum(count_over_time({selector}[{span}]))")
    if not samples:
        return AvailabilityHistory(job, window_s, 0.0, 0, 0, 0.0, 0.0, _scrapes_job(prom, job), origin)
    ok = query(prom, f"sum(sum_over_time({selector}[{span}]))")
    resolution = max(15, int(window_s / 10000))
    first = query(prom, f"min(min_over_time(timestamp({selector})[{span}:{resolution}s]))")
    total = query(prom, f'sum(increase(http_requests_total{{job="{job}"}}[{span}]))')
    errors = query(prom, f'sum(increase(http_requests_total{{job="{job}",status=~"5.."}}[{span}]))')
    return AvailabilityHistory(
        job,
        window_s,
        now - first[0][1] if first else 0.0,
        int(samples[0][1]),
        int(ok[0][1]) if ok else 0,
        total[0][1] if total else 0.0,
        errors[0][1] if errors else 0.0,
        True,
        origin,
    )


def _scrapes_job(prom: Prometheus, job: str) -> bool:
    """True when the server has an active scrape target of `job` (scraped or not yet)."""
    active: Any = _get(prom, "/api/v1/targets?state=active").get("activeTargets", [])
    return any(str((t.get("labels") or {}).get("job")) == job for t in active)


def _duration_s(text: str) -> float:
    try:
        return prometheus_seconds(str(text))
    except UnitError as exc:
        raise CollectionError("prometheus configuration", str(exc)) from exc


def _get(prom: Prometheus, path: str) -> dict[str, object]:
    url = prom.url.rstrip("/") + path
    try:
        response = requests.get(url, timeout=15)
    except requests.ConnectionError as exc:
        raise TargetUnreachable(url, f"no answer: {exc}") from exc
    if response.status_code in (401, 403):
        raise AccessDenied(url, f"refused ({response.status_code})")
    if response.status_code != 200:
        raise CollectionError(url, f"answered {response.status_code}")
    return response.json()["data"]  # type: ignore[no-any-return]


def _groups(prom: Prometheus) -> list[Any]:
    groups: Any = _get(prom, "/api/v1/rules").get("groups", [])
    return list(groups)


def collect_prometheus_settings(prom: Prometheus) -> PrometheusSettings:
    """Read /status/flags, /status/config and /rules of the running server."""
    import yaml

    flags = _get(prom, "/api/v1/status/flags")
    config = yaml.safe_load(str(_get(prom, "/api/v1/status/config")["yaml"])) or {}
    glob = config.get("global") or {}
    scrape = _duration_s(glob.get("scrape_interval", "1m"))
    jobs = {
        str(j["job_name"]): _duration_s(j.get("scrape_interval", glob.get("scrape_interval", "1m")))
        for j in config.get("scrape_configs") or []
    }
    rules = tuple(
        LiveRule(
            str(g["name"]),
            str(r["name"]),
            str(r.get("query", "")),
            float(r.get("duration", 0)),
            float(g.get("interval", 60)),
            dict(r.get("labels") or {}),
        )
        for g in _groups(prom)
        for r in g.get("rules", [])
        if r.get("type") == "alerting"
    )
    retention = str(flags.get("storage.tsdb.retention.time", ""))
    if retention in ("0s", "") and str(flags.get("storage.tsdb.retention.size", "0B")) in ("0B", "0"):
        retention = "15d"  # Prometheus's default when neither time nor size is set
    return PrometheusSettings(
        prom.url, retention, scrape, _duration_s(glob.get("evaluation_interval", "1m")), jobs, rules
    )
