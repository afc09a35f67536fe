"""The one place collectors get their Redis client, and the one mapping of its failures.

Written here until the shared client/deadline module (the "hardedges" work: HTTP, PostgreSQL, boto3 and
Kubernetes clients with the target's deadlines) lands; its Redis functions have these names and signatures.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from checks.targets import RedisNode

REDIS_TIMEOUT_S = 5.0


def redis_client(node: RedisNode, password: str | None) -> Any:
    """A redis-py client for a targets.yaml Redis node: one timeout for connect and every read, no retries
    (one refused connection is an answer, and a collector must fail fast and say so)."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis(
        host=node.host,
        port=node.port,
        password=password,
        socket_timeout=REDIS_TIMEOUT_S,
        socket_connect_timeout=REDIS_TIMEOUT_S,
        retry=Retry(NoBackoff(), 0),
    )


def redis_address(node: RedisNode) -> str:
    """`redis://host:port`, for messages and evidence."""
    return f"redis://{node.host}:{node.port}"


@contextmanager
def redis_failures(node: RedisNode) -> Iterator[None]:
    """redis-py failures as collection errors naming the server: a wrong or missing password is
    AccessDenied, no answer TargetUnreachable, anything else CollectionError."""
    import redis

    address = redis_address(node)
    try:
        yield
    except redis.AuthenticationError as exc:
        raise AccessDenied(address, str(exc)) from exc
    except redis.ResponseError as exc:
        if any(code in str(exc) for code in ("NOAUTH", "WRONGPASS", "NOPERM")):
            raise AccessDenied(address, str(exc)) from exc
        raise CollectionError(address, str(exc)) from exc
    except redis.ConnectionError as exc:
        raise TargetUnreachable(address, str(exc)) from exc
    except redis.RedisError as exc:
        raise CollectionError(address, str(exc)) from exc
