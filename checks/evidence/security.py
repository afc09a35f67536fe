"""Edge security evidence: credentials tried per route, security headers, OAuth2 discovery and client
certificates; signed and tampered webhook deliveries; a rate-limit burst and the limiter's policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from checks.evidence.origin import UNKNOWN, Origin

# What a response body was, as a check reads it: the JSON a real API answers, nothing, or something else
# (an HTML error page, garbage). Only `json` answers are data points; the others could not be measured.
BodyKind = Literal["json", "empty", "other"]


@dataclass(frozen=True)
class AuthAttempt:
    """One request to a route with one kind of credential (method: none, api_key, jwt) as `identity`."""

    route: str
    method: str
    credential: str
    expect: str
    status: int
    body: BodyKind = "json"
    identity: str = ""

    @property
    def accepted(self) -> bool:
        """A 2xx answer with the API's JSON: the request was served."""
        return 200 <= self.status < 300 and self.body == "json"

    @property
    def unreadable(self) -> bool:
        """A 2xx answer whose body is not the API's JSON: it is neither served nor refused."""
        return 200 <= self.status < 300 and self.body != "json"


@dataclass(frozen=True)
class ClientCertCheck:
    """Whether the TLS handshake asks for a client certificate (mutual TLS). `requested` is None when it
    could not be told; `detail` says how it was told, or why it could not be."""

    requested: bool | None
    detail: str


@dataclass(frozen=True)
class OAuthDiscovery:
    """What the OAuth2 authorization-server discovery document answered: its status, and the issuer it
    names when the body is a discovery document (None: not one, e.g. an HTML page)."""

    path: str
    status: int
    issuer: str | None = None

    @property
    def offered(self) -> bool | None:
        """True: a discovery document is served; False: none (4xx); None: an answer that is neither."""
        if self.status == 200:
            return True if self.issuer else None
        return False if 400 <= self.status < 500 else None


@dataclass(frozen=True)
class EdgeObservation:
    """What the edge showed: auth attempts, security headers per route, OAuth2 discovery, client certs."""

    base_url: str
    attempts: tuple[AuthAttempt, ...]
    security_headers: dict[str, dict[str, str]]
    oauth2: OAuthDiscovery
    client_cert: ClientCertCheck
    notes: tuple[str, ...] = ()
    origin: Origin = UNKNOWN


@dataclass(frozen=True)
class Delivery:
    """One webhook delivery: how it was signed, whether it should be accepted, and the answer."""

    kind: str
    expect: str
    status: int


@dataclass(frozen=True)
class WebhookDeliveries:
    """Every delivery posted to one route."""

    url: str
    scheme: str
    deliveries: tuple[Delivery, ...]
    origin: Origin = UNKNOWN


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
    origin: Origin = UNKNOWN

    @property
    def accepted(self) -> int:
        return sum(1 for s in self.statuses if 200 <= s < 300)

    @property
    def unanswered(self) -> tuple[int, ...]:
        """Statuses that are neither served (2xx) nor limited (429): errors the limit says nothing about."""
        return tuple(s for s in self.statuses if not 200 <= s < 300 and s != 429)


@dataclass(frozen=True)
class LimitPolicy:
    """One request's answer and the limiter's advertised headers (RateLimit-*, Retry-After)."""

    url: str
    identity: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    origin: Origin = UNKNOWN
