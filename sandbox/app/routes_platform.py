"""Platform endpoints: login sessions, ML predictions and incoming webhooks."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict

from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.app.auth import Principal, session_key
from sandbox.app.gate import tenant_endpoint
from sandbox.app.ml import FeatureError, NoShowModel
from sandbox.app.responses import NO_STORE, error, json_response
from sandbox.app.state import app_state
from sandbox.app.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookError, verify


async def create_session(request: Request, principal: Principal) -> Response:
    """Log in (with an API key or JWT): a session token valid for the configured TTL (24 h)."""
    state = app_state(request)
    token = secrets.token_urlsafe(32)
    ttl = state.fault.overrides.session_ttl_seconds or state.config.session_ttl_seconds
    session = json.dumps({"tenant": principal.tenant, "sub": principal.subject, "created": int(time.time())})
    try:
        await state.redis.set(session_key(token), session, ex=ttl)
    except RedisError:
        state.metrics.redis_errors.labels("session").inc()
        return error(503, "session store unavailable")
    return json_response(
        {"session_token": token, "tenant": principal.tenant, "expires_in": ttl}, status=201, headers=NO_STORE
    )


def predict_endpoint(model: NoShowModel) -> Route:
    """POST /api/v1/ml/predict backed by `model`.

    Not counted against the hourly limit: it is the load-test path (as nginx leaves it unlimited too).
    """

    async def predict(request: Request, principal: Principal) -> Response:
        try:
            body = await request.json()
            prediction = model.predict(body.get("features", {}) if isinstance(body, dict) else {})
        except (ValueError, FeatureError) as exc:
            return error(422, str(exc))
        return json_response({"prediction": asdict(prediction), "tenant": principal.tenant})

    return Route("/api/v1/ml/predict", tenant_endpoint(predict, rate_limited=False), methods=["POST"])


async def incoming_webhook(request: Request) -> Response:
    """Accept a webhook only with a valid signature over a timestamp at most 5 minutes old."""
    state = app_state(request)
    body = await request.body()
    headers = request.headers
    try:
        if state.fault.overrides.verify_webhooks:
            verify(
                state.config.webhook_secret,
                headers.get(TIMESTAMP_HEADER),
                headers.get(SIGNATURE_HEADER),
                body,
                time.time(),
            )
    except WebhookError as exc:
        return error(401, f"webhook refused: {exc}")
    try:
        event = json.loads(body)
    except ValueError:
        return error(422, "webhook body is not JSON")
    kind = event.get("type", "unknown") if isinstance(event, dict) else "unknown"
    return json_response({"received": True, "type": kind})


def platform_routes(model: NoShowModel) -> list[Route]:
    """Routes of this module."""
    return [
        Route("/api/v1/sessions", tenant_endpoint(create_session, allow_session=False), methods=["POST"]),
        predict_endpoint(model),
        Route("/api/v1/webhooks/incoming", incoming_webhook, methods=["POST"]),
    ]
