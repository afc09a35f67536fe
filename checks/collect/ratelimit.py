"""Rate-limit probes: a burst from one test identity until refused, and the limiter's advertised policy."""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

from checks.collect.clients import Answer, fetch, http_session
from checks.collect.http import verify_option
from checks.targets import HttpEndpoint

HEADERS = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy", "retry-after")


@dataclass(frozen=True)
class RateLimitProbe:
    """What one identity saw while sending `sent` requests as fast as it could, and what another saw after."""

    url: str
    identity: str
    sent: int
    elapsed_s: float
    statuses: tuple[int, ...]
    first_refusal: int | None  # 1-based index of the first 429
    limit_headers: dict[str, str]  # RateLimit-* and Retry-After as last seen
    other_identity: str | None
    other_status: int | None
    paced_rps: float = 0.0  # after the first refusal: requests sent at this steady rate...
    paced_sent: int = 0
    paced_accepted: int = 0  # ...and how many the limiter let through (its refill rate)
    paced_s: float = 0.0
    refusal_headers: dict[str, str] | None = None
    other_status_before: int | None = None  # the other identity, asked before the burst (must be served)

    @property
    def accepted(self) -> int:
        return sum(1 for s in self.statuses if 200 <= s < 300)


def _limit_headers(answer: Answer) -> dict[str, str]:
    return {k: answer.headers[k] for k in HEADERS if k in answer.headers}


def _get(
    session: requests.Session, http: HttpEndpoint, url: str, identity: tuple[str, dict[str, str]]
) -> Answer:
    """One GET as `identity`; a refusal of the identity itself (401/403) is AccessDenied naming it."""
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


def _paced(
    session: requests.Session,
    http: HttpEndpoint,
    url: str,
    identity: tuple[str, dict[str, str]],
    rps: float,
    seconds: float,
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
    identity: tuple[str, dict[str, str]],
    count: int,
    other: tuple[str, dict[str, str]] | None,
    *,
    max_rps: float,
    paced: tuple[float, float] | None = None,
) -> RateLimitProbe:
    """Send up to `count` GETs as `identity` (never faster than the governor's `max_rps`), stop at the first
    429, then one GET as `other` to show the limit is per client. With `paced=(rps, seconds)`, keep sending at
    that steady rate after the refusal: the share let through is the limiter's refill rate, which does not
    depend on how full its bucket was when the probe began."""
    url = http.base_url.rstrip("/") + path
    statuses: list[int] = []
    seen: dict[str, str] = {}
    refusal: dict[str, str] | None = None
    started = time.monotonic()
    with http_session() as session:
        before = None
        if other is not None:
            before = _get(session, http, url, other).status
        started = time.monotonic()
        for i in range(count):
            time.sleep(max(0.0, started + i / max_rps - time.monotonic()))
            answer = _get(session, http, url, identity)
            statuses.append(answer.status)
            seen.update(_limit_headers(answer))
            if answer.status == 429:
                refusal = _limit_headers(answer)
                break
        elapsed = time.monotonic() - started
        steady = (0, 0, 0.0)
        if paced is not None and refusal is not None:
            steady = _paced(session, http, url, identity, min(paced[0], max_rps), paced[1])
        other_status = None
        if other is not None:
            other_status = _get(session, http, url, other).status
    first = statuses.index(429) + 1 if 429 in statuses else None
    return RateLimitProbe(
        url,
        identity[0],
        len(statuses),
        elapsed,
        tuple(statuses),
        first,
        seen,
        other[0] if other else None,
        other_status,
        min(paced[0], max_rps) if paced else 0.0,
        *steady,
        refusal,
        before,
    )


def collect_limit_policy(
    http: HttpEndpoint, path: str, headers: dict[str, str], identity: str = "the probe identity"
) -> dict[str, str]:
    """One request's RateLimit-* headers (the limiter's advertised policy), without spending the budget."""
    url = http.base_url.rstrip("/") + path
    answer = _get(http_session(), http, url, (identity, headers))
    return {"status": str(answer.status), **_limit_headers(answer)}
