"""Prometheus collectors: instant and range queries through the HTTP API."""

from __future__ import annotations

from typing import Any

from checks.collect.clients import Answer, fetch, verify_for
from checks.errors import CollectionError
from checks.evidence.origin import UNKNOWN, Origin

# the evidence types, re-exported for callers that import them from their collector
from checks.evidence.prometheus import AvailabilityHistory as AvailabilityHistory
from checks.evidence.prometheus import LiveRule as LiveRule
from checks.evidence.prometheus import PrometheusSettings as PrometheusSettings
from checks.evidence.prometheus import Series as Series
from checks.report.redact import excerpt
from checks.targets import Prometheus, secret
from checks.units import UnitError, prometheus_seconds


def _request(prom: Prometheus, path: str, params: dict[str, str] | None = None) -> Answer:
    """One GET of the HTTP API within the section's deadline and body cap, with the bearer token when the
    target names one (every request: queries, flags, config and rules alike)."""
    url = prom.url.rstrip("/") + path
    headers = {}
    if prom.bearer_token_env:
        headers["Authorization"] = "Bearer " + secret(
            prom.bearer_token_env, key="prometheus.bearer_token_env"
        )
    answer = fetch(
        None,
        "GET",
        url,
        timeout_s=prom.timeout_s,
        max_bytes=prom.max_response_bytes,
        verify=verify_for(prom.ca_file),
        headers=headers,
        params=params,
    )
    refused = answer.refused("prometheus bearer token" if prom.bearer_token_env else None)
    if refused is not None:
        raise refused
    return answer


def _api(prom: Prometheus, path: str, params: dict[str, str]) -> list[dict[str, object]]:
    answer = _request(prom, path, params)
    is_json = answer.headers.get("content-type", "").startswith("application/json")
    body = answer.json() if is_json else {}
    if answer.status != 200 or body.get("status") != "success":
        raise CollectionError(
            answer.url, f"query failed ({answer.status}): {body.get('error') or excerpt(answer.text)}"
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
    # a history younger than one coarse step has none of the steps in it: finer steps over a recent span
    for recent_s, step in ((86400, 15), (3600, 1)):
        if first or step >= resolution:
            continue
        recent = f"{int(min(window_s, recent_s))}s"
        first = query(prom, f"min(min_over_time(timestamp({selector})[{recent}:{step}s]))")
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


def api_data(prom: Prometheus, path: str) -> Any:
    """The `data` of one API answer (status 200, `status: success`), else CollectionError naming the URL."""
    answer = _request(prom, path)
    if answer.status != 200:
        raise CollectionError(answer.url, f"answered {answer.status}: {excerpt(answer.text)}")
    body = answer.json()
    if not isinstance(body, dict) or body.get("status") != "success" or "data" not in body:
        raise CollectionError(answer.url, f"not a successful API answer: {excerpt(answer.text)}")
    return body["data"]


def _get(prom: Prometheus, path: str) -> dict[str, object]:
    data: dict[str, object] = api_data(prom, path)
    return data


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
