"""Starting the Locust workers of a distributed run: local processes, processes inside network namespaces,
processes on ssh hosts (through testinfra), and pods that dial the master on their own.

Workers other than local ones fetch the locustfile from the master (`locust -f -`), so a host needs only
Python with locust, and the plan travels in the master's start message. That message (the load identity's
headers included) crosses the network in the clear, as all of Locust's master-worker traffic does: keep
the master's address on a private network.
"""

from __future__ import annotations

import shlex
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checks.collect.load.children import Remote, register_remote, spawn
from checks.collect.load.plan import LoadGeneratorError

if TYPE_CHECKING:  # checks.targets (pydantic and the policy's scipy) stays out of a lone engine run
    from checks.targets import LoadWorker, NetnsLoadWorker, SshLoadWorker

LABEL_ENV = "CLAIMCHECK_LOAD_WORKER_LABEL"
SSH_TIMEOUT_S = 10
STOP_WAIT_S = 3.0


@dataclass(frozen=True)
class MasterAddress:
    """Where the workers of one run dial the master."""

    host: str
    port: int


def locust_worker_args(master: MasterAddress, locustfile: str) -> list[str]:
    return [
        "-m",
        "locust",
        "-f",
        locustfile,
        "--worker",
        "--master-host",
        master.host,
        "--master-port",
        str(master.port),
        "--loglevel",
        "WARNING",
    ]


def start_local_workers(
    run: int, count: int, master: MasterAddress, locustfile: Path, env: dict[str, str], out: Path
) -> None:
    """`count` worker processes on this machine."""
    for k in range(count):
        cmd = [sys.executable, *locust_worker_args(master, str(locustfile))]
        spawn(run, cmd, {**env, LABEL_ENV: f"local worker {k}"}, out / f"locust-worker-{k}.out", out)


def start_hosts(
    run: int, hosts: tuple[LoadWorker, ...], master: MasterAddress, env: dict[str, str], out: Path
) -> list[str]:
    """Start the workers of every host (pods start themselves); their labels, in start order."""
    labels: list[str] = []
    for n, host in enumerate(hosts):
        if host.kind == "netns":
            labels += _start_netns(run, n, host, master, env, out)
        elif host.kind == "ssh":
            labels += _start_ssh(run, host, master)
        else:
            labels += [f"pod of {host.namespace}/{host.deployment}"] * host.replicas
    return labels


def _start_netns(
    run: int, n: int, host: NetnsLoadWorker, master: MasterAddress, env: dict[str, str], out: Path
) -> list[str]:
    labels = []
    for k in range(host.processes):
        label = f"netns {host.netns} #{k}"
        tmp = out / f"worker-tmp-{n}-{k}"  # -f - writes the fetched locustfile into TMPDIR
        tmp.mkdir()
        cmd = ["ip", "netns", "exec", host.netns, sys.executable, *locust_worker_args(master, "-")]
        log = out / f"locust-netns-{n}-{k}.out"
        spawn(run, cmd, {**env, LABEL_ENV: label, "TMPDIR": str(tmp)}, log, out)
        labels.append(label)
    return labels


def _ssh_host(host: SshLoadWorker) -> Any:
    import testinfra

    return testinfra.get_host(
        f"ssh://{host.ssh_host}",
        ssh_identity_file=host.ssh_identity_file,
        ssh_extra_args="-o BatchMode=yes -o StrictHostKeyChecking=accept-new",
        timeout=SSH_TIMEOUT_S,
        controlpersist=0,
    )


def ssh_start_command(host: SshLoadWorker, master: MasterAddress, label: str) -> str:
    """A shell command that starts the host's workers detached, each in its own session (so one kill of
    its process group ends it), and prints `pid dir` per worker."""
    args = " ".join(shlex.quote(a) for a in locust_worker_args(master, "-"))
    one = (
        'd=$(mktemp -d "${TMPDIR:-/tmp}/claimcheck-load.XXXXXX") || exit 3; '
        f'{LABEL_ENV}={shlex.quote(label)}"#$k" TMPDIR="$d" setsid {shlex.quote(host.python)} {args} '
        '>"$d/worker.log" 2>&1 </dev/null & echo "$! $d"'
    )
    python = shlex.quote(host.python)
    check = f"{python} -c 'import locust' || {{ echo '{host.python} cannot import locust' >&2; exit 3; }}"
    return f"{check}; for k in $(seq 0 {host.processes - 1}); do {one}; done"


def _start_ssh(run: int, host: SshLoadWorker, master: MasterAddress) -> list[str]:
    ssh = _ssh_host(host)
    label = f"ssh {host.ssh_host}"
    result = _ssh_run(ssh, ssh_start_command(host, master, label), label)
    started = [line.split(" ", 1) for line in result.strip().splitlines() if " " in line]
    for pid, tmp in started:
        register_remote(run, Remote(f"{label} pid {pid}", _ssh_stopper(ssh, int(pid), tmp, label)))
    if len(started) != host.processes:
        raise LoadGeneratorError(label, f"started {len(started)} of {host.processes} workers: {result!r}")
    return [f"{label} #{k}" for k in range(host.processes)]


def _ssh_run(ssh: Any, command: str, label: str) -> str:
    try:
        result = ssh.run(command)
    except RuntimeError as exc:  # testinfra's way of saying ssh itself failed (exit 255)
        failed = exc.args[0] if exc.args else None
        detail = getattr(failed, "stderr", "") or "ssh failed"
        raise LoadGeneratorError(label, str(detail).strip()[-300:]) from None
    if result.rc != 0:
        raise LoadGeneratorError(
            label, (result.stderr or result.stdout).strip()[-300:] or f"exit {result.rc}"
        )
    return str(result.stdout)


def ssh_stop_command(pid: int, tmp: str, hurry: bool) -> str:
    term = "" if hurry else f"kill -s TERM -- -{pid} 2>/dev/null && sleep 0.5; "
    return f"{term}kill -s KILL -- -{pid} 2>/dev/null; rm -rf {shlex.quote(tmp)}; true"


def _ssh_stopper(ssh: Any, pid: int, tmp: str, label: str) -> Callable[[bool], None]:
    def stop(hurry: bool) -> None:
        """Kill the worker's process group on its host; gives up waiting after STOP_WAIT_S (the worker
        then quits by itself once the master is gone)."""
        worker = threading.Thread(
            target=lambda: ssh.run(ssh_stop_command(pid, tmp, hurry)),
            name=f"stop {label}",
            daemon=True,
        )
        worker.start()
        worker.join(STOP_WAIT_S)

    return stop
