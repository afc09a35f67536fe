"""Rate-limit probes: a burst from one test identity until refused, and the limiter's advertised policy."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import requests

from checks.collect.clients import Answer, fetch, http_session
from checks.collect.http import verify_option
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.security import LimitPolicy as LimitPolicy
from checks.evidence.security import RateLimitProbe as RateLimitProbe
from checks.targets import HttpEndpoint

HEADERS = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy", "retry-after")
Identity = tuple[str, dict[str, str]]  # (name, request headers that authenticate as it)


def _limit_headers(answer: Answer) -> dict[str, str]:
    return {k: answer.headers[k] for k in HEADERS if k in answer.headers}


def _get(session: requests.Session, http: HttpEndpoint, url: str, identity: Identity) -> Answer:
    """One GET as `identity` within the endpoint's deadline and body cap; a refusal of the identity itself
    (401/403) is AccessDenied naming it and the URL."""
    answer = fetch(
        session,
        "GET",
        url,
        timeout_s=http.timeout_s,
        max_bytes=http.max_response_bytes,
        verify=verify_option(http),
        headers=identity[1],
    )
    refused = answer.refused(identity[0])
    if refused is not None:
        raise refused
    return answer


@dataclass
class _Burst:
    """What the burst saw, request by request (local to one collection)."""

    statuses: list[int] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)
    refusal: dict[str, str] | None = None
    elapsed_s: float = 0.0


def _burst(
    session: requests.Session, http: HttpEndpoint, url: str, identity: Identity, count: int, max_rps: float
) -> _Burst:
    """Up to `count` GETs, never faster than `max_rps`, stopping at the first 429."""
    burst, started = _Burst(), time.monotonic()
    for i in range(count):
        time.sleep(max(0.0, started + i / max_rps - time.monotonic()))
        response = _get(session, http, url, identity)
        burst.statuses.append(response.status)
        burst.seen.update(_limit_headers(response))
        if response.status == 429:
            burst.refusal = _limit_headers(response)
            break
    burst.elapsed_s = time.monotonic() - started
    return burst


def _paced(
    session: requests.Session, http: HttpEndpoint, url: str, identity: Identity, rps: float, seconds: float
) -> tuple[int, int, float]:
    """Requests at a steady `rps` for `seconds`: (sent, accepted, elapsed)."""
    started, sent, accepted = time.monotonic(), 0, 0
    while time.monotonic() - started < seconds:
        time.sleep(max(0.0, started + sent / rps - time.monotonic()))
        status = _get(session, http, url, identity).status
        sent, accepted = sent + 1, accepted + (200 <= status < 300)
    return sent, accepted, time.monotonic() - started


def collect_rate_limit(
    http: HttpEndpoint,
    path: str,
    identity: Identity,
    count: int,
    other: Identity | None,
    *,
    max_rps: float,
    paced: tuple[float, float] | None = None,
    origin: Origin = UNKNOWN,
) -> RateLimitProbe:
    """Send up to `count` GETs as `identity` (never faster than the governor's `max_rps`), stop at the first
    429, then one GET as `other` to show the limit is per client. With `paced=(rps, seconds)`, keep sending at
    that steady rate after the refusal: the share let through is the limiter's refill rate, which does not
    depend on how full its bucket was when the probe began."""
    url = http.base_url.rstrip("/") + path
    rate = min(paced[0], max_rps) if paced else 0.0
    with http_session() as session:
        before = _get(session, http, url, other).status if other else None
        burst = _burst(session, http, url, identity, count, max_rps)
        steady = (0, 0, 0.0)
        if paced is not None and burst.refusal is not None:
            steady = _paced(session, http, url, identity, rate, paced[1])
        after = _get(session, http, url, other).status if other else None
    first = burst.statuses.index(429) + 1 if 429 in burst.statuses else None
    return RateLimitProbe(
        url, identity[0], len(burst.statuses), burst.elapsed_s, tuple(burst.statuses), first, burst.seen,
        other[0] if other else None, after, rate, *steady, burst.refusal, before, origin,
    )  # fmt: skip


def collect_limit_policy(
    http: HttpEndpoint, path: str, identity: Identity, *, origin: Origin = UNKNOWN
) -> LimitPolicy:
    """One request's RateLimit-* headers (the limiter's advertised policy), without spending the budget."""
    url = http.base_url.rstrip("/") + path
    with http_session() as session:
        response = _get(session, http, url, identity)
    return LimitPolicy(url, identity[0], response.status, _limit_headers(response), origin)
