"""Where load workers run and what holds them to the governor: targets.yaml's load_workers, the worker
commands, the process-wide rate budget, and the worker Deployment for Kubernetes (pure: no server)."""

from __future__ import annotations

import ast
import json
import shlex
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes.client import ApiClient
from pydantic import ValidationError

from checks.collect.load import children, plan, workers
from checks.collect.load.plan import GovernorExceeded, reserved_rate
from checks.targets import LoadMaster, LoadProfile, SshLoadWorker

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = ROOT / "checks" / "collect" / "load" / "locustfile.py"
MANIFEST = ROOT / "deploy" / "kubernetes" / "load-worker.yaml"


def profile(**kw: Any) -> LoadProfile:
    return LoadProfile.model_validate({"latency_seconds": 5, "latency_rps": 50, "probe_count": 3} | kw)


def test_load_workers_is_a_count_or_a_list_of_hosts_and_pods() -> None:
    assert profile().worker_count == 1 and profile(load_workers=3).worker_count == 3
    hosts = profile(
        load_workers=[
            {"kind": "netns", "netns": "lw-1", "processes": 2},
            {"kind": "ssh", "ssh_host": "load@10.0.1.7:2222", "ssh_identity_file": "/k"},
            {"kind": "pod", "replicas": 4},
        ],
        load_master={"bind_host": "0.0.0.0", "port": 5557, "advertise_host": "10.0.0.5"},
    )
    assert hosts.worker_count == 7 and hosts.load_master.dial_host == "10.0.0.5"
    assert [w.kind for w in hosts.load_workers] == ["netns", "ssh", "pod"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ({"load_workers": 0}, "greater than or equal to 1"),
        ({"load_workers": []}, "at least one worker host"),
        ({"load_workers": [{"kind": "vm", "host": "x"}]}, "does not match any of the expected tags"),
        ({"load_workers": [{"kind": "netns", "netns": "lw-1"}]}, "cannot dial a master on loopback"),
        (
            {"load_workers": [{"kind": "pod", "replicas": 2}], "load_master": {"bind_host": "0.0.0.0"}},
            "pod workers dial a fixed port",
        ),
    ],
)
def test_a_placement_workers_cannot_use_is_refused_at_load(bad: dict[str, Any], says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        profile(**bad)


def test_the_worker_side_names_match_the_claimcheck_side() -> None:
    """locustfile.py cannot import claimcheck (remote workers have none): its copies must agree."""
    tree = ast.parse(LOCUSTFILE.read_text(encoding="utf-8"))
    values = {
        t.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    assert values["PLAN_ENV"] == plan.PLAN_ENV and values["OUT_DIR_ENV"] == plan.OUT_DIR_ENV
    assert values["PARENT_ENV"] == children.PARENT_ENV and values["LABEL_ENV"] == workers.LABEL_ENV
    imported = {
        (n.module if isinstance(n, ast.ImportFrom) else a.name).split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in (n.names if isinstance(n, ast.Import) else [n])
    }
    assert "checks" not in imported and imported <= {
        "__future__", "array", "ctypes", "gc", "json", "os", "pathlib", "resource", "signal", "socket",
        "sys", "time", "typing", "urllib", "gevent", "greenlet", "msgpack", "locust",
    }  # fmt: skip


def test_an_ssh_host_starts_detached_workers_that_fetch_the_locustfile() -> None:
    host = SshLoadWorker(kind="ssh", ssh_host="load@10.0.1.7", python="/opt/py/bin/python3", processes=2)
    command = workers.ssh_start_command(host, workers.MasterAddress("10.0.0.5", 5557), "ssh load@10.0.1.7")
    assert "/opt/py/bin/python3 -c 'import locust'" in command and "seq 0 1" in command
    assert (
        "setsid /opt/py/bin/python3 -m locust -f - --worker --master-host 10.0.0.5 --master-port 5557"
        in command
    )
    assert '& echo "$! $d"' in command and "</dev/null" in command
    assert workers.ssh_stop_command(42, "/tmp/claimcheck-load.x", hurry=True) == (
        "kill -s KILL -- -42 2>/dev/null; rm -rf /tmp/claimcheck-load.x; true"
    )
    assert workers.ssh_stop_command(42, "/tmp/x", hurry=False).startswith("kill -s TERM -- -42")
    shlex.split(command)  # one well-formed shell command


def test_the_governor_counts_every_run_of_the_process_together() -> None:
    refused = r"500 req/s with 600 req/s already in use \(load on /a\)"
    with reserved_rate(600, 1000, "load on /a"):
        with pytest.raises(GovernorExceeded, match=refused), reserved_rate(500, 1000, "load on /b"):
            pass
        with reserved_rate(400, 1000, "probe"):
            assert plan.rate_in_use() == 1000
    assert plan.rate_in_use() == 0
    with reserved_rate(1000, 1000, "alone"):
        pass


def _documents() -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(MANIFEST.read_text(encoding="utf-8")) if d]


class _Payload:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.data = json.dumps(doc)


def test_the_worker_manifest_is_valid_kubernetes_api_objects() -> None:
    api = ApiClient()
    models = {d["kind"]: api.deserialize(_Payload(d), f"V1{d['kind']}") for d in _documents()}
    deployment, service = models["Deployment"], models["Service"]
    assert deployment.spec.selector.match_labels.items() <= deployment.spec.template.metadata.labels.items()
    container = deployment.spec.template.spec.containers[0]
    script = " ".join(container.args)
    assert "locust -f - --worker" in script and '--master-host "$MASTER_HOST"' in script
    env = {e.name: e.value for e in container.env}
    assert env["MASTER_PORT"] == str(service.spec.ports[0].port) == "5557"
    assert env["MASTER_HOST"].startswith(f"{service.metadata.name}.{service.metadata.namespace}.svc")
    assert container.image == f"locustio/locust:{version('locust')}"  # the master's Locust, exactly
    assert service.spec.selector["app.kubernetes.io/component"] == "load-master"
    assert [e.name for e in container.env if e.value_from] == [workers.LABEL_ENV]


def test_the_manifest_and_a_pod_profile_agree_on_names_and_port() -> None:
    deployment = next(d for d in _documents() if d["kind"] == "Deployment")
    pods = profile(
        load_workers=[{"kind": "pod", "replicas": 4}], load_master={"bind_host": "0.0.0.0", "port": 5557}
    )
    worker = pods.load_workers[0]  # type: ignore[index]
    assert (worker.deployment, worker.namespace) == (
        deployment["metadata"]["name"],
        deployment["metadata"]["namespace"],
    )
    assert pods.load_master == LoadMaster(bind_host="0.0.0.0", port=5557)
