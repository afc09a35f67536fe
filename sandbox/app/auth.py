"""Credentials -> tenant: API keys, HS256 JWTs and session tokens. Pure functions, no I/O.

The tenant of a request comes only from its credential. A client-supplied `X-Tenant-ID` may repeat it but
never choose it: a disagreeing header is refused with 403.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import jwt

from sandbox.app.config import TenantSpec

JWT_ALGORITHMS = ["HS256"]
JWT_REQUIRED_CLAIMS = ["exp", "sub", "tenant"]


class AuthError(Exception):
    """A request whose credential is missing or invalid (401) or that asks for a foreign tenant (403)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Principal:
    """Who is calling: the tenant (from the credential), a subject and how they proved it."""

    tenant: str
    subject: str
    method: str

    @property
    def client_id(self) -> str:
        """The rate-limited client: tenant and subject (a session counts as the login that made it)."""
        return f"{self.tenant}:{self.subject}"


def principal_for_api_key(key: str, tenants: Collection[TenantSpec]) -> Principal:
    """The tenant whose API key is `key` (compared in constant time against every key)."""
    match = None
    for tenant in tenants:
        if hmac.compare_digest(key.encode(), tenant.api_key.encode()):
            match = tenant
    if match is None:
        raise AuthError(401, "unknown API key")
    key_id = hashlib.sha256(key.encode()).hexdigest()[:12]
    return Principal(tenant=match.slug, subject=f"key-{key_id}", method="api_key")


def principal_for_jwt(
    token: str, secret: str, tenant_slugs: Collection[str], *, verify_exp: bool = True
) -> Principal:
    """Verify an HS256 JWT (signature, exp, sub, tenant); `alg: none` and other algorithms are refused.
    `verify_exp=False` (a planted defect only) accepts an expired token."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=JWT_ALGORITHMS,
            options={"require": JWT_REQUIRED_CLAIMS, "verify_exp": verify_exp},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError(401, "token expired") from exc
    except jwt.InvalidTokenError as exc:
        raise AuthError(401, f"invalid token: {type(exc).__name__}") from exc
    tenant, subject = claims["tenant"], claims["sub"]
    if not isinstance(tenant, str) or tenant not in tenant_slugs:
        raise AuthError(401, "token names no known tenant")
    if not isinstance(subject, str) or not subject:
        raise AuthError(401, "token has no subject")
    return Principal(tenant=tenant, subject=subject, method="jwt")


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if any."""
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def check_tenant_header(principal: Principal, claimed: str | None) -> None:
    """Refuse (403) an `X-Tenant-ID` that disagrees with the credential's tenant."""
    if claimed is not None and claimed != principal.tenant:
        raise AuthError(403, "X-Tenant-ID does not match the credential's tenant")


def session_key(token: str) -> str:
    """Redis key of a session token (the token itself is never stored, only its hash)."""
    return "session:" + hashlib.sha256(token.encode()).hexdigest()
