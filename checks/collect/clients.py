"""The one place collectors get their clients: every client carries the target's deadlines and limits.

HTTP: `fetch` sends one request with a connect and a read timeout AND a total deadline, streams the body
and stops at `max_response_bytes` (ResponseTooLarge, an ERROR). Redis, PostgreSQL, boto3, the kubernetes
client and ssh get their timeouts from the section's `timeout_s` here, and nowhere else.
"""

from __future__ import annotations

import json as jsonlib
import math
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from checks.collect.deadline import BREAKER, endpoint_key, guarded
from checks.errors import (
    AccessDenied,
    CollectionError,
    DeadlineExceeded,
    ResponseTooLarge,
    TargetUnreachable,
)
from checks.ledger import project_root
from checks.report.redact import excerpt
from checks.targets import PgNode, RedisNode, VantagePoint

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Answer:
    """One complete HTTP response: status, lower-cased headers, the body (never above the cap)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed_ms: float  # until the response headers arrived

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; a body that is not JSON is a CollectionError quoting (redacted) its start."""
        try:
            return jsonlib.loads(self.body)
        except ValueError:
            raise CollectionError(
                self.url, f"answered {self.status} with a body that is not JSON: {excerpt(self.text)!r}"
            ) from None

    def refused(self, identity: str | None) -> AccessDenied | None:
        """AccessDenied naming the identity and the endpoint when the answer is 401/403, else None."""
        if self.status not in (401, 403):
            return None
        who = f"identity {identity!r}" if identity else "the request (no identity)"
        return AccessDenied(self.url, f"{who} refused with {self.status}: {excerpt(self.text, 120)!r}")


def resolve(path: str | None) -> str | None:
    """A file named in targets.yaml: relative paths are from the project root."""
    if path is None:
        return None
    found = Path(path).expanduser()
    return str(found if found.is_absolute() else project_root() / found)


def verify_for(ca_file: str | None) -> str | bool:
    """requests' `verify`: the target's CA bundle, else the system's."""
    return resolve(ca_file) or True


def http_session() -> requests.Session:
    """A session for one collection (connection reuse); deadlines are set per request by `fetch`."""
    return requests.Session()


def fetch(
    session: requests.Session | None,
    method: str,
    url: str,
    *,
    timeout_s: float,
    max_bytes: int,
    verify: str | bool = True,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    json: Any = None,
    data: bytes | None = None,
    allow_redirects: bool = False,
) -> Answer:
    """One request within `timeout_s` (connect, read and total) and `max_bytes` of body.

    Raises DeadlineExceeded (no complete answer in time), TargetUnreachable (refused, DNS, reset),
    ResponseTooLarge, or CollectionError; each names the URL. A 4xx/5xx is an Answer, not an error.
    """
    own = session is None
    session = session or http_session()
    try:
        with guarded(url, timeout_s):
            started = time.monotonic()
            response = _send(
                session, method, url, timeout_s, verify, headers, params, json, data, allow_redirects
            )
            try:
                elapsed = (time.monotonic() - started) * 1000
                body = _read_capped(response, url, max_bytes)
            finally:
                response.close()
    finally:
        if own:
            session.close()
    return Answer(
        url, response.status_code, {k.lower(): v for k, v in response.headers.items()}, body, elapsed
    )


def _send(
    session: requests.Session,
    method: str,
    url: str,
    timeout_s: float,
    verify: str | bool,
    headers: Mapping[str, str] | None,
    params: Mapping[str, str] | None,
    json: Any,
    data: bytes | None,
    allow_redirects: bool,
) -> requests.Response:
    try:
        return session.request(
            method,
            url,
            headers=dict(headers or {}),
            params=dict(params or {}),
            json=json,
            data=data,
            timeout=(timeout_s, timeout_s),
            verify=verify,
            allow_redirects=allow_redirects,
            stream=True,
        )
    except requests.Timeout as exc:
        raise DeadlineExceeded(url, f"no answer within {timeout_s:g} s") from exc
    except requests.ConnectionError as exc:
        raise TargetUnreachable(url, f"no answer: {exc}") from exc
    except requests.RequestException as exc:
        raise CollectionError(url, f"request failed: {exc}") from exc


