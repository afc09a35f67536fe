"""The shipped read-only identity is exactly what a run uses: every Kubernetes request and every botocore
operation a run makes is allowed by deploy/, and everything deploy/ allows is used.

The suites run in a subprocess against a replay Kubernetes API server and a moto server provisioned like the
sandbox's; botocore operations are recorded through its `before-parameter-build` event
(tests/identity_recorder.py).
Collectors no suite reached on this replayed cluster (the drill's 1 Hz sampler, a config-map probe) are
called directly against the same server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes.client as k8s
import pytest
import yaml

from checks.collect.kube import (
    ResourceAction,
    ServiceAccountRef,
    access_reviews,
    check_quota_enforced,
    collect_network_policies,
)
from checks.collect.kube.timeline import ScalingApis, sample_scaling_timeline
from checks.collect.mesh import collect_peer_authentications
from checks.ledger import project_root
from tests.collect.test_aws import free_port, wait_for_port
from tests.kube_replay import RecordedRequest, ReplayServer, Route, default_routes, serve
from tests.kube_replay.scenario import dry_run_accepted

pytestmark = pytest.mark.integration
DEPLOY = project_root() / "deploy"
Triple = tuple[str, str, str]  # (api group, resource, verb)

# S3 API operations are authorized by IAM actions of other names (AWS S3 "actions, resources and condition
# keys"); a version-specific call needs the *Version action.
S3_ACTIONS = {
    "ListBuckets": "ListAllMyBuckets",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
    "GetBucketReplication": "GetReplicationConfiguration",
    "HeadObject": "GetObject",
}


def iam_action(prefix: str, operation: str, params: list[str]) -> str:
    if prefix != "s3":
        return f"{prefix}:{operation}"
    action = S3_ACTIONS.get(operation, operation)
    if "VersionId" in params and operation in ("HeadObject", "DeleteObject"):
        action = {"GetObject": "GetObjectVersion", "DeleteObject": "DeleteObjectVersion"}[action]
    return f"s3:{action}"


def rbac_triple(request: RecordedRequest) -> Triple:
    """What RBAC authorizes a request as: /api/v1/[namespaces/NS/]RES[/NAME] or /apis/GROUP/VERSION/..."""
    parts = request.path.strip("/").split("/")
    group, rest = ("", parts[2:]) if parts[0] == "api" else (parts[1], parts[3:])
    if rest[:1] == ["namespaces"] and len(rest) >= 3:
        rest = rest[2:]
    named = len(rest) > 1
    verb = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(request.method)
    if verb is None:
        verb = "get" if named else ("watch" if request.query.get("watch") == "true" else "list")
    return group, rest[0], verb


def role_triples(docs: list[dict[str, Any]]) -> set[Triple]:
    return {
        (group, resource, verb)
        for doc in docs
        for rule in doc["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }


def policy_actions(name: str) -> set[str]:
    policy = json.loads((DEPLOY / "aws" / name).read_text())
    return {action for statement in policy["Statement"] for action in statement["Action"]}


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    binary = shutil.which("moto_server")
    if binary is None:
        pytest.skip("moto_server not installed (pip install 'moto[server]')")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(port, 20.0)
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        from sandbox.components.moto_provision import provision_all

        provision_all(f"http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def identity_target(moto: str, kube: str) -> dict[str, Any]:
    """The sandbox's AWS description (pointed at this moto) and a replayed cluster with probes allowed."""
    local = yaml.safe_load((project_root() / "targets.yaml").read_text())["targets"]["local"]
    aws = {k: v for k, v in local["aws"].items() if not k.endswith("_env")} | {"endpoint_url": moto}
    rds = {k: v for k, v in local["bindings"].items() if str(v.get("source", "")).startswith("rds")}
    one = {"latency_seconds": 1, "latency_rps": 1, "probe_count": 1}
    return {
        "kind": "staging",
        "allow_disruptive": True,
        "aws": aws,
        "kubernetes": {"host": kube, "probes_allowed": True, "app_namespace": "tenant-a"},
        "bindings": rds,
        "profiles": {"nightly": one, "certification": {**one, "drills": True}},
    }


def run_suites(tmp: Path, profile: str, moto: str, kube: ReplayServer) -> list[list[Any]]:
    targets = tmp / f"targets-{profile}.yaml"
    targets.write_text(
        yaml.safe_dump({"default": "idt", "targets": {"idt": identity_target(moto, kube.url)}})
    )
    record = tmp / f"boto-{profile}.jsonl"
    root = project_root()
    plugins = ["-p", "no:locust", "-p", "no:cacheprovider", "-p", "tests.identity_recorder"]
    subprocess.run(
        [
            sys.executable, "-m", "pytest", str(root / "suites"), "-q", *plugins,
            "--rootdir", str(root), "-c", str(root / "pyproject.toml"),
            "--target", "idt", "--targets-file", str(targets), "--profile", profile,
            "--verdicts", str(tmp / f"verdicts-{profile}.json"),
            "-m", "compliance or inventory or isolation or autoscaling or data",
        ],
        cwd=root, env={**os.environ, "CC_BOTO_RECORD": str(record)}, capture_output=True, timeout=600,
        check=False,
    )  # fmt: skip
    assert (tmp / f"verdicts-{profile}.json").is_file()
    return [json.loads(line) for line in record.read_text().splitlines()] if record.is_file() else []


