"""How every Kubernetes collector calls the API: one error mapping, one pagination loop."""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import urllib3

from checks.collect.deadline import endpoint_key, guarded
from checks.errors import AccessDenied, CollectionError, DeadlineExceeded, TargetUnreachable
from checks.targets import DEFAULT_TIMEOUT_S

if TYPE_CHECKING:
    from kubernetes.client.exceptions import ApiException

T = TypeVar("T")
MAX_PAGES = 1000
# The target's timeout per ApiClient (kube_apis registers it): connect, read and total of one request.
_TIMEOUTS: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()


def api_exception() -> type[ApiException]:
    """The client's ApiException, imported on first use: `kubernetes` takes ~0.7 s of CPU to import, so a
    process that reads no cluster never loads it (`except api_exception() as exc:` is evaluated only when an
    exception reaches the clause)."""
    from kubernetes.client.exceptions import ApiException

    found: type[ApiException] = ApiException
    return found


def register_timeout(api_client: Any, seconds: float) -> None:
    """Every call through `api_client` gets `seconds` for connect, read and in total."""
    _TIMEOUTS[api_client] = seconds


def timeout_of(fn: Callable[..., Any]) -> tuple[float, str]:
    """The deadline registered for the client behind a bound API method, and its host (breaker key)."""
    api_client = getattr(getattr(fn, "__self__", None), "api_client", None)
    host = str(getattr(getattr(api_client, "configuration", None), "host", "kubernetes"))
    return _TIMEOUTS.get(api_client, DEFAULT_TIMEOUT_S), host


def endpoint_of(api: Any, method: str, path: str) -> str:
    """'METHOD host/path' for error messages: what a reader needs to retry the call by hand."""
    return f"{method} {api.api_client.configuration.host}{path}"


def status_message(exc: ApiException) -> str:
    """The `message` of the Status object the API server sent, or the HTTP reason if there is none."""
    try:
        return str(json.loads(exc.body or "")["message"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {exc.status} {exc.reason}"


def api_error(endpoint: str, exc: ApiException) -> CollectionError:
    """The CollectionError subclass for an error answer (401/403 -> AccessDenied)."""
    if exc.status in (401, 403):
        return AccessDenied(endpoint, f"HTTP {exc.status}: {status_message(exc)}")
    return CollectionError(endpoint, f"HTTP {exc.status}: {status_message(exc)}")


def call(endpoint: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call one client method within the target's deadline, mapping every failure onto a CollectionError
    subclass."""
    seconds, host = timeout_of(fn)
    with guarded(endpoint, seconds, key=endpoint_key(host)):
        try:
            return fn(*args, _request_timeout=(seconds, seconds), **kwargs)
        except api_exception() as exc:
            raise api_error(endpoint, exc) from exc
        except urllib3.exceptions.TimeoutError as exc:
            raise DeadlineExceeded(endpoint, f"no answer within {seconds:g} s") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise TargetUnreachable(endpoint, f"no answer from the API server: {exc}") from exc
        except ValueError as exc:
            raise CollectionError(endpoint, f"unreadable answer: {exc}") from exc


def list_all(
    endpoint: str, fn: Callable[..., Any], *args: Any, page_size: int = 500, **kwargs: Any
) -> list[Any]:
    """Every item of a list call, following metadata.continue until the server stops sending one."""
    items: list[Any] = []
    token: str | None = None
    for _ in range(MAX_PAGES):
        page = call(endpoint, fn, *args, limit=page_size, _continue=token, **kwargs)
        items.extend(page.items or [])
        token = page.metadata._continue if page.metadata else None
        if not token:
            return items
    raise CollectionError(endpoint, f"still a continue token after {MAX_PAGES} pages")


def plain(api: Any, model: Any) -> dict[str, Any]:
    """A client model as the plain JSON dict the API server sent (camelCase keys, no None values)."""
    from kubernetes.client import ApiClient

    result: dict[str, Any] = ApiClient.sanitize_for_serialization(api.api_client, model) or {}
    return result
