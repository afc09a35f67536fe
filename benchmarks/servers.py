"""Local servers the benchmarks start on 127.0.0.1 (and stop): nginx serving a static file, a delay server."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
    client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;
    uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {d}/www;
    }}
}}
"""


PLAIN_LOCUSTFILE = Path(__file__).with_name("plain_locustfile.py")


def plain_locust_stats(
    base_url: str, path: str, users: int, seconds: float, per_user_rps: float = 0.0
) -> dict[str, str]:
    """Run plain Locust (benchmarks/plain_locustfile.py) headless, closed loop (or each user paced at
    `per_user_rps`): its Aggregated CSV row, plus "cpu_s", the CPU it spent from test start to stop."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "locust", "-f", str(PLAIN_LOCUSTFILE), "--headless", "--only-summary"]
        cmd += [
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds:g}s",
            "--csv",
            f"{tmp}/p",
            "-H",
            base_url,
        ]
        cmd += ["--loglevel", "ERROR", "--exit-code-on-error", "0"]
        env = {
            **os.environ,
            "BENCH_PATH": path,
            "BENCH_CPU_FILE": f"{tmp}/cpu",
            "BENCH_THROUGHPUT": str(per_user_rps),
        }
        subprocess.run(cmd, capture_output=True, check=True, env=env)
        with Path(f"{tmp}/p_stats.csv").open() as fh:
            row = list(csv.DictReader(fh))[-1]
        return row | {"cpu_s": Path(f"{tmp}/cpu").read_text().strip()}


@dataclass(frozen=True)
class Server:
    """A started server: its base URL and the pid of the process that serves requests."""

    base_url: str
    pid: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_listening(port: int, timeout_s: float = 10.0) -> None:
    """Poll until 127.0.0.1:port accepts connections."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout_s} s")


@contextlib.contextmanager
def _process(cmd: list[str], port: int, cpu: int | None) -> Iterator[Server]:
    if cpu is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(cpu), *cmd]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port)
        yield Server(f"http://127.0.0.1:{port}", proc.pid)
    finally:
        os.kill(proc.pid, signal.SIGCONT)
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def nginx(cpu: int | None = 0) -> Iterator[Server]:
    """nginx (one process, no master) serving /index.html (13 bytes), pinned to `cpu`."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as d:
        Path(d, "www").mkdir()
        Path(d, "tmp").mkdir()
        Path(d, "www", "index.html").write_text("hello, bench\n")
        port = free_port()
        Path(d, "nginx.conf").write_text(NGINX_CONF.format(d=d, port=port))
        with _process([binary, "-c", f"{d}/nginx.conf", "-e", f"{d}/error.log"], port, cpu) as server:
            yield server


@contextlib.contextmanager
def delay_server(cpu: int | None = 0) -> Iterator[Server]:
    """benchmarks/delay_server.py: sleeps 20 ms + Exp(mean 30 ms) per request (see TRUE_QUANTILES_MS)."""
    port = free_port()
    cmd = [sys.executable, str(Path(__file__).with_name("delay_server.py")), str(port)]
    with _process(cmd, port, cpu) as server:
        yield server


def established(port: int) -> bool:
    """True when some client holds an ESTABLISHED TCP connection to 127.0.0.1:port (/proc/net/tcp)."""
    rows = [row.split() for row in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return any(f[1].endswith(f":{port:04X}") and f[3] == "01" for f in rows)


def _stall(port: int, pid: int, after_s: float, for_s: float) -> None:
    deadline = time.monotonic() + 60
    while not established(port) and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(after_s)
    os.kill(pid, signal.SIGSTOP)
    time.sleep(for_s)
    os.kill(pid, signal.SIGCONT)


@contextlib.contextmanager
def stalled(server: Server, after_s: float, for_s: float) -> Iterator[None]:
    """In the background: once traffic reaches `server`, wait `after_s`, then SIGSTOP it for `for_s` s."""
    port = int(server.base_url.rsplit(":", 1)[1])
    thread = threading.Thread(target=_stall, args=(port, server.pid, after_s, for_s), daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join(timeout=after_s + for_s + 70)