def exercise_the_rest(kube: ReplayServer) -> None:
    """Collectors this replayed cluster's claims never reach through the suites."""
    kube.add(Route("POST", "/api/v1/namespaces/tenant-a/configmaps", responder=dry_run_accepted))
    with k8s.ApiClient(k8s.Configuration(host=kube.url)) as client:
        core = k8s.CoreV1Api(client)
        collect_network_policies(k8s.NetworkingV1Api(client), ["tenant-a"])
        access_reviews(
            k8s.AuthorizationV1Api(client), [ServiceAccountRef("tenant-a", "app")], ["tenant-b"],
            [ResourceAction("get", "secrets")],
        )  # fmt: skip
        check_quota_enforced(core, "tenant-a", requested={"requests.cpu": "1"}, run_id="id", kind="configmap")
        collect_peer_authentications(k8s.CustomObjectsApi(client))
        apis = ScalingApis(core, k8s.AutoscalingV2Api(client), k8s.AppsV1Api(client))
        sample_scaling_timeline(apis, "tenant-a", "web", "web", duration_s=0.05, interval_s=0.05)


@pytest.fixture(scope="module")
def recorded(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("identity")
    with serve(default_routes()) as kube:
        nightly = run_suites(tmp, "nightly", moto_url, kube)
        certification = run_suites(tmp, "certification", moto_url, kube)
        exercise_the_rest(kube)
        every_kube = {rbac_triple(r) for r in kube.requests}
    return {
        "nightly": {iam_action(*op) for op in nightly},
        "certification": {iam_action(*op) for op in certification} | unversioned_probe(moto_url),
        "kube": every_kube,
    }


def unversioned_probe(moto: str) -> set[str]:
    """The lock probe on a bucket without versioning deletes the object itself (no version id): called
    directly, since every provisioned bucket is versioned."""
    import boto3

    from checks.collect.aws import object_lock_delete_probe

    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=moto)
    s3.create_bucket(Bucket="claimcheck-identity-unversioned")
    calls: list[str] = []
    s3.meta.events.register(
        "before-parameter-build",
        lambda model, params, **kw: calls.append(iam_action("s3", model.name, sorted(params))),
    )
    object_lock_delete_probe(s3, "claimcheck-identity-unversioned", "id")
    return set(calls)


def test_every_kubernetes_request_is_allowed_by_the_shipped_roles(recorded: dict[str, Any]) -> None:
    docs = list(yaml.safe_load_all((DEPLOY / "kubernetes" / "clusterrole.yaml").read_text()))
    allowed = role_triples(docs)
    assert recorded["kube"] - allowed == set()


def test_the_read_role_is_all_a_nightly_run_needs_and_the_probe_role_only_dry_runs(
    recorded: dict[str, Any],
) -> None:
    read, probe = yaml.safe_load_all((DEPLOY / "kubernetes" / "clusterrole.yaml").read_text())
    assert (
        read["metadata"]["name"] == "claimcheck-read"
        and probe["metadata"]["name"] == "claimcheck-quota-probe"
    )
    writes = {t for t in recorded["kube"] if t[2] not in ("get", "list", "watch")}
    assert writes - {("authorization.k8s.io", "subjectaccessreviews", "create")} == role_triples([probe])


def test_nothing_in_the_shipped_roles_goes_unused(recorded: dict[str, Any]) -> None:
    docs = list(yaml.safe_load_all((DEPLOY / "kubernetes" / "clusterrole.yaml").read_text()))
    assert role_triples(docs) - recorded["kube"] == set()


def test_a_nightly_run_calls_exactly_the_read_only_iam_policy(recorded: dict[str, Any]) -> None:
    assert recorded["nightly"] == policy_actions("iam-policy.json")


def test_the_lock_probe_calls_exactly_its_own_policy_beyond_the_read_only_one(
    recorded: dict[str, Any],
) -> None:
    beyond = recorded["certification"] - policy_actions("iam-policy.json")
    assert beyond == policy_actions("iam-policy-lock-probe.json")
    lock = json.loads((DEPLOY / "aws" / "iam-policy-lock-probe.json").read_text())
    assert lock["Statement"][0]["Resource"] == "arn:aws:s3:::*/claimcheck/lock-probe/*"
