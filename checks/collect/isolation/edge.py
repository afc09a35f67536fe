"""Edge controls seen from outside: security headers, which credentials each route demands and accepts, an
OAuth2 discovery document, and whether the TLS handshake asks for a client certificate (mutual TLS)."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

from checks.collect.http import verify_option
from checks.collect.isolation import tokens
from checks.collect.isolation.web import Reply, send, session_for
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.security import AuthAttempt as AuthAttempt
from checks.evidence.security import ClientCertCheck as ClientCertCheck
from checks.evidence.security import EdgeObservation as EdgeObservation
from checks.evidence.security import OAuthDiscovery as OAuthDiscovery
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
Attempt = tuple[str, str, str, dict[str, str]]  # method, credential, expect, headers


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _jwt_plan(tenant: str, jwt_key: str | None, names: tokens.TokenClaims, now: float) -> list[Attempt]:
    plan: list[Attempt] = [
        ("jwt", "JWT alg none", "refuse", _bearer(tokens.unsigned_token(tenant, now, names))),
        (
            "jwt",
            "JWT signed with a random key",
            "refuse",
            _bearer(tokens.wrong_key_token(tenant, now, names)),
        ),
    ]
    if jwt_key is not None:
        plan += [
            ("jwt", "valid JWT", "allow", _bearer(tokens.valid_token(jwt_key, tenant, now, names))),
            ("jwt", "expired JWT", "refuse", _bearer(tokens.expired_token(jwt_key, tenant, now, names))),
        ]
    return plan


def _plan(tenant: Tenant, jwt_key: str | None, names: tokens.TokenClaims, now: float) -> list[Attempt]:
    key = secret(tenant.api_key_env, key=f"tenants.{tenant.slug}.api_key_env")
    unknown = "cc-probe-" + secrets.token_urlsafe(24)
    return [
        ("none", "no credential", "refuse", {}),
        ("api_key", "valid API key", "allow", {"X-API-Key": key}),
        ("api_key", "unknown API key", "refuse", {"X-API-Key": unknown}),
        *_jwt_plan(tenant.slug, jwt_key, names, now),
    ]


def _openssl_argv(http: HttpEndpoint) -> list[str]:
    parts = urlsplit(http.base_url)
    argv = ["openssl", "s_client", "-connect", f"{parts.hostname}:{parts.port or 443}"]
    argv += ["-servername", http.server_hostname or parts.hostname or ""]
    verify = verify_option(http)
    return argv + (["-CAfile", verify] if isinstance(verify, str) else [])


def client_cert_requested(http: HttpEndpoint) -> ClientCertCheck:
    """Whether the TLS handshake carries a CertificateRequest (openssl s_client). Plain HTTP has no
    handshake (False); a handshake that could not be made or read says nothing (None, with the reason)."""
    if urlsplit(http.base_url).scheme != "https":
        return ClientCertCheck(False, "plain HTTP: no TLS handshake, so no client certificate")
    if shutil.which("openssl") is None:
        return ClientCertCheck(None, "openssl is not installed: the handshake could not be inspected")
    argv = _openssl_argv(http)
    try:
        proc = subprocess.run(
            argv, input="", capture_output=True, text=True, timeout=http.timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        return ClientCertCheck(None, f"openssl s_client gave no answer within {http.timeout_s:g} s")
    if "Cipher is" not in proc.stdout:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return ClientCertCheck(None, f"openssl s_client completed no handshake: {tail}")
    asked = any(marker in proc.stdout for marker in CLIENT_CERT_MARKERS)
    return ClientCertCheck(asked, "CertificateRequest in the handshake" if asked else "no CertificateRequest")


def _discovery(reply: Reply, path: str) -> OAuthDiscovery:
    body = reply.json()
    issuer = body.get("issuer") if isinstance(body, dict) else None
    return OAuthDiscovery(path, reply.status, str(issuer) if issuer else None)


def _attempt(route: str, attempt: Attempt, reply: Reply, identity: str) -> AuthAttempt:
    method, credential, expect, _ = attempt
    return AuthAttempt(route, method, credential, expect, reply.status, reply.body_kind, identity)


def collect_edge_controls(
    http: HttpEndpoint,
    tenant: Tenant,
    routes: Sequence[str],
    jwt_key: str | None,
    names: tokens.TokenClaims,
    oauth2_discovery: str,
    now: float | None = None,
    *,
    origin: Origin = UNKNOWN,
) -> EdgeObservation:
    """Every credential kind against every route; headers of each route's accepted response."""
    plan = _plan(tenant, jwt_key, names, time.time() if now is None else now)
    attempts, headers_seen = [], {}
    with session_for(http) as session:
        for route in routes:
            for attempt in plan:
                reply = send(session, http, "GET", route, attempt[3])
                attempts.append(_attempt(route, attempt, reply, tenant.slug))
                if attempt[2] == "allow" and route not in headers_seen:
                    headers_seen[route] = {
                        h: reply.headers[h] for h in SECURITY_HEADERS if h in reply.headers
                    }
        oauth2 = _discovery(send(session, http, "GET", oauth2_discovery), oauth2_discovery)
    notes = () if jwt_key else ("no JWT secret bound: valid and expired JWTs not tried",)
    return EdgeObservation(
        http.base_url, tuple(attempts), headers_seen, oauth2, client_cert_requested(http), notes, origin
    )
