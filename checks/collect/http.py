"""HTTP collectors: response headers of a route and a series of probes, through the target's gateway."""

from __future__ import annotations

import time
from pathlib import Path

import requests

from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from checks.evidence.http import ProbeSeries as ProbeSeries  # re-exported for existing callers
from checks.evidence.http import ResponseHeaders as ResponseHeaders
from checks.evidence.origin import UNKNOWN, Origin
from checks.ledger import project_root
from checks.targets import HttpEndpoint


def verify_option(endpoint: HttpEndpoint) -> str | bool:
    """The CA bundle to verify the gateway with (relative paths are from the project root)."""
    if endpoint.ca_file is None:
        return True
    path = Path(endpoint.ca_file)
    return str(path if path.is_absolute() else project_root() / path)


def get(
    endpoint: HttpEndpoint,
    path: str,
    headers: dict[str, str] | None = None,
    *,
    base: str | None = None,
    allow_redirects: bool = False,
    origin: Origin = UNKNOWN,
) -> ResponseHeaders:
    """GET `path` on the endpoint; raise TargetUnreachable/AccessDenied/CollectionError naming the URL (and,
    for a refusal, the identity of `origin`)."""
    url = (base or endpoint.base_url).rstrip("/") + path
    try:
        response = requests.get(
            url,
            headers=headers or {},
            timeout=endpoint.timeout_s,
            verify=verify_option(endpoint),
            allow_redirects=allow_redirects,
        )
    except requests.ConnectionError as exc:
        raise TargetUnreachable(url, f"no answer: {exc}") from exc
    except requests.RequestException as exc:
        raise CollectionError(url, f"request failed: {exc}") from exc
    if response.status_code in (401, 403) and headers:
        whose = f" of {origin.identity}" if origin.identity else ""
        raise AccessDenied(url, f"credentials{whose} refused ({response.status_code})")
    return ResponseHeaders(
        url,
        response.status_code,
        {k.lower(): v for k, v in response.headers.items()},
        response.elapsed.total_seconds() * 1000,
        origin,
    )


def probe(
    endpoint: HttpEndpoint,
    path: str,
    count: int,
    interval_s: float,
    timeout_s: float,
    headers: dict[str, str] | None = None,
    origin: Origin = UNKNOWN,
) -> ProbeSeries:
    """`count` GETs spaced by `interval_s`; failures are recorded per probe, not raised."""
    url = endpoint.base_url.rstrip("/") + path
    statuses, latencies, errors = [], [], []
    with requests.Session() as session:
        for _ in range(count):
            started = time.monotonic()
            try:
                response = session.get(
                    url, headers=headers or {}, timeout=timeout_s, verify=verify_option(endpoint)
                )
                statuses.append(response.status_code)
            except requests.RequestException as exc:
                statuses.append(0)
                errors.append(type(exc).__name__)
            latencies.append((time.monotonic() - started) * 1000)
            time.sleep(max(0.0, interval_s - (time.monotonic() - started)))
    if not any(statuses):
        raise TargetUnreachable(url, f"none of {count} probes got an answer ({errors[:1]})")
    return ProbeSeries(url, tuple(statuses), tuple(latencies), tuple(errors), origin)


def post(
    endpoint: HttpEndpoint, path: str, headers: dict[str, str], body: dict[str, object] | None = None
) -> ResponseHeaders:
    """POST `path` as a test identity (an ordinary request, e.g. a login); failures name the URL."""
    url = endpoint.base_url.rstrip("/") + path
    try:
        response = requests.post(
            url, json=body or {}, headers=headers, timeout=endpoint.timeout_s, verify=verify_option(endpoint)
        )
    except requests.RequestException as exc:
        raise TargetUnreachable(url, f"no answer: {exc}") from exc
    if response.status_code in (401, 403):
        raise AccessDenied(url, f"credentials refused ({response.status_code})")
    if response.status_code >= 400:
        raise CollectionError(url, f"answered {response.status_code}: {response.text[:200]}")
    return ResponseHeaders(
        url,
        response.status_code,
        {k.lower(): v for k, v in response.headers.items()},
        response.elapsed.total_seconds() * 1000,
    )
