"""Rate-limit probes: a burst from one test identity until refused, and the limiter's advertised policy."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import requests

from checks.collect.http import verify_option
from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.security import LimitPolicy as LimitPolicy
from checks.evidence.security import RateLimitProbe as RateLimitProbe
from checks.targets import HttpEndpoint

HEADERS = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy", "retry-after")
Identity = tuple[str, dict[str, str]]  # (name, request headers that authenticate as it)


def _limit_headers(response: requests.Response) -> dict[str, str]:
    return {k: response.headers[k] for k in HEADERS if k in response.headers}


def _get(session: requests.Session, http: HttpEndpoint, url: str, identity: Identity) -> requests.Response:
    """One GET as `identity`; a refusal of the identity itself (401/403) is AccessDenied naming it."""
    try:
        response = session.get(url, headers=identity[1], timeout=http.timeout_s, verify=verify_option(http))
    except requests.ConnectionError as exc:
        raise TargetUnreachable(url, str(exc)) from exc
    except requests.RequestException as exc:
        raise CollectionError(url, str(exc)) from exc
    if response.status_code in (401, 403):
        raise AccessDenied(url, f"identity {identity[0]!r} refused with {response.status_code}")
    return response


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
        burst.statuses.append(response.status_code)
        burst.seen.update(_limit_headers(response))
        if response.status_code == 429:
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
        status = _get(session, http, url, identity).status_code
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
    with requests.Session() as session:
        before = _get(session, http, url, other).status_code if other else None
        burst = _burst(session, http, url, identity, count, max_rps)
        steady = (0, 0, 0.0)
        if paced is not None and burst.refusal is not None:
            steady = _paced(session, http, url, identity, rate, paced[1])
        after = _get(session, http, url, other).status_code if other else None
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
    with requests.Session() as session:
        response = _get(session, http, url, identity)
    return LimitPolicy(url, identity[0], response.status_code, _limit_headers(response), origin)
