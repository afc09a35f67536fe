"""The geo probe inside a pod (a vantage point of kind `pod`), through the Kubernetes exec API: the official
client's `stream` over the websocket channel protocol (v5.channel.k8s.io or v4.channel.k8s.io).

The command the API server sees, and may write to its audit log, is `python3 -c BOOTSTRAP`: it carries no
secret. The probe's source (checks/collect/geo_probe.py, standard library only), its arguments and its
environment (the gateway's CA, a header's value) travel on stdin as one JSON line, which the bootstrap
reads before it runs the probe. One line and no end of input, because v4 cannot close stdin. The pod needs
`python3` and nothing else.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checks.collect.geo_probe import CA_ENV
from checks.collect.kube._call import api_exception
from checks.collect.kube.client import api_client
from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from checks.targets import Kubernetes, VantagePoint

if TYPE_CHECKING:
    from kubernetes import client

PROBE = Path(__file__).with_name("geo_probe.py")
BOOTSTRAP = (
    "import json,os,sys;d=json.loads(sys.stdin.readline());os.environ.update(d['env']);"
    "sys.argv=['geo_probe.py',*d['argv']];exec(compile(d['script'],'geo_probe.py','exec'),{'__name__':'__main__'})"
)
COMMAND = ["python3", "-c", BOOTSTRAP]
ERROR_CHANNEL = 3


def run_probe_in_pod(
    vantage: VantagePoint, kube: Kubernetes | None, args: list[str], timeout_s: float
) -> str:
    """Run the probe (`args` as for a local run: URL COUNT SERVER_HOSTNAME CA_FILE HEADER HEADER_ENV) in
    the vantage point's pod; returns its stdout, the probe's JSON. Every failure is a CollectionError:
    AccessDenied for a refused exec, TargetUnreachable for no answer in `timeout_s`."""
    cluster = vantage.kubernetes or kube
    where = f"vantage {vantage.name} (pod {vantage.namespace}/{vantage.pod})"
    if cluster is None or not vantage.pod or not vantage.namespace:
        raise CollectionError(where, "a pod vantage point needs pod, namespace and a `kubernetes` section")
    from kubernetes import client

    core = client.CoreV1Api(api_client(cluster))
    deadline = time.monotonic() + timeout_s
    session = _open(core, vantage, where, timeout_s)
    try:
        session.write_stdin((json.dumps(_payload(args)) + "\n").encode())  # one binary message
        _wait_for_status(session, where, deadline)
        stdout, stderr = session.read_stdout(timeout=0), session.read_stderr(timeout=0)
        _raise_unless_success(where, session.read_channel(ERROR_CHANNEL, timeout=0), stderr)
    finally:
        session.close()
    return str(stdout)


def _payload(args: list[str]) -> dict[str, Any]:
    """The probe's argv, with the CA as PEM in the environment ("-") and the header's value if set."""
    url, count, server_hostname, ca_file, header, header_env = args[:6]
    env: dict[str, str] = {}
    if ca_file:
        env[CA_ENV] = Path(ca_file).read_text(encoding="utf-8")
    if header and header_env in os.environ:
        env[header_env] = os.environ[header_env]
    argv = [url, count, server_hostname, "-" if ca_file else "", header, header_env]
    return {"argv": argv, "env": env, "script": PROBE.read_text(encoding="utf-8")}


def _open(core: client.CoreV1Api, vantage: VantagePoint, where: str, timeout_s: float) -> Any:
    """The exec session. The client opens its websocket without a timeout, so the handshake runs in a
    helper thread bounded by `timeout_s` (past it the thread is left to its socket)."""
    from kubernetes.stream import stream

    outcome: list[Any] = []

    def connect() -> None:
        try:
            outcome.append(
                stream(
                    core.connect_get_namespaced_pod_exec,
                    vantage.pod,
                    vantage.namespace,
                    command=COMMAND,
                    container=vantage.container,
                    stdin=True,
                    stdout=True,
                    stderr=True,
                    tty=False,
                    _preload_content=False,
                )
            )
        except Exception as exc:  # the client turns every handshake failure into ApiException, then
            outcome.append(_connect_error(where, exc))  # trips over its empty body (AttributeError)

    helper = threading.Thread(target=connect, name=f"exec {where}", daemon=True)
    helper.start()
    helper.join(timeout_s)
    if not outcome:
        raise TargetUnreachable(where, f"no answer to the exec request in {timeout_s:.0f} s")
    if isinstance(outcome[0], CollectionError):
        raise outcome[0]
    return outcome[0]


def _connect_error(where: str, exc: Exception) -> CollectionError:
    """What went wrong under the client's wrapping: a refused upgrade (HTTP 403, 404...) or no answer."""
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    refused = next((c for c in chain if getattr(c, "status_code", None) is not None), None)
    if refused is not None:
        status = int(getattr(refused, "status_code", 0))
        message = _status_message(getattr(refused, "resp_body", None)) or f"HTTP {status}"
        if status in (401, 403):
            return AccessDenied(where, f"HTTP {status}: {message}")
        return CollectionError(where, f"HTTP {status}: {message}")
    unreachable = next((c for c in chain if isinstance(c, OSError)), None)
    if unreachable is not None:
        return TargetUnreachable(where, f"no answer from the API server: {unreachable}")
    api_exception_class = api_exception()
    reason = next((c.reason for c in chain if isinstance(c, api_exception_class)), exc)
    return CollectionError(where, f"exec failed: {reason}")


def _status_message(body: bytes | str | None) -> str | None:
    try:
        return str(json.loads(body or "")["message"])
    except (ValueError, KeyError, TypeError):
        return None


def _wait_for_status(session: Any, where: str, deadline: float) -> None:
    """Read frames until the API server sends the command's status (channel 3) or closes the stream."""
    while session.is_open() and not session.peek_channel(ERROR_CHANNEL, timeout=0):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TargetUnreachable(where, "the probe did not finish in time")
        session.update(timeout=min(remaining, 1.0))


def _raise_unless_success(where: str, raw: str, stderr: str) -> None:
    """The v4/v5 status: `Success`, or a Failure whose cause is the exit code or why exec failed."""
    if not raw:
        raise CollectionError(where, f"the exec stream ended without a status{_tail(stderr)}")
    try:
        status = json.loads(raw)
    except ValueError:
        raise CollectionError(where, f"unreadable exec status: {raw[:200]!r}") from None
    if status.get("status") == "Success":
        return
    if status.get("reason") == "NonZeroExitCode":
        causes = status.get("details", {}).get("causes", [])
        code = next((c.get("message") for c in causes if c.get("reason") == "ExitCode"), "?")
        raise CollectionError(where, f"the probe exited {code}{_tail(stderr)}")
    raise CollectionError(where, f"exec failed: {status.get('message', raw[:300])}")


def _tail(stderr: str) -> str:
    """The last line of the probe's stderr: a traceback's exception, or the runtime's message."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return f": {lines[-1][-300:]}" if lines else ""
