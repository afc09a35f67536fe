"""The network isolation collector from inside two network namespaces this test creates (root only).

Each namespace runs the sandbox's tenant service; the host listens on each veth's host side as the gateway.
With REJECT rules between the two veths the tenants are isolated (PROVEN); without them, where the host
forwards packets, tenant A reaches tenant B (DISPROVEN). Skipped with the reason when not root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.collect.isolation.network import (
    collect_network_reachability,
    namespace_address,
    namespace_gateway,
    why_no_namespaces,
)
from checks.evaluate.isolation import tenant_networks_isolated
from checks.ledger import Claim, Source
from checks.targets import HttpEndpoint, Target, Tenant
from checks.verdicts import Outcome

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
NAMES = {"a": ("cc-isot-a", "vccisota", 1), "b": ("cc-isot-b", "vccisotb", 2)}
SERVICE_PORT, GATEWAY_PORT = 18080, 18443
REJECT = [
    ["-i", "vccisota", "-o", "vccisotb", "-j", "REJECT"],
    ["-i", "vccisotb", "-o", "vccisota", "-j", "REJECT"],
]
CLAIM = Claim(
    id="BP-T-07",
    system="BarberPro",
    category="isolation",
    statement="Tenant networks are isolated.",
    sources=(Source(file="d.txt", line=1, quote="isolation"),),
    metric="network_policy",
    comparator="present",
    check="isolation.network",
    method="probe",
    scope={"per": "tenant"},
)


def _run(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True)


def _teardown() -> None:
    for netns, host_if, _ in NAMES.values():
        subprocess.run(["ip", "netns", "del", netns], capture_output=True)
        subprocess.run(["ip", "link", "del", host_if], capture_output=True)


def _build(netns: str, host_if: str, n: int) -> None:
    _run("ip", "netns", "add", netns)
    _run("ip", "link", "add", host_if, "type", "veth", "peer", "name", "eth0", "netns", netns)
    _run("ip", "addr", "add", f"10.251.{n}.1/30", "dev", host_if)
    _run("ip", "link", "set", host_if, "up")
    _run("ip", "-n", netns, "addr", "add", f"10.251.{n}.2/30", "dev", "eth0")
    _run("ip", "-n", netns, "link", "set", "eth0", "up")
    _run("ip", "-n", netns, "link", "set", "lo", "up")
    _run("ip", "-n", netns, "route", "add", "10.251.0.0/16", "via", f"10.251.{n}.1")


def _listen(address: str) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address, GATEWAY_PORT))
    sock.listen()
    return sock


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    if os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("iptables") is None:
        pytest.skip("needs root, iproute2 and iptables to create network namespaces")
    _teardown()
    services, gateways = [], []
    try:
        for slug, (netns, host_if, n) in NAMES.items():
            _build(netns, host_if, n)
            gateways.append(_listen(f"10.251.{n}.1"))
            services.append(
                subprocess.Popen(
                    [
                        "ip",
                        "netns",
                        "exec",
                        netns,
                        sys.executable,
                        "-m",
                        "sandbox.tenant_service",
                        "--tenant",
                        slug,
                        "--netns",
                        netns,
                        "--port",
                        str(SERVICE_PORT),
                    ],
                    cwd=REPO,
                    stderr=subprocess.DEVNULL,
                )
            )
        time.sleep(1.0)
        yield Target(
            kind="staging",
            http=HttpEndpoint(base_url=f"http://127.0.0.1:{GATEWAY_PORT}"),
            allow_plaintext=True,
        )
    finally:
        for proc in services:
            proc.terminate()
            proc.wait(timeout=10)
        for sock in gateways:
            sock.close()
        _teardown()


PAIRS = [(Tenant(slug=slug), netns) for slug, (netns, _, _) in NAMES.items()]


def test_namespace_discovery(target: Target) -> None:
    assert why_no_namespaces(["cc-isot-a", "cc-isot-b"]) is None
    assert "cc-isot-missing" in (why_no_namespaces(["cc-isot-missing"]) or "")
    assert namespace_address("cc-isot-a") == "10.251.1.2"
    assert namespace_gateway("cc-isot-b") == "10.251.2.1"


def test_isolated_namespaces_proven(target: Target) -> None:
    for rule in REJECT:
        _run("iptables", "-I", "FORWARD", "1", *rule)
    try:
        ev = collect_network_reachability(target, PAIRS, SERVICE_PORT, 2.0)
    finally:
        for rule in REJECT:
            subprocess.run(["iptables", "-D", "FORWARD", *rule], capture_output=True)
    own = [r for r in ev.attempts if r.kind == "own"]
    assert [r.answered_as for r in own] == ["a", "b"]
    assert all(r.connected for r in ev.attempts if r.kind == "gateway")
    assert not any(r.connected for r in ev.attempts if r.kind == "foreign")
    assert tenant_networks_isolated(ev, CLAIM).outcome == Outcome.PROVEN


def test_forwarding_without_rules_disproven(target: Target) -> None:
    if Path("/proc/sys/net/ipv4/ip_forward").read_text().strip() != "1":
        pytest.skip("the host does not forward packets, so the namespaces cannot reach each other at all")
    ev = collect_network_reachability(target, PAIRS, SERVICE_PORT, 2.0)
    crossed = [r for r in ev.attempts if r.kind == "foreign" and r.connected]
    if not crossed:
        pytest.skip("host firewall already blocks forwarding between these veths")
    assert crossed[0].answered_as in ("a", "b")
    assert tenant_networks_isolated(ev, CLAIM).outcome == Outcome.DISPROVEN
