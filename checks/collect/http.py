"""HTTP collectors: response headers of a route and a series of probes, through the target's gateway."""

from __future__ import annotations

import time
from typing import Any

import requests

from checks.collect.clients import Answer, fetch, http_session, verify_for
from checks.errors import (
    AccessDenied,
    CollectionError,
    EndpointGivenUp,
    ResponseTooLarge,
    TargetUnreachable,
)
from checks.evidence.http import ProbeSeries as ProbeSeries  # re-exported for existing callers
from checks.evidence.http import ResponseHeaders as ResponseHeaders
from checks.evidence.origin import UNKNOWN, Origin
from checks.report.redact import excerpt
from checks.targets import HttpEndpoint


def verify_option(endpoint: HttpEndpoint) -> str | bool:
    """The CA bundle to verify the gateway with (relative paths are from the project root)."""
    return verify_for(endpoint.ca_file)


def _exchange(
    endpoint: HttpEndpoint,
    method: str,
    url: str,
    session: requests.Session | None = None,
    **kwargs: Any,
) -> Answer:
    return fetch(
        session,
        method,
        url,
        timeout_s=endpoint.timeout_s,
        max_bytes=endpoint.max_response_bytes,
        verify=verify_option(endpoint),
        **kwargs,
    )


def _headers_of(answer: Answer, origin: Origin = UNKNOWN) -> ResponseHeaders:
    return ResponseHeaders(answer.url, answer.status, answer.headers, answer.elapsed_ms, origin)


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
    answer = _exchange(endpoint, "GET", url, headers=headers, allow_redirects=allow_redirects)
    if answer.status in (401, 403) and headers:
        whose = f" of {origin.identity}" if origin.identity else ""
        raise AccessDenied(url, f"credentials{whose} refused ({answer.status})")
    return _headers_of(answer, origin)


def probe(
    endpoint: HttpEndpoint,
    path: str,
    count: int,
    interval_s: float,
    timeout_s: float,
    headers: dict[str, str] | None = None,
    origin: Origin = UNKNOWN,
) -> ProbeSeries:
    """`count` GETs spaced by `interval_s`; failures are recorded per probe, not raised (a refusal of the
    identity, 401/403, is raised: it is not the target's answer to the probe)."""
    url = endpoint.base_url.rstrip("/") + path
    bounded = endpoint.model_copy(update={"timeout_s": min(timeout_s, endpoint.timeout_s)})
    statuses, latencies, errors = [], [], []
    with http_session() as session:
        for _ in range(count):
            started = time.monotonic()
            try:
                answer = _exchange(bounded, "GET", url, session, headers=headers)
                statuses.append(answer.status)
            except (ResponseTooLarge, EndpointGivenUp):
                raise  # a series that could never be complete: ERROR, not a run of failed probes
            except CollectionError as exc:
                statuses.append(0)
                errors.append(type(exc).__name__)
            else:
                if (refused := answer.refused(origin.identity)) is not None and headers:
                    raise refused
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
    answer = _exchange(endpoint, "POST", url, headers=headers, json=body or {})
    if answer.status in (401, 403):
        raise AccessDenied(url, f"credentials refused ({answer.status})")
    if answer.status >= 400:
        raise CollectionError(url, f"answered {answer.status}: {excerpt(answer.text)}")
    return _headers_of(answer)
