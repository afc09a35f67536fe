"""deploy/kubernetes/: every manifest read through its `kubernetes` client model (a mistyped field fails),
and the pieces agree: the CronJob's arguments are a `claimcheck run` the real parser accepts, on a target
its ConfigMap defines; every secret its targets.yaml names comes from a Secret by name; the service account,
role, volumes and vantage pod it names exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from checks.targets import Target, load_targets
from tests.commands import ROOT, parse_claimcheck
from tests.deploy.kube_models import deserialize, model_name, strict_problems
from tests.deploy.test_dockerfile import dockerfile_user, entrypoint

DEPLOY = ROOT / "deploy" / "kubernetes"
MINE = ("namespace", "serviceaccount", "configmap", "pvc", "cronjob", "vantage")


def _documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def _all() -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for path in sorted(DEPLOY.glob("*.yaml")):
        for document in _documents(path):
            found[(document["kind"], document["metadata"]["name"])] = document
    return found


def _one(kind: str, name: str) -> dict[str, Any]:
    return _all()[(kind, name)]


def _cronjob_pod() -> dict[str, Any]:
    pod: dict[str, Any] = _one("CronJob", "claimcheck-nightly")["spec"]["jobTemplate"]["spec"]["template"]
    return pod["spec"]  # type: ignore[no-any-return]


def _container() -> dict[str, Any]:
    (container,) = _cronjob_pod()["containers"]
    return container  # type: ignore[no-any-return]


def _configured_targets(tmp_path: Path) -> Path:
    data = _one("ConfigMap", "claimcheck-targets")["data"]
    path = tmp_path / "targets.yaml"
    path.write_text(data["targets.yaml"], encoding="utf-8")
    return path


def _target(tmp_path: Path) -> tuple[str, Target]:
    targets = load_targets(_configured_targets(tmp_path))
    args = parse_claimcheck(_container()["args"])
    return args.target, targets.targets[args.target]


@pytest.mark.parametrize("name", MINE)
def test_each_manifest_is_its_client_model_without_an_unknown_field(name: str) -> None:
    for document in _documents(DEPLOY / f"{name}.yaml"):
        assert strict_problems(document, model_name(document), document["kind"]) == []
        assert deserialize(document).metadata.name == document["metadata"]["name"]


def test_every_manifest_in_the_folder_reads_as_its_model() -> None:
    """Also the files other work adds here (the read-only ClusterRole, the load workers)."""
    for (kind, name), document in _all().items():
        assert strict_problems(document, model_name(document), f"{kind}/{name}") == []


def test_the_strict_reading_catches_a_mistyped_field() -> None:
    cronjob = _one("CronJob", "claimcheck-nightly")
    cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["serviceAcountName"] = "claimcheck"
    cronjob["spec"]["concurrencyPolicy"] = ["Forbid"]
    assert sorted(strict_problems(cronjob, "V1CronJob", "CronJob")) == [
        "CronJob.spec.concurrencyPolicy: expected str, got ['Forbid']",
        "CronJob.spec.jobTemplate.spec.template.spec.serviceAcountName: not a field of V1PodSpec",
    ]


def test_deserialising_enforces_required_fields() -> None:
    container = {"image": "x"}  # no name
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [container]}}
    with pytest.raises(ValueError, match="name"):
        deserialize(pod)


def test_the_cronjob_runs_the_nightly_profile_through_the_images_entrypoint() -> None:
    container = _container()
    assert "command" not in container  # the image's ENTRYPOINT runs
    argv = [*entrypoint(), *container["args"]]
    assert argv[0] == "claimcheck"
    args = parse_claimcheck(argv[1:])
    assert (args.command, args.profile, args.dry_run, args.no_html) == ("run", "nightly", False, True)


def test_the_cronjob_target_is_defined_and_valid_in_its_configmap(tmp_path: Path) -> None:
    name, target = _target(tmp_path)
    assert target.kind != "sandbox" and not target.allow_disruptive
    assert target.kubernetes is not None and target.kubernetes.in_cluster
    args = parse_claimcheck(_container()["args"])
    mounts = {m["name"]: m["mountPath"] for m in _container()["volumeMounts"]}
    assert Path(args.targets_file) == Path(mounts["targets"]) / "targets.yaml"
    assert args.reports_dir == mounts["reports"]
    assert name == load_targets(_configured_targets(tmp_path)).default


def _env_names(target: Target) -> set[str]:
    names: set[str] = set()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v, key)
        elif key.endswith("_env") and isinstance(value, str):
            names.add(value)

    walk(target.model_dump())
    return names


def test_every_secret_the_target_names_comes_from_a_secret_by_name(tmp_path: Path) -> None:
    _, target = _target(tmp_path)
    env = {e["name"]: e for e in _container()["env"]}
    needed = _env_names(target)
    assert needed and needed <= set(env)
    for name in needed:
        assert "value" not in env[name], name
        assert env[name]["valueFrom"]["secretKeyRef"]["name"] == "claimcheck-staging"


def test_no_secret_values_are_shipped() -> None:
    assert not [key for key in _all() if key[0] == "Secret"]
    for path in DEPLOY.glob("*.yaml"):
        assert "stringData" not in path.read_text(encoding="utf-8"), path


def test_the_pod_meets_the_restricted_pod_security_standard_as_the_images_user() -> None:
    pod, container = _cronjob_pod(), _container()
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert str(pod["securityContext"]["runAsUser"]) == dockerfile_user().split(":")[0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert {m["mountPath"] for m in container["volumeMounts"]} >= {"/tmp"}
    namespace = _one("Namespace", "claimcheck")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_the_volumes_the_cronjob_mounts_exist() -> None:
    pod = _cronjob_pod()
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert {m["name"] for m in _container()["volumeMounts"]} <= set(volumes)
    assert ("ConfigMap", volumes["targets"]["configMap"]["name"]) in _all()
    claim = volumes["reports"]["persistentVolumeClaim"]["claimName"]
    assert ("PersistentVolumeClaim", claim) in _all()


def test_verdict_exit_codes_fail_the_job_without_a_retry() -> None:
    job = _one("CronJob", "claimcheck-nightly")["spec"]["jobTemplate"]["spec"]
    (fail,) = (r for r in job["podFailurePolicy"]["rules"] if r["action"] == "FailJob")
    assert set(fail["onExitCodes"]["values"]) == {1, 2, 3, 130}
    assert fail["onExitCodes"]["containerName"] == _container()["name"]
    assert _one("CronJob", "claimcheck-nightly")["spec"]["concurrencyPolicy"] == "Forbid"


def test_the_service_account_is_bound_to_the_read_only_cluster_role() -> None:
    account = _cronjob_pod()["serviceAccountName"]
    binding = _one("ClusterRoleBinding", "claimcheck-read")
    (subject,) = binding["subjects"]
    assert (subject["kind"], subject["name"], subject["namespace"]) == (
        "ServiceAccount",
        account,
        "claimcheck",
    )
    assert ("ServiceAccount", account) in _all()
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole",
        "name": "claimcheck-read",
    }


def test_the_bound_cluster_role_is_the_shipped_one() -> None:
    if not (DEPLOY / "clusterrole.yaml").exists():
        pytest.skip("deploy/kubernetes/clusterrole.yaml (the read-only role, hard-edges work) not here yet")
    role = _one("ClusterRoleBinding", "claimcheck-read")["roleRef"]["name"]
    assert ("ClusterRole", role) in _all()


def test_the_vantage_role_lets_the_account_exec_into_the_vantage_pod_only(tmp_path: Path) -> None:
    _, target = _target(tmp_path)
    (vantage,) = (v for v in target.vantage_points if v.kind == "pod")
    statefulset = _one("StatefulSet", "claimcheck-vantage")
    assert vantage.pod == f"{statefulset['metadata']['name']}-0"
    containers = statefulset["spec"]["template"]["spec"]["containers"]
    assert vantage.container in {c["name"] for c in containers}
    (rule,) = _one("Role", "claimcheck-vantage-exec")["rules"]
    assert (rule["resources"], rule["resourceNames"]) == (["pods/exec"], [vantage.pod])
    (subject,) = _one("RoleBinding", "claimcheck-vantage-exec")["subjects"]
    assert subject["name"] == _cronjob_pod()["serviceAccountName"]


def test_everything_lives_in_the_claimcheck_namespace() -> None:
    for (kind, name), document in _all().items():
        if kind not in ("Namespace", "ClusterRole", "ClusterRoleBinding"):
            assert document["metadata"].get("namespace") == "claimcheck", f"{kind}/{name}"
