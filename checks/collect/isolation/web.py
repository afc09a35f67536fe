"""One HTTP exchange through the target's gateway, kept whole (status, headers, body) for the probes."""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from typing import Any

import requests

from checks.collect.clients import fetch, http_session
from checks.collect.http import verify_option
from checks.evidence.security import BodyKind
from checks.targets import HttpEndpoint


@dataclass(frozen=True)
class Reply:
    """Status, lower-cased headers and body text of one response."""

    url: str
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return jsonlib.loads(self.text)
        except ValueError:
            return None

    @property
    def body_kind(self) -> BodyKind:
        """`json` (a non-empty JSON value, what an API answers), `empty` (nothing, {} or []) or `other`
        (an HTML error page, garbage): only `json` answers are data points."""
        if not self.text.strip():
            return "empty"
        value = self.json()
        if value is None:
            return "other"
        return "empty" if value in ({}, [], "") else "json"


def session_for(endpoint: HttpEndpoint) -> requests.Session:
    """A session (connection reuse) for one collection against the gateway."""
    return http_session()


def send(
    session: requests.Session,
    endpoint: HttpEndpoint,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    *,
    data: bytes | None = None,
    json: Any = None,
) -> Reply:
    """One request within the endpoint's deadline and body cap; no answer raises TargetUnreachable, any
    other transport failure CollectionError."""
    url = endpoint.base_url.rstrip("/") + path
    # verify per request: a session-level setting loses to REQUESTS_CA_BUNDLE in the environment
    answer = fetch(
        session,
        method,
        url,
        timeout_s=endpoint.timeout_s,
        max_bytes=endpoint.max_response_bytes,
        verify=verify_option(endpoint),
        headers=headers,
        data=data,
        json=json,
    )
    return Reply(url, answer.status, answer.headers, answer.text)


def ids_in(body: Any, field: str, id_field: str) -> list[str]:
    """The `id_field` of every object in `body[field]` (a list response), as strings."""
    items = body.get(field) if isinstance(body, dict) else None
    if not isinstance(items, list):
        return []
    return [
        str(item[id_field]) for item in items if isinstance(item, dict) and item.get(id_field) is not None
    ]
