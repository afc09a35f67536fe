"""Webhook signatures (HMAC-SHA256 over `timestamp + "." + body`) and best-effort outgoing delivery."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import urllib.request
from collections.abc import Callable

SIGNATURE_HEADER = "X-Webhook-Signature"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"
TOLERANCE_SECONDS = 300
DELIVERY_ATTEMPTS = 3
DELIVERY_TIMEOUT_SECONDS = 5.0


class WebhookError(Exception):
    """An incoming webhook that must be refused (401); the message says why."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, timestamp + "." + body)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise WebhookError unless the signature matches and the timestamp is within `tolerance` of `now`."""
    if not timestamp or not signature:
        raise WebhookError("missing signature or timestamp")
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise WebhookError("timestamp is not an integer") from exc
    if abs(now - sent_at) > tolerance:
        raise WebhookError("timestamp outside the tolerance window")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise WebhookError("signature mismatch")


def signed_request(url: str, secret: str, event: dict[str, object], now: float) -> urllib.request.Request:
    """A POST of `event` as JSON to `url`, with signature and timestamp headers."""
    body = json.dumps(event, separators=(",", ":")).encode()
    timestamp = str(int(now))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


def _post(request: urllib.request.Request) -> int:
    with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:
        return int(response.status)


async def deliver(
    url: str, secret: str, event: dict[str, object], record: Callable[[str], None], backoff: float = 0.5
) -> bool:
    """POST `event`, up to DELIVERY_ATTEMPTS tries with exponential backoff; `record` each outcome."""
    for attempt in range(DELIVERY_ATTEMPTS):
        try:
            status = await asyncio.to_thread(_post, signed_request(url, secret, event, time.time()))
        except OSError:
            status = 0
        if 200 <= status < 300:
            record("delivered")
            return True
        record("failed")
        if attempt + 1 < DELIVERY_ATTEMPTS:
            await asyncio.sleep(backoff * 2**attempt)
    return False
