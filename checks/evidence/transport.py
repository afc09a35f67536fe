"""Encryption-in-transit evidence: the TLS posture of an endpoint, a mesh's PeerAuthentication policies."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.origin import UNKNOWN, Origin

VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
ACCEPTED, REFUSED, UNTESTABLE = "accepted", "refused", "not testable by this client"


@dataclass(frozen=True)
class VersionResult:
    """One protocol version tried alone (minimum = maximum): accepted, refused by the server or untestable."""

    version: str
    outcome: str
    cipher: str | None
    detail: str


@dataclass(frozen=True)
class CertInfo:
    """One certificate of the served chain."""

    subject: str
    issuer: str
    not_after: str
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]


@dataclass(frozen=True)
class HttpRedirect:
    """What plain HTTP on `port` answered to GET /."""

    port: int
    status: int
    location: str | None

    @property
    def to_https(self) -> bool:
        """A 3xx whose Location is an https:// URL."""
        return 300 <= self.status < 400 and (self.location or "").startswith("https://")


@dataclass(frozen=True)
class TlsPosture:
    """Everything one endpoint showed about its TLS configuration."""

    host: str
    port: int
    server_hostname: str
    versions: tuple[VersionResult, ...]
    chain: tuple[CertInfo, ...]
    verified: bool
    verify_error: str
    hostname_match: bool
    hsts: str | None
    http_redirect: HttpRedirect | None
    origin: Origin = UNKNOWN

    def outcome(self, version: str) -> str:
        """The outcome recorded for one version."""
        return next(v.outcome for v in self.versions if v.version == version)


@dataclass(frozen=True)
class HopTransport:
    """How claimcheck's own connection over one hop behind the gateway travelled (a database, a cache):
    encrypted or not, and the TLS version where the server reports it."""

    hop: str  # e.g. "PostgreSQL primary"
    where: str
    encrypted: bool
    version: str | None
    detail: str
    origin: Origin = UNKNOWN


@dataclass(frozen=True)
class PeerAuthentication:
    """One PeerAuthentication: where it applies and which mTLS mode it sets (UNSET inherits)."""

    namespace: str
    name: str
    mode: str
    has_selector: bool
    port_modes: dict[str, str]


@dataclass(frozen=True)
class MeshPolicies:
    """Every PeerAuthentication in the cluster; `installed` is False when the CRD is absent."""

    installed: bool
    root_namespace: str
    policies: tuple[PeerAuthentication, ...]
    origin: Origin = UNKNOWN
