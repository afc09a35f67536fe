"""Webhook signatures of the sandbox app: HMAC-SHA256 over timestamp + "." + body, 5-minute tolerance."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from sandbox.app.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookError,
    sign,
    signed_request,
    verify,
)

SECRET = "wh-secret"
BODY = b'{"type":"booking.created"}'
NOW = 1_757_000_000.0
TS = str(int(NOW))


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{TS}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, TS, BODY) == f"sha256={expected}"


def test_valid_signature_passes() -> None:
    verify(SECRET, TS, sign(SECRET, TS, BODY), BODY, NOW)


@pytest.mark.parametrize(
    ("timestamp", "signature"), [(None, "sha256=00"), (TS, None), ("", ""), (None, None)]
)
def test_missing_headers_are_refused(timestamp: str | None, signature: str | None) -> None:
    with pytest.raises(WebhookError, match="missing"):
        verify(SECRET, timestamp, signature, BODY, NOW)


def test_wrong_secret_is_refused() -> None:
    with pytest.raises(WebhookError, match="mismatch"):
        verify(SECRET, TS, sign("other-secret", TS, BODY), BODY, NOW)


def test_tampered_body_is_refused() -> None:
    with pytest.raises(WebhookError, match="mismatch"):
        verify(SECRET, TS, sign(SECRET, TS, BODY), BODY + b" ", NOW)


def test_signature_bound_to_timestamp() -> None:
    other = str(int(NOW) - 1)
    with pytest.raises(WebhookError, match="mismatch"):
        verify(SECRET, TS, sign(SECRET, other, BODY), BODY, NOW)


@pytest.mark.parametrize("age", [0, 299, 300, -300])
def test_timestamp_within_five_minutes_passes(age: int) -> None:
    ts = str(int(NOW) - age)
    verify(SECRET, ts, sign(SECRET, ts, BODY), BODY, NOW)


@pytest.mark.parametrize("age", [301, 3600, -301])
def test_timestamp_older_or_newer_than_five_minutes_is_refused(age: int) -> None:
    ts = str(int(NOW) - age)
    with pytest.raises(WebhookError, match="tolerance"):
        verify(SECRET, ts, sign(SECRET, ts, BODY), BODY, NOW)


def test_non_integer_timestamp_is_refused() -> None:
    with pytest.raises(WebhookError, match="integer"):
        verify(SECRET, "yesterday", sign(SECRET, "yesterday", BODY), BODY, NOW)


def test_signed_request_verifies() -> None:
    event: dict[str, object] = {"type": "booking.created", "booking_id": "b1"}
    request = signed_request("http://127.0.0.1:9/hook", SECRET, event, NOW)
    body = request.data
    assert isinstance(body, bytes)
    assert json.loads(body) == event
    verify(
        SECRET,
        request.get_header(TIMESTAMP_HEADER.capitalize()),
        request.get_header(SIGNATURE_HEADER.capitalize()),
        body,
        NOW,
    )
