"""Latency from a vantage point (local, network namespace): connect, TLS and server time apart."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from checks.collect.clients import ssh_options
from checks.collect.geo_pod import run_probe_in_pod
from checks.collect.http import verify_option
from checks.errors import CollectionError, TargetUnreachable
from checks.evidence.geo import VantageLatency as VantageLatency  # re-exported for existing callers
from checks.evidence.origin import Origin
from checks.ledger import project_root
from checks.targets import HttpEndpoint, Kubernetes, VantagePoint
from checks.verdicts import Provenance

PROBE = Path(__file__).with_name("geo_probe.py")
PROBE_ENV = "CLAIMCHECK_PROBE_CA_PEM"


def _run_over_ssh(vantage: VantagePoint, args: list[str], ca_pem: str, timeout_s: float) -> str:
    """Run the probe on an ssh host through testinfra (script in the command, CA in the environment)."""
    import testinfra

    if not vantage.ssh_host:
        raise CollectionError(f"vantage {vantage.name}", "an ssh vantage point needs ssh_host")
    host = testinfra.get_host(
        f"ssh://{vantage.ssh_host}",
        ssh_identity_file=vantage.ssh_identity_file,
        ssh_extra_args=ssh_options(vantage),
        timeout=int(timeout_s),
    )
    remote = [*args[:3], "-", *args[4:]]  # the CA is read from the environment ("-")
    script = shlex.quote(PROBE.read_text(encoding="utf-8"))
    quoted = " ".join(shlex.quote(a) for a in remote)
    command = f"{PROBE_ENV}={shlex.quote(ca_pem)} python3 -c {script} {quoted}"
    try:
        result = host.run(command)
    except RuntimeError as exc:  # testinfra's way of saying ssh itself failed (exit 255)
        failed = exc.args[0] if exc.args else None
        detail = getattr(failed, "stderr", "") or "ssh failed"
        raise CollectionError(
            f"vantage {vantage.name} ({vantage.ssh_host})", str(detail).strip()[-300:]
        ) from None
    if result.rc != 0:
        raise CollectionError(
            f"vantage {vantage.name} ({vantage.ssh_host})",
            (result.stderr or result.stdout).strip()[-300:] or f"exit {result.rc}",
        )
    return str(result.stdout)


def _run_locally(vantage: VantagePoint, args: list[str], url: str, count: int) -> str:
    try:
        done = subprocess.run(
            _command(vantage, args),
            capture_output=True,
            text=True,
            timeout=30 + count,
            cwd=project_root(),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise TargetUnreachable(url, f"probe from {vantage.name} timed out") from exc
    if done.returncode != 0:
        raise CollectionError(
            f"vantage {vantage.name}", done.stderr.strip()[-300:] or f"exit {done.returncode}"
        )
    return done.stdout


def _command(vantage: VantagePoint, args: list[str]) -> list[str]:
    script = [sys.executable, str(PROBE), *args]
    if vantage.kind == "local":
        return script
    if vantage.kind == "netns":
        if shutil.which("ip") is None or not vantage.netns:
            raise CollectionError(f"vantage {vantage.name}", "needs `ip netns` and a namespace name")
        return ["ip", "netns", "exec", vantage.netns, *script]
    raise CollectionError(f"vantage {vantage.name}", f"vantage kind {vantage.kind!r} has no probe runner yet")


def vantage_origin(vantage: VantagePoint, target: str) -> Origin:
    """Where samples from `vantage` come from: an emulated vantage point's path is a delay claimcheck
    configured, so its evidence is `emulated` (shown, never decisive)."""
    provenance = Provenance.EMULATED if vantage.emulated else Provenance.INDEPENDENT
    return Origin(target, provenance, vantage.name, vantage.kind)


def collect_vantage_latency(
    vantage: VantagePoint,
    http: HttpEndpoint,
    path: str,
    count: int,
    header: tuple[str, str] = ("", ""),
    *,
    kube: Kubernetes | None = None,
    target: str = "",
    min_interval_s: float = 0.0,
) -> VantageLatency:
    """Run the probe `count` times from `vantage` against the gateway as addressed from there (a pod
    vantage point through the exec API of `kube`, the target's cluster, unless it names its own), starting
    requests at least `min_interval_s` apart (a probe's share of max_rps when others run beside it)."""
    url = (vantage.gateway_url or http.base_url).rstrip("/") + path
    ca = verify_option(http)
    args = [url, str(count), http.server_hostname or "localhost", ca if isinstance(ca, str) else "", *header]
    args.append(f"{min_interval_s:.6f}")
    if vantage.kind == "ssh":
        ca_pem = Path(ca).read_text(encoding="utf-8") if isinstance(ca, str) else ""
        body = json.loads(_run_over_ssh(vantage, args, ca_pem, timeout_s=30 + count))
    elif vantage.kind == "pod":
        body = json.loads(run_probe_in_pod(vantage, kube, args, timeout_s=30 + count))
    else:
        body = json.loads(_run_locally(vantage, args, url, count))
    if not body["samples"]:
        raise TargetUnreachable(url, f"no request from {vantage.name} succeeded: {body['errors'][:2]}")
    return _latency_of(vantage, url, body, vantage_origin(vantage, target))


def _latency_of(vantage: VantagePoint, url: str, body: dict[str, Any], origin: Origin) -> VantageLatency:
    samples = body["samples"]

    def column(key: str) -> tuple[float, ...]:
        return tuple(float(s[key]) for s in samples)

    return VantageLatency(
        vantage.name,
        vantage.city,
        url,
        column("connect_ms"),
        column("tls_ms"),
        column("ttfb_ms"),
        column("total_ms"),
        tuple(int(s["status"]) for s in samples),
        tuple(body["errors"]),
        origin,
    )
