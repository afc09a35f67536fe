"""Edge controls seen from outside: security headers, which credentials each route demands and accepts, an
OAuth2 discovery document, and whether the TLS handshake asks for a client certificate (mutual TLS)."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from checks.collect.http import verify_option
from checks.collect.isolation import tokens
from checks.collect.isolation.web import send, session_for
from checks.targets import HttpEndpoint, Tenant, secret

SECURITY_HEADERS = (
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "content-security-policy",
    "referrer-policy",
    "permissions-policy",
)
CLIENT_CERT_MARKERS = (
    "Requested Signature Algorithms",
    "Acceptable client certificate CA names",
    "Client Certificate Types",
)


@dataclass(frozen=True)
class AuthAttempt:
    """One request to a route with one kind of credential (method: none, api_key, jwt)."""

    route: str
    method: str
    credential: str
    expect: str
    status: int


@dataclass(frozen=True)
class EdgeObservation:
    """What the edge showed: auth attempts, security headers per route, OAuth2 discovery, client certs."""

    base_url: str
    attempts: tuple[AuthAttempt, ...]
    security_headers: dict[str, dict[str, str]]
    oauth2_discovery: str
    oauth2_status: int
    client_cert_requested: bool | None
    notes: tuple[str, ...] = ()


def _plan(
    tenant: Tenant, jwt_key: str | None, names: tokens.TokenClaims, now: float
) -> list[tuple[str, str, str, dict[str, str]]]:
    key = secret(tenant.api_key_env, key=f"tenants.{tenant.slug}.api_key_env")
    plan = [
        ("none", "no credential", "refuse", {}),
        ("api_key", "valid API key", "allow", {"X-API-Key": key}),
        ("api_key", "unknown API key", "refuse", {"X-API-Key": "cc-probe-" + secrets.token_urlsafe(24)}),
        (
            "jwt",
            "JWT alg none",
            "refuse",
            {"Authorization": f"Bearer {tokens.unsigned_token(tenant.slug, now, names)}"},
        ),
        (
            "jwt",
            "JWT signed with a random key",
            "refuse",
            {"Authorization": f"Bearer {tokens.wrong_key_token(tenant.slug, now, names)}"},
        ),
    ]
    if jwt_key is not None:
        plan += [
            (
                "jwt",
                "valid JWT",
                "allow",
                {"Authorization": f"Bearer {tokens.valid_token(jwt_key, tenant.slug, now, names)}"},
            ),
            (
                "jwt",
                "expired JWT",
                "refuse",
                {"Authorization": f"Bearer {tokens.expired_token(jwt_key, tenant.slug, now, names)}"},
            ),
        ]
    return plan


def client_cert_requested(http: HttpEndpoint) -> bool | None:
    """Whether the TLS handshake carries a CertificateRequest (openssl s_client); None: cannot tell."""
    parts = urlsplit(http.base_url)
    if parts.scheme != "https" or shutil.which("openssl") is None:
        return None
    argv = [
        "openssl",
        "s_client",
        "-connect",
        f"{parts.hostname}:{parts.port or 443}",
        "-servername",
        http.server_hostname or parts.hostname or "",
    ]
    verify = verify_option(http)
    if isinstance(verify, str):
        argv += ["-CAfile", verify]
    try:
        proc = subprocess.run(
            argv, input="", capture_output=True, text=True, timeout=http.timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        return None
    if "Cipher is" not in proc.stdout:
        return None
    return any(marker in proc.stdout for marker in CLIENT_CERT_MARKERS)


def collect_edge_controls(
    http: HttpEndpoint,
    tenant: Tenant,
    routes: Sequence[str],
    jwt_key: str | None,
    names: tokens.TokenClaims,
    oauth2_discovery: str,
    now: float | None = None,
) -> EdgeObservation:
    """Every credential kind against every route; headers of each route's accepted response."""
    now = time.time() if now is None else now
    attempts, headers_seen = [], {}
    with session_for(http) as session:
        for route in routes:
            for method, credential, expect, headers in _plan(tenant, jwt_key, names, now):
                reply = send(session, http, "GET", route, headers)
                attempts.append(AuthAttempt(route, method, credential, expect, reply.status))
                if expect == "allow" and route not in headers_seen:
                    headers_seen[route] = {
                        h: reply.headers[h] for h in SECURITY_HEADERS if h in reply.headers
                    }
        oauth2 = send(session, http, "GET", oauth2_discovery).status
    notes = () if jwt_key else ("no JWT secret bound: valid and expired JWTs not tried",)
    return EdgeObservation(
        http.base_url,
        tuple(attempts),
        headers_seen,
        oauth2_discovery,
        oauth2,
        client_cert_requested(http),
        notes,
    )
