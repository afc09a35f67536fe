"""Credential checks of the sandbox app: API keys, HS256 JWTs and the X-Tenant-ID guard."""

from __future__ import annotations

import time

import jwt
import pytest

from sandbox.app.auth import (
    AuthError,
    bearer_token,
    check_tenant_header,
    principal_for_api_key,
    principal_for_jwt,
    session_key,
)
from sandbox.app.config import TenantSpec

SECRET = "test-secret-" + "0123456789abcdef" * 4
TENANTS = (
    TenantSpec(
        "barberia-norte", "Norte", "standard", "barbershop", "tenant_barberia_norte", "pw1", "key-norte"
    ),
    TenantSpec("barberia-sur", "Sur", "standard", "barbershop", "tenant_barberia_sur", "pw2", "key-sur"),
)
SLUGS = [t.slug for t in TENANTS]


def token(claims: dict[str, object], key: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def valid_claims(**overrides: object) -> dict[str, object]:
    return {"sub": "user-1", "tenant": "barberia-sur", "exp": int(time.time()) + 60, **overrides}


def test_api_key_names_its_tenant() -> None:
    principal = principal_for_api_key("key-sur", TENANTS)
    assert (principal.tenant, principal.method) == ("barberia-sur", "api_key")
    assert "key-sur" not in principal.subject


def test_unknown_api_key_is_401() -> None:
    with pytest.raises(AuthError) as caught:
        principal_for_api_key("key-nobody", TENANTS)
    assert caught.value.status == 401


def test_valid_jwt_gives_tenant_and_subject() -> None:
    principal = principal_for_jwt(token(valid_claims()), SECRET, SLUGS)
    assert (principal.tenant, principal.subject, principal.method) == ("barberia-sur", "user-1", "jwt")


def test_alg_none_is_refused() -> None:
    unsigned = jwt.encode(valid_claims(), None, algorithm="none")
    with pytest.raises(AuthError, match="InvalidAlgorithmError"):
        principal_for_jwt(unsigned, SECRET, SLUGS)


def test_other_hmac_algorithm_is_refused() -> None:
    with pytest.raises(AuthError, match="InvalidAlgorithmError"):
        principal_for_jwt(token(valid_claims(), algorithm="HS512"), SECRET, SLUGS)


def test_wrong_key_is_refused() -> None:
    forged = token(valid_claims(), key="another-secret-" + "fedcba9876543210" * 4)
    with pytest.raises(AuthError, match="InvalidSignatureError"):
        principal_for_jwt(forged, SECRET, SLUGS)


def test_expired_token_is_refused() -> None:
    with pytest.raises(AuthError, match="expired"):
        principal_for_jwt(token(valid_claims(exp=int(time.time()) - 5)), SECRET, SLUGS)


@pytest.mark.parametrize("claim", ["tenant", "sub", "exp"])
def test_token_missing_a_required_claim_is_refused(claim: str) -> None:
    claims = valid_claims()
    del claims[claim]
    with pytest.raises(AuthError, match="MissingRequiredClaimError"):
        principal_for_jwt(token(claims), SECRET, SLUGS)


def test_token_of_unknown_tenant_is_refused() -> None:
    with pytest.raises(AuthError, match="no known tenant"):
        principal_for_jwt(token(valid_claims(tenant="elsewhere")), SECRET, SLUGS)


def test_tenant_header_matching_the_credential_passes() -> None:
    principal = principal_for_api_key("key-norte", TENANTS)
    check_tenant_header(principal, "barberia-norte")
    check_tenant_header(principal, None)


def test_spoofed_tenant_header_is_403() -> None:
    principal = principal_for_api_key("key-norte", TENANTS)
    with pytest.raises(AuthError) as caught:
        check_tenant_header(principal, "barberia-sur")
    assert caught.value.status == 403


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer abc.def", "abc.def"),
        ("bearer xyz", "xyz"),
        ("Basic abc", None),
        ("Bearer ", None),
        ("", None),
    ],
)
def test_bearer_token_parsing(header: str, expected: str | None) -> None:
    assert bearer_token({"authorization": header}) == expected


def test_session_key_does_not_contain_the_token() -> None:
    assert "secret-token" not in session_key("secret-token")
    assert session_key("a") != session_key("b")
