"""Does a route answer as a check expects? An idle series of requests whose bodies are read and classified.

Load runs only count status codes; a server answering garbage, an HTML error page or `{}` with a 200 would
pass for a healthy one. Before a load claim is measured, its route is asked a few times at idle, as the same
identity and with the same method and body, and every answer is recorded with what its body turned out to
be (checks/evidence/http.py: JSON, empty JSON, HTML, text...). Nothing is judged here.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import PurePosixPath

import requests

from checks.collect.deadline import guarded
from checks.collect.http import verify_option
from checks.errors import CollectionError, DeadlineExceeded, TargetUnreachable
from checks.evidence import http as shapes
from checks.evidence.http import ProbeSeries
from checks.evidence.origin import UNKNOWN, Origin
from checks.targets import HttpEndpoint

PROBE_WORKERS = 5
MAX_BODY_BYTES = 1 << 20  # an API answer larger than this is read as far as this and judged "not json"


def expects_json(path: str) -> bool:
    """An API route (no file extension in its path) should answer JSON; a file (/static/app.js) anything."""
    return not PurePosixPath(path.split("?", 1)[0]).suffix


def body_shape(status: int, content_type: str, body: bytes) -> str:
    """What a response body is: json, empty json, not json, html, text or empty."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body.strip():
        return shapes.EMPTY
    if kind.endswith("json"):
        return _json_shape(body)
    if kind == "text/html" or body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return shapes.HTML
    return shapes.TEXT


def _json_shape(body: bytes) -> str:
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return shapes.NOT_JSON
    return shapes.JSON if parsed not in (None, {}, [], "") else shapes.EMPTY_JSON


def _answer(
    session: requests.Session, endpoint: HttpEndpoint, url: str, headers: dict[str, str], body: str | None
) -> tuple[int, str]:
    method = "POST" if body is not None else "GET"
    with guarded(url, endpoint.timeout_s):  # connect, read and a total deadline; the breaker
        try:
            with session.request(
                method,
                url,
                headers=headers,
                data=body,
                timeout=endpoint.timeout_s,
                verify=verify_option(endpoint),
                allow_redirects=False,
                stream=True,
            ) as response:
                content = next(response.iter_content(MAX_BODY_BYTES), b"")
                shape = body_shape(response.status_code, response.headers.get("content-type", ""), content)
                return response.status_code, shape
        except requests.Timeout as exc:
            raise DeadlineExceeded(url, f"no answer within {endpoint.timeout_s:g} s") from exc


def _request_headers(path: str, headers: dict[str, str] | None, body: str | None) -> dict[str, str]:
    sent = {**(headers or {}), **({"Accept": "application/json"} if expects_json(path) else {})}
    if body is not None:
        sent.setdefault("Content-Type", "application/json")
    return sent


def _attempt(
    session: requests.Session, endpoint: HttpEndpoint, url: str, headers: dict[str, str], body: str | None
) -> tuple[int, str, str | None]:
    """(status, body shape, error) of one request; a request that got no answer is (0, no answer, why)."""
    try:
        return (*_answer(session, endpoint, url, headers, body), None)
    except (requests.RequestException, CollectionError) as exc:
        return 0, shapes.NO_ANSWER, f"{type(exc).__name__}: {str(exc)[:200]}"


def probe_answers(
    endpoint: HttpEndpoint,
    path: str,
    count: int,
    *,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    interval_s: float = 0.01,
    origin: Origin = UNKNOWN,
) -> ProbeSeries:
    """`count` requests to `path` (POST with `body` when given, else GET), each answer's status and body
    shape recorded; an answer that never came is status 0, "no answer". Raises TargetUnreachable when no
    request got any answer.

    Up to PROBE_WORKERS requests are in flight at once, each worker on its own session and spacing its
    requests `interval_s * workers` apart: together never faster than one request per `interval_s`, as one
    series was, but a slow route (300 ms an answer) is read in a fifth of the time."""
    url, sent = endpoint.base_url.rstrip("/") + path, _request_headers(path, headers, body)
    workers = max(1, min(PROBE_WORKERS, count))
    pace = interval_s * workers
    answers: list[tuple[int, str, str | None]] = [(0, shapes.NO_ANSWER, "not sent")] * count
    latencies = [0.0] * count

    stop = threading.Event()  # set when the caller is interrupted: no worker sends another request

    def series(indices: range) -> None:
        with requests.Session() as session:
            for i in indices:
                if stop.is_set():
                    return
                started = time.monotonic()
                answers[i] = _attempt(session, endpoint, url, sent, body)
                latencies[i] = (time.monotonic() - started) * 1000
                time.sleep(max(0.0, pace - (time.monotonic() - started)))

    with ThreadPoolExecutor(workers, thread_name_prefix="claimcheck-preflight") as pool:
        try:
            list(pool.map(series, [range(k, count, workers) for k in range(workers)]))
        finally:
            stop.set()
    statuses, kinds, errors = zip(*answers, strict=True)
    if not any(statuses):
        raise TargetUnreachable(url, f"none of {count} requests got an answer ({errors[:1]})")
    method = "POST" if body is not None else "GET"
    failures = tuple(e for e in errors if e)
    return ProbeSeries(url, statuses, tuple(latencies), failures, origin, kinds, expects_json(path), method)
