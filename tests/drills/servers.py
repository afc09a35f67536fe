"""Throwaway servers for drill tests: a PostgreSQL primary + streaming replica, Redis + replica + sentinel.

Everything lives under one temporary directory, listens on 127.0.0.1 on free ports, and is described to the
drills as a `control: local` target, exactly as a user would describe their own hosts in targets.yaml.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import time
from pathlib import Path
from typing import Any

from checks import procs
from checks.drills import nodes, pg_ops
from checks.drills.topology import PgNodeBinding
from checks.targets import Target

PG_USER = "postgres" if os.geteuid() == 0 else None
HBA = (
    "local all all trust\nlocal replication all trust\nhost all all 127.0.0.1/32 trust\n"
    "host replication all 127.0.0.1/32 trust\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_bin(tool: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else shutil.which(tool)


def _owned(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)
    if PG_USER:
        shutil.chown(path, PG_USER, PG_USER)
    return path


def pg_node(root: Path, name: str, port: int) -> dict[str, Any]:
    """The binding of one node: foreground postmaster, socket in its home dir, pid file beside it."""
    home = _owned(root / name)
    data = home / "data"
    settings = {
        "port": port,
        "listen_addresses": "127.0.0.1",
        "unix_socket_directories": home,
        "wal_level": "replica",
        "max_wal_senders": 10,
        "wal_keep_size": "64MB",
        "hot_standby": "on",
        "shared_buffers": "16MB",
        "fsync": "off",
        "wal_log_hints": "on",
    }
    argv = [str(pg_bin("postgres")), "-D", str(data)]
    for key, value in settings.items():
        argv += ["-c", f"{key}={value}"]
    return {
        "name": name,
        "argv": argv,
        "markers": ["postgres", str(data)],
        "log": str(root / f"{name}.log"),
        "pidfile": str(root / f"{name}.pid"),
        "user": PG_USER,
        "port": port,
        "data_dir": str(data),
        "socket_dir": str(home),
    }


def start_pg_pair(root: Path) -> dict[str, Any]:
    """initdb + start a primary, pg_basebackup -R a replica and start it; returns the postgres binding."""
    primary = pg_node(root, "pg-primary", free_port())
    replica = pg_node(root, "pg-replica", free_port())
    procs.run(
        [
            str(pg_bin("initdb")),
            "-D",
            primary["data_dir"],
            "-A",
            "trust",
            "-U",
            "postgres",
            "--locale=C",
            "-E",
            "UTF8",
        ],
        user=PG_USER,
    )
    Path(primary["data_dir"], "pg_hba.conf").write_text(HBA)
    p_node, r_node = PgNodeBinding(**primary), PgNodeBinding(**replica)
    pg_ops.start(p_node)
    pg_ops.query(p_node, "create database barberpro")
    procs.run(
        [
            str(pg_bin("pg_basebackup")),
            "-D",
            replica["data_dir"],
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "-d",
            f"host=127.0.0.1 port={primary['port']} user=postgres application_name=pg-replica",
        ],
        user=PG_USER,
    )
    pg_ops.start(r_node)
    procs.wait_for("replica streaming", lambda: pg_ops.streaming(r_node), 30)
    return {"primary": primary, "replica": replica}


def stop_pg_pair(binding: dict[str, Any]) -> None:
    for name in ("replica", "primary"):
        pg_ops.stop(PgNodeBinding(**binding[name]), timeout_s=20)


def redis_proc(root: Path, name: str, port: int, extra: list[str]) -> dict[str, Any]:
    work = root / name
    work.mkdir(parents=True, exist_ok=True)
    argv = [
        str(shutil.which("redis-server")),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(work),
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        *extra,
    ]
    return {
        "name": name,
        "argv": argv,
        "markers": ["redis-server", str(port)],
        "log": str(root / f"{name}.log"),
        "pidfile": str(root / f"{name}.pid"),
    }


def start_redis_trio(root: Path, master_name: str = "cc-test") -> dict[str, Any]:
    """Primary, replica (--replicaof), one sentinel (quorum 1, down-after 2 s); returns ports + bindings."""
    from checks.drills.topology import ProcBinding

    ports = {"primary": free_port(), "replica": free_port(), "sentinel": free_port()}
    primary = redis_proc(root, "redis-primary", ports["primary"], [])
    replica = redis_proc(
        root, "redis-replica", ports["replica"], ["--replicaof", "127.0.0.1", str(ports["primary"])]
    )
    conf = root / "sentinel" / "sentinel.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(
        f"port {ports['sentinel']}\nbind 127.0.0.1\ndir {conf.parent}\n"
        f"sentinel monitor {master_name} 127.0.0.1 {ports['primary']} 1\n"
        f"sentinel down-after-milliseconds {master_name} 2000\n"
        f"sentinel failover-timeout {master_name} 10000\n"
    )
    sentinel = {
        "name": "redis-sentinel",
        "argv": [str(shutil.which("redis-sentinel")), str(conf)],
        "markers": ["redis-sentinel", str(ports["sentinel"])],
        "log": str(root / "sentinel.log"),
        "pidfile": str(root / "sentinel.pid"),
    }
    for proc in (primary, replica, sentinel):
        nodes.start(ProcBinding(**proc))
    from checks.drills import redis_ops

    procs.wait_for(
        "redis replica linked", lambda: redis_ops.replica_linked(ports["replica"], ports["primary"]), 30
    )
    procs.wait_for(
        "sentinel knows the replica", lambda: _sentinel_sees_replica(ports["sentinel"], master_name), 30
    )
    return {
        "ports": ports,
        "master_name": master_name,
        "primary": primary,
        "replica": replica,
        "sentinel": sentinel,
    }


def _sentinel_sees_replica(port: int, master_name: str) -> bool:
    from checks.drills import redis_ops

    return bool(redis_ops.client(port).execute_command("SENTINEL", "REPLICAS", master_name))


def stop_procs(*bindings: dict[str, Any]) -> None:
    for proc in bindings:
        pid = procs.read_pid(Path(proc["pidfile"]))
        if pid is not None:
            procs.terminate(pid, proc["markers"], 10)


def local_target(
    state_dir: Path,
    pg: dict[str, Any] | None = None,
    redis: dict[str, Any] | None = None,
    rollout: dict[str, Any] | None = None,
    settings: dict[str, dict[str, Any]] | None = None,
) -> Target:
    """A `control: local` target describing the throwaway servers (allow_disruptive, certification drills)."""
    raw: dict[str, Any] = {
        "kind": "staging",
        "allow_disruptive": True,
        "allow_plaintext": True,  # throwaway local servers without TLS
        "profiles": {
            "certification": {"latency_seconds": 1, "latency_rps": 1, "probe_count": 1, "drills": True}
        },
    }
    settings = settings or {}
    drills: dict[str, Any] = {"control": "local", "state_dir": str(state_dir)}
    if pg:
        raw["postgres"] = {
            "primary": {
                "host": "127.0.0.1",
                "port": pg["primary"]["port"],
                "dbname": "barberpro",
                "user": "postgres",
            },
            "replica": {
                "host": "127.0.0.1",
                "port": pg["replica"]["port"],
                "dbname": "barberpro",
                "user": "postgres",
            },
        }
        drills["postgres"] = {
            "primary": pg["primary"],
            "replica": pg["replica"],
            **settings.get("postgres", {}),
        }
    if redis:
        ports = redis["ports"]
        raw["redis"] = {
            "primary": {"host": "127.0.0.1", "port": ports["primary"]},
            "replica": {"host": "127.0.0.1", "port": ports["replica"]},
            "sentinel": {"host": "127.0.0.1", "port": ports["sentinel"], "master_name": redis["master_name"]},
        }
        drills["redis"] = {"primary": redis["primary"], **settings.get("redis", {})}
    if rollout:
        raw["http"] = {"base_url": rollout["gateway_url"]}
        drills["rollout"] = {"instances": rollout["instances"], **settings.get("rollout", {})}
    raw["bindings"] = {"drills": drills}
    return Target.model_validate(raw)


def wait_port(port: int, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} not open")


NGINX_CONF = """worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log;
events {{ worker_connections 128; }}
http {{
  access_log off;
  client_body_temp_path {root}/tmp-body; proxy_temp_path {root}/tmp-proxy; fastcgi_temp_path {root}/tmp-fcgi;
  uwsgi_temp_path {root}/tmp-uwsgi; scgi_temp_path {root}/tmp-scgi;
  upstream app {{ {servers} }}
  server {{
    listen 127.0.0.1:{port};
    location / {{ proxy_pass http://app; proxy_next_upstream error timeout http_502; }}
  }}
}}
"""


def app_instance(root: Path, name: str, port: int) -> dict[str, Any]:
    """A tiny app instance: python's http.server serving a `health` file."""
    import sys

    docroot = root / "docroot"
    docroot.mkdir(exist_ok=True)
    (docroot / "health").write_text("ok\n")
    argv = [
        sys.executable,
        "-m",
        "http.server",
        str(port),
        "--bind",
        "127.0.0.1",
        "--directory",
        str(docroot),
    ]
    return {
        "name": name,
        "argv": argv,
        "markers": ["http.server", str(port)],
        "log": str(root / f"{name}.log"),
        "pidfile": str(root / f"{name}.pid"),
        "health_url": f"http://127.0.0.1:{port}/health",
    }


def start_app_stack(root: Path, upstreams: str = "both") -> dict[str, Any]:
    """Two app instances behind an nginx gateway (`upstreams`: "both", or "first" for a gateway without
    redundancy); returns the rollout binding pieces."""
    from checks.drills.topology import AppInstanceBinding, ProcBinding

    root.mkdir(parents=True, exist_ok=True)
    instances = [app_instance(root, f"app-{n}", free_port()) for n in ("a", "b")]
    chosen = instances if upstreams == "both" else instances[:1]
    servers = " ".join(f"server 127.0.0.1:{i['markers'][1]} max_fails=0;" for i in chosen)
    port = free_port()
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, servers=servers, port=port))
    nginx = {
        "name": "nginx",
        "argv": [str(shutil.which("nginx")), "-c", str(conf), "-p", str(root)],
        "markers": ["nginx", str(conf)],
        "log": str(root / "nginx.log"),
        "pidfile": str(root / "nginx.pid.spawn"),
    }
    for inst in instances:
        nodes.start(AppInstanceBinding(**inst))
    nodes.start(ProcBinding(**nginx))
    for inst in instances:
        wait_port(int(inst["markers"][1]))
    wait_port(port)
    return {"gateway_url": f"http://127.0.0.1:{port}", "instances": instances, "nginx": nginx}