def _read_capped(response: requests.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(url, f"response too large: {int(declared)} bytes declared, cap {max_bytes}")
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise ResponseTooLarge(
                    url, f"response too large: more than {max_bytes} bytes (cap), not read"
                )
            chunks.append(chunk)
    except requests.Timeout as exc:
        raise DeadlineExceeded(url, f"body not complete within the read timeout ({size} bytes read)") from exc
    except requests.RequestException as exc:
        raise TargetUnreachable(url, f"answer broken off after {size} bytes: {exc}") from exc
    return b"".join(chunks)


# ---------------------------------------------------------------------------------------------- Redis
def redis_client(node: RedisNode, password: str | None) -> Any:
    """A redis-py client for a targets.yaml Redis node: its timeout for connect and every read, no retries
    (one refused connection is an answer), TLS with verification when the node sets `tls: true`."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    options: dict[str, Any] = {
        "host": node.host,
        "port": node.port,
        "password": password,
        "socket_timeout": node.timeout_s,
        "socket_connect_timeout": node.timeout_s,
        "retry": Retry(NoBackoff(), 0),
    }
    if node.tls:
        options.update(ssl=True, ssl_cert_reqs="required", ssl_ca_certs=resolve(node.ca_file))
    return redis.Redis(**options)


def redis_address(node: RedisNode) -> str:
    return f"{'rediss' if node.tls else 'redis'}://{node.host}:{node.port}"


@contextmanager
def redis_failures(node: RedisNode) -> Iterator[None]:
    """redis-py failures as collection errors naming the server; a wrong password is AccessDenied, and a
    server that does not answer in time counts against it in the breaker."""
    import redis

    address = redis_address(node)
    key = endpoint_key(f"{node.host}:{node.port}")
    BREAKER.check(key, address)
    try:
        yield
    except redis.AuthenticationError as exc:
        raise AccessDenied(address, str(exc)) from exc
    except redis.ResponseError as exc:
        if "NOAUTH" in str(exc) or "WRONGPASS" in str(exc) or "NOPERM" in str(exc):
            raise AccessDenied(address, str(exc)) from exc
        raise CollectionError(address, str(exc)) from exc
    except redis.TimeoutError as exc:
        BREAKER.no_answer(key, f"no answer within {node.timeout_s:g} s")
        raise DeadlineExceeded(address, f"no answer within {node.timeout_s:g} s") from exc
    except redis.ConnectionError as exc:
        raise TargetUnreachable(address, str(exc)) from exc
    except redis.RedisError as exc:
        raise CollectionError(address, str(exc)) from exc
    BREAKER.answered(key)


# ---------------------------------------------------------------------------------------- PostgreSQL
def pg_options(node: PgNode) -> dict[str, Any]:
    """libpq connection options of a targets.yaml PostgreSQL node: connect_timeout (whole seconds, at
    least 2 as libpq requires), statement_timeout, sslmode and the root certificate."""
    options: dict[str, Any] = {
        "connect_timeout": max(2, math.ceil(node.timeout_s)),
        "options": f"-c statement_timeout={int(node.timeout_s * 1000)}",
        "sslmode": node.sslmode,
    }
    if node.sslrootcert:
        options["sslrootcert"] = resolve(node.sslrootcert)
    return options


# ------------------------------------------------------------------------------------------- AWS
def boto_config(timeout_s: float) -> Any:
    """botocore Config: the target's timeout for connect and read, at most 2 attempts (standard mode)."""
    from botocore.config import Config

    return Config(
        connect_timeout=timeout_s,
        read_timeout=timeout_s,
        retries={"total_max_attempts": 2, "mode": "standard"},
    )


def bounded_boto_client(client: Any, timeout_s: float) -> Any:
    """Every API call of `client` (paginated ones too) within a total deadline covering both attempts."""
    call = client._make_api_call
    where = str(client.meta.endpoint_url)
    total = 2 * timeout_s + 1

    def bounded(operation: str, params: Any) -> Any:
        from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

        with guarded(where, total):
            try:
                return call(operation, params)
            except (ConnectTimeoutError, ReadTimeoutError) as exc:
                raise DeadlineExceeded(where, f"{operation}: no answer within {timeout_s:g} s") from exc

    client._make_api_call = bounded
    return client


# ------------------------------------------------------------------------------------------- ssh
def ssh_options(vantage: VantagePoint) -> str:
    """ssh options for a vantage point: batch mode, the deadline, and its pinned known_hosts when given
    (targets.yaml requires one outside a sandbox; a sandbox's throwaway hosts are accepted on first use)."""
    seconds = max(1, math.ceil(vantage.timeout_s))
    options = [
        "-o BatchMode=yes",
        f"-o ConnectTimeout={seconds}",
        f"-o ServerAliveInterval={seconds}",
        "-o ServerAliveCountMax=1",
    ]
    if vantage.ssh_known_hosts:
        options += [
            "-o StrictHostKeyChecking=yes",
            f"-o UserKnownHostsFile={resolve(vantage.ssh_known_hosts)}",
        ]
    else:
        options.append("-o StrictHostKeyChecking=accept-new")
    return " ".join(options)
