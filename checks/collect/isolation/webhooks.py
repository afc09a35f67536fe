"""Webhook signature probes: one correctly signed delivery (the allowed side) and unsigned, wrongly signed
and body-tampered ones, posted to the target's incoming-webhook route through the gateway."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

from checks.collect.isolation.bindings import WebhookBinding
from checks.collect.isolation.web import send, session_for
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.security import Delivery as Delivery
from checks.evidence.security import WebhookDeliveries as WebhookDeliveries
from checks.targets import HttpEndpoint, secret


def signature(binding: WebhookBinding, key: str, timestamp: str, body: bytes) -> str:
    """`prefix + hex(HMAC-SHA256(key, signed payload))`, the payload laid out as the binding says."""
    payload = binding.signed_payload.replace("{timestamp}", timestamp).encode().replace(b"{body}", body)
    return binding.signature_prefix + hmac.new(key.encode(), payload, hashlib.sha256).hexdigest()


def _headers(binding: WebhookBinding, timestamp: str, sig: str | None) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if binding.timestamp_header:
        headers[binding.timestamp_header] = timestamp
    if sig is not None:
        headers[binding.signature_header] = sig
    return headers


def collect_webhook_deliveries(
    http: HttpEndpoint,
    binding: WebhookBinding,
    run_id: str,
    now: float | None = None,
    *,
    origin: Origin = UNKNOWN,
) -> WebhookDeliveries:
    """Post a signed, an unsigned, a wrongly signed and a body-tampered delivery."""
    key = secret(binding.secret_env, key="bindings.webhooks.secret_env")
    timestamp = str(int(time.time() if now is None else now))
    body = json.dumps({"type": "claimcheck.probe", "run": run_id}, separators=(",", ":")).encode()
    other = json.dumps(
        {"type": "claimcheck.probe", "run": run_id, "tampered": True}, separators=(",", ":")
    ).encode()
    plan = [
        ("signed", "allow", body, signature(binding, key, timestamp, body)),
        ("unsigned", "refuse", body, None),
        ("wrong-secret", "refuse", body, signature(binding, secrets.token_urlsafe(24), timestamp, body)),
        ("tampered-body", "refuse", other, signature(binding, key, timestamp, body)),
    ]
    with session_for(http) as session:
        deliveries = tuple(
            Delivery(
                kind,
                expect,
                send(
                    session, http, "POST", binding.route, _headers(binding, timestamp, sig), data=data
                ).status,
            )
            for kind, expect, data, sig in plan
        )
    scheme = f"HMAC-SHA256 over {binding.signed_payload!r} in {binding.signature_header}"
    return WebhookDeliveries(http.base_url.rstrip("/") + binding.route, scheme, deliveries, origin)
