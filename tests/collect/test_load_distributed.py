"""Locust's distributed mode for real: workers in network namespaces created here, acting as other hosts
(their own addresses in 10.251.0.0/16; never the sandbox's cc-* namespaces or 10.250/16), one reached
through ssh; nginx listens on the host side, the master too. Root and `ip` are needed (skipped otherwise).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import yaml

from checks.collect.load import LoadPlan, run_open_loop
from checks.collect.load.rows import RunInfo
from checks.collect.load.samples import LOST_NOT_SENT, LOST_UNKNOWN, histogram_of, read_log
from checks.targets import LoadMaster, NetnsLoadWorker, PodLoadWorkers, SshLoadWorker
from tests.collect.test_load_engine import NGINX
from tests.drills.servers import free_port

pytestmark = pytest.mark.integration
PREFIX = "ccl"  # ours: never the sandbox's cc-city-*/cc-t-*
SSHD = "/usr/sbin/sshd"


@dataclass(frozen=True)
class Hosts:
    """Three namespaces: their names and addresses, the host-side address, nginx on it and its log."""

    names: tuple[str, ...]
    addrs: tuple[str, ...]
    host_addr: str
    base_url: str
    access_log: Path


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


def _free_subnet() -> int:
    used = subprocess.run(["ip", "-o", "-4", "addr"], capture_output=True, text=True).stdout
    for third in np.random.default_rng().permutation(range(1, 255)):
        if f"10.251.{third}." not in used:
            return int(third)
    raise RuntimeError("no free /24 in 10.251.0.0/16")


def _make_namespace(name: str, third: int, k: int) -> tuple[str, str]:
    """A namespace with a veth pair in 10.251.third.(4k)/30 and a route to 10.251/16 via the host side."""
    host_if, ns_if = f"{name}h", f"{name}n"
    host_addr, ns_addr = f"10.251.{third}.{4 * k + 1}", f"10.251.{third}.{4 * k + 2}"
    _ip("netns", "add", name)
    _ip("link", "add", host_if, "type", "veth", "peer", "name", ns_if)
    _ip("link", "set", ns_if, "netns", name)
    _ip("addr", "add", f"{host_addr}/30", "dev", host_if)
    _ip("link", "set", host_if, "up")
    for args in (
        ["addr", "add", f"{ns_addr}/30", "dev", ns_if],
        ["link", "set", ns_if, "up"],
        ["link", "set", "lo", "up"],
        ["route", "add", f"10.251.{third}.0/24", "via", host_addr],
    ):
        _ip("netns", "exec", name, "ip", *args)
    return host_addr, ns_addr


def _pids_in(name: str) -> list[int]:
    out = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


NGINX_CONF = """
daemon off; master_process off; worker_processes 1;
pid {d}/nginx.pid; error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format addr '$remote_addr';
    access_log {d}/access.log addr;
    keepalive_requests 1000000;
    client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;
    uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;
    server {{ listen {addr}:{port}; root {d}/www; }}
}}
"""


@pytest.fixture(scope="module")
def hosts() -> Iterator[Hosts]:
    if os.geteuid() != 0 or not shutil.which("ip") or not NGINX:
        pytest.skip("needs root, iproute2 and nginx")
    tag, third = secrets.token_hex(2), _free_subnet()
    names = tuple(f"{PREFIX}{tag}{k}" for k in range(3))
    d = Path(tempfile.mkdtemp(prefix="test-load-hosts-"))
    proc = None
    try:
        pairs = [_make_namespace(name, third, k) for k, name in enumerate(names)]
        host_addr, port = pairs[0][0], free_port()
        for sub in ("www", "tmp"):
            (d / sub).mkdir()
        (d / "www" / "index.html").write_text("hello\n")
        (d / "nginx.conf").write_text(NGINX_CONF.format(d=d, addr=host_addr, port=port))
        proc = subprocess.Popen([NGINX, "-c", str(d / "nginx.conf"), "-e", str(d / "error.log")])
        time.sleep(0.3)
        yield Hosts(
            names, tuple(p[1] for p in pairs), host_addr, f"http://{host_addr}:{port}", d / "access.log"
        )
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        for name in names:
            for pid in _pids_in(name):
                os.kill(pid, signal.SIGKILL)
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)


def _clients(log: Path, before: int) -> Counter[str]:
    return Counter(log.read_text().splitlines()[before:])


def _lines(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_workers_in_namespaces_share_one_schedule_and_merge_exactly(hosts: Hosts, tmp_path: Path) -> None:
    workers = (NetnsLoadWorker(kind="netns", netns=hosts.names[0]),
               NetnsLoadWorker(kind="netns", netns=hosts.names[1], processes=2))  # fmt: skip
    before = _lines(hosts.access_log)
    plan = LoadPlan(hosts.base_url, "/index.html", rate=300, duration_s=2, workers=3)
    samples = run_open_loop(
        plan, max_rps=300, out_dir=tmp_path, hosts=workers, master=LoadMaster(bind_host=hosts.host_addr)
    )
    assert samples.complete and samples.status_counts == {200: 600} and samples.workers == 3
    assert _clients(hosts.access_log, before) == {hosts.addrs[0]: 200, hosts.addrs[1]: 400}
    run_dir = Path(samples.log_path).parent
    logs = [read_log(run_dir / f"worker-{k}.log") for k in range(3)]
    merged, from_logs = samples.hdr(), histogram_of(logs[0] + logs[1] + logs[2])
    assert merged.get_total_count() == from_logs.get_total_count() == 600
    for pct in np.arange(0.0, 100.01, 0.5):
        assert merged.get_value_at_percentile(pct) == from_logs.get_value_at_percentile(pct)
    labels = {w["label"] for w in RunInfo.read(run_dir).workers}
    assert labels == {
        f"netns {hosts.names[0]} #0",
        f"netns {hosts.names[1]} #0",
        f"netns {hosts.names[1]} #1",
    }
    assert not any(_pids_in(name) for name in hosts.names[:2])  # every worker is gone


def _kill_once_it_serves(hosts: Hosts, k: int, after_s: float) -> None:
    """SIGKILL every process in namespace k `after_s` after its first request reached nginx."""
    deadline = time.monotonic() + 60
    while hosts.addrs[k] not in hosts.access_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(after_s)
    for pid in _pids_in(hosts.names[k]):
        os.kill(pid, signal.SIGKILL)


def test_a_worker_lost_mid_run_is_reported_with_the_share_it_did_not_send(
    hosts: Hosts, tmp_path: Path
) -> None:
    hosts.access_log.write_text("")
    workers = tuple(NetnsLoadWorker(kind="netns", netns=n) for n in hosts.names[:2])
    killer = threading.Thread(target=_kill_once_it_serves, args=(hosts, 1, 2.0))
    killer.start()
    plan = LoadPlan(hosts.base_url, "/index.html", rate=200, duration_s=6, workers=2)
    samples = run_open_loop(
        plan, max_rps=200, out_dir=tmp_path, hosts=workers, master=LoadMaster(bind_host=hosts.host_addr)
    )
    killer.join()
    assert not samples.complete and len(samples.lost_workers) == 1
    assert f"(netns {hosts.names[1]} #0): the worker stopped sending heartbeats" in samples.lost_workers[0]
    # the lost worker's whole share has no evidence: some of it sent with the outcome lost, the rest not sent
    assert samples.lost_not_sent > 0 and samples.lost_unknown > 0
    assert samples.lost_not_sent + samples.lost_unknown == 600 and samples.lost_share == 0.5
    assert samples.not_sent_share == samples.lost_not_sent / 1200
    assert samples.errors == 0 and samples.status_counts[200] == 600  # the surviving worker's share
    lost_share = int(samples.lost_workers[0].split()[1])
    lines = read_log(Path(samples.log_path))[lost_share::2]
    assert {x.status for x in lines} == {LOST_NOT_SENT, LOST_UNKNOWN}
    assert lines[0].error.endswith("sent, outcome lost") and lines[-1].error.endswith("; not sent")


@pytest.fixture(scope="module")
def sshd_in_namespace(hosts: Hosts) -> Iterator[tuple[str, str]]:
    """An sshd inside the third namespace on its own address: (ssh_host, identity file)."""
    if not (os.path.exists(SSHD) and shutil.which("ssh") and shutil.which("ssh-keygen")):
        pytest.skip("openssh-server/client not installed")
    d = Path(tempfile.mkdtemp(prefix="cc-load-sshd-"))
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)], check=True)
    (d / "authorized_keys").write_text((d / "client.pub").read_text())
    os.chmod(d / "authorized_keys", 0o600)
    addr, port = hosts.addrs[2], free_port()
    (d / "sshd_config").write_text(
        f"Port {port}\nListenAddress {addr}\nHostKey {d / 'host'}\nPidFile {d / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {d / 'authorized_keys'}\nPasswordAuthentication no\n"
        "PermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)
    cmd = ["ip", "netns", "exec", hosts.names[2], SSHD, "-D", "-e", "-f", str(d / "sshd_config")]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not (d / "sshd.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    yield f"root@{addr}:{port}", str(d / "client")
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(d, ignore_errors=True)


def test_workers_on_an_ssh_host_fetch_their_code_from_the_master(
    hosts: Hosts, sshd_in_namespace: tuple[str, str], tmp_path: Path
) -> None:
    ssh_host, key = sshd_in_namespace
    worker = SshLoadWorker(
        kind="ssh", ssh_host=ssh_host, ssh_identity_file=key, python=sys.executable, processes=2
    )
    before = _lines(hosts.access_log)
    plan = LoadPlan(hosts.base_url, "/index.html", rate=100, duration_s=1, workers=2)
    samples = run_open_loop(
        plan, max_rps=100, out_dir=tmp_path, hosts=(worker,), master=LoadMaster(bind_host=hosts.host_addr)
    )
    assert samples.complete and samples.status_counts == {200: 100}
    assert _clients(hosts.access_log, before) == {hosts.addrs[2]: 100}
    labels = sorted(w["label"] for w in RunInfo.read(Path(samples.log_path).parent).workers)
    assert labels == [f"ssh {ssh_host}#0", f"ssh {ssh_host}#1"]
    left = {Path(f"/proc/{pid}/comm").read_text().strip() for pid in _pids_in(hosts.names[2])}
    assert left == {"sshd"}  # the workers on that host are gone


def test_a_pod_worker_running_the_manifests_command_dials_the_master_on_its_own(
    hosts: Hosts, tmp_path: Path
) -> None:
    """No cluster here: the Deployment's own command runs in a namespace, as the pod would run it."""
    manifest = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes" / "load-worker.yaml"
    deployment = next(d for d in yaml.safe_load_all(manifest.read_text()) if d and d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    port = free_port()
    env = {**os.environ, "MASTER_HOST": hosts.host_addr, "MASTER_PORT": str(port), "TMPDIR": str(tmp_path)}
    env["CLAIMCHECK_LOAD_WORKER_LABEL"] = "claimcheck-load-worker-7d9f-abcde"
    pod = subprocess.Popen(
        ["ip", "netns", "exec", hosts.names[2], *container["command"], *container["args"]],
        env=env,
        process_group=0,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        worker = PodLoadWorkers(kind="pod", replicas=1)
        plan = LoadPlan(hosts.base_url, "/index.html", rate=100, duration_s=1)
        master = LoadMaster(bind_host=hosts.host_addr, port=port)
        samples = run_open_loop(plan, max_rps=100, out_dir=tmp_path, hosts=(worker,), master=master)
    finally:
        os.killpg(pod.pid, signal.SIGKILL)
        pod.wait()
    assert samples.complete and samples.status_counts == {200: 100}
    labels = [w["label"] for w in RunInfo.read(Path(samples.log_path).parent).workers]
    assert labels == ["claimcheck-load-worker-7d9f-abcde"]
