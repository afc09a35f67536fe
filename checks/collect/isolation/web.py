"""One HTTP exchange through the target's gateway, kept whole (status, headers, body) for the probes."""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from typing import Any

import requests

from checks.collect.http import verify_option
from checks.errors import CollectionError, TargetUnreachable
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
    return requests.Session()


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
    """One request; no answer raises TargetUnreachable, any other transport failure CollectionError."""
    url = endpoint.base_url.rstrip("/") + path
    try:
        # verify per request: a session-level setting loses to REQUESTS_CA_BUNDLE in the environment
        response = session.request(
            method,
            url,
            headers=headers or {},
            data=data,
            json=json,
            timeout=endpoint.timeout_s,
            allow_redirects=False,
            verify=verify_option(endpoint),
        )
    except requests.ConnectionError as exc:
        raise TargetUnreachable(url, f"no answer: {exc}") from exc
    except requests.RequestException as exc:
        raise CollectionError(url, f"request failed: {exc}") from exc
    return Reply(
        url, response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.text
    )


def ids_in(body: Any, field: str, id_field: str) -> list[str]:
    """The `id_field` of every object in `body[field]` (a list response), as strings."""
    items = body.get(field) if isinstance(body, dict) else None
    if not isinstance(items, list):
        return []
    return [
        str(item[id_field]) for item in items if isinstance(item, dict) and item.get(id_field) is not None
    ]
