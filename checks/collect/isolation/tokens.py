"""JWTs a probe presents: a valid one (the allowed side) and tampered ones that must all be refused.

Pure functions: the clock arrives as `now`, secrets as arguments.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass

import jwt

PROBE_SUBJECT = "claimcheck-probe"
TOKEN_LIFETIME_S = 300
EXPIRED_AGO_S = 3600


@dataclass(frozen=True)
class TokenClaims:
    """Names of the claims that carry tenant and subject."""

    tenant: str = "tenant"
    subject: str = "sub"


def _payload(tenant: str, exp: float, names: TokenClaims) -> dict[str, object]:
    return {names.subject: PROBE_SUBJECT, names.tenant: tenant, "exp": int(exp)}


def valid_token(secret: str, tenant: str, now: float, names: TokenClaims = TokenClaims()) -> str:
    """HS256 token for `tenant`, valid for a few minutes."""
    return jwt.encode(_payload(tenant, now + TOKEN_LIFETIME_S, names), secret, algorithm="HS256")


def expired_token(secret: str, tenant: str, now: float, names: TokenClaims = TokenClaims()) -> str:
    """Correctly signed, but expired an hour ago."""
    return jwt.encode(_payload(tenant, now - EXPIRED_AGO_S, names), secret, algorithm="HS256")


def unsigned_token(tenant: str, now: float, names: TokenClaims = TokenClaims()) -> str:
    """`alg: none`, no signature."""
    return jwt.encode(_payload(tenant, now + TOKEN_LIFETIME_S, names), "", algorithm="none")


def wrong_key_token(tenant: str, now: float, names: TokenClaims = TokenClaims()) -> str:
    """HS256 with a random key the target cannot know."""
    key = secrets.token_urlsafe(32)
    return jwt.encode(_payload(tenant, now + TOKEN_LIFETIME_S, names), key, algorithm="HS256")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def with_foreign_tenant(token: str, other_tenant: str, names: TokenClaims = TokenClaims()) -> str:
    """`token` with its tenant claim rewritten to `other_tenant`, header and signature kept as they were."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims[names.tenant] = other_tenant
    return ".".join((header, _b64(json.dumps(claims, separators=(",", ":")).encode()), signature))
