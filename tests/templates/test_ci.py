"""The shipped CI templates (checks/templates/ci/): valid YAML of the shape each CI system reads, the jobs
the README promises, and every `claimcheck ...` they run accepted by the real CLI parser. Each script is
run with bash (GitHub) or sh (GitLab) on stub programs, with the dispatch inputs of several scenarios, so
the shell that turns inputs into arguments is tested too."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from checks.cli import main
from checks.scaffold import CI_FILES, TEMPLATES, ci_template, scaffold
from tests.commands import parse_claimcheck, run_with_stubs

EXPRESSION = re.compile(r"\$\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")
SARIF, JUNIT, HISTORY = "reports/claimcheck.sarif", "reports/junit.xml", "reports/history.jsonl"


def _github() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((TEMPLATES / "github-actions.yml").read_text(encoding="utf-8"))
    return loaded


def _gitlab() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((TEMPLATES / "gitlab-ci.yml").read_text(encoding="utf-8"))
    return loaded


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    triggers: dict[str, Any] = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    return triggers


def _expand(value: str, context: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        assert match[1] in context, f"the test has no value for the expression {match[1]}"
        return context[match[1]]

    return EXPRESSION.sub(one, value)


def _github_calls(job: str, context: dict[str, str], tmp: Path) -> list[list[str]]:
    """Every program the job's `run:` steps call, with the job's env expanded from `context`."""
    workflow = _github()
    spec = workflow["jobs"][job]
    env = {k: _expand(str(v), context) for k, v in {**workflow["env"], **spec.get("env", {})}.items()}
    calls: list[list[str]] = []
    for step in spec["steps"]:
        if "run" in step:
            calls += run_with_stubs(step["run"], env, ("claimcheck", "pip", "npm"), tmp)
    return calls


def _claimcheck(calls: list[list[str]]) -> list[list[str]]:
    return [call[1:] for call in calls if call[0] == "claimcheck"]


def test_the_github_workflow_has_a_nightly_schedule_and_a_certification_dispatch() -> None:
    triggers = _triggers(_github())
    (cron,) = (s["cron"] for s in triggers["schedule"])
    assert len(cron.split()) == 5
    inputs = triggers["workflow_dispatch"]["inputs"]
    assert {name: spec["type"] for name, spec in inputs.items()} == {
        "target": "string",
        "categories": "string",
        "allow_drills": "boolean",
    }
    assert inputs["allow_drills"]["default"] is False
    jobs = _github()["jobs"]
    assert "schedule" in jobs["nightly"]["if"] and "workflow_dispatch" in jobs["certification"]["if"]


def test_github_scripts_never_paste_an_expression_into_the_shell() -> None:
    """Inputs reach scripts through env, so a crafted input cannot inject a command."""
    for job in _github()["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step


def test_every_github_job_uploads_the_reports_and_the_sarif_file() -> None:
    for name, job in _github()["jobs"].items():
        uses = {step.get("uses", "").split("@")[0]: step for step in job["steps"]}
        assert uses["actions/upload-artifact"]["with"]["path"] == "reports/", name
        assert uses["actions/upload-artifact"]["if"] == "always()", name
        sarif = uses["github/codeql-action/upload-sarif"]
        assert sarif["with"]["sarif_file"] == SARIF and "always()" in sarif["if"], name
        assert job["permissions"]["security-events"] == "write", name
        assert all("@v" in step["uses"] for step in job["steps"] if "uses" in step), name


@pytest.mark.parametrize("job", ["nightly", "certification"])
def test_github_long_jobs_restore_and_save_the_allure_history(job: str) -> None:
    steps = {s.get("uses", "").split("@")[0]: s for s in _github()["jobs"][job]["steps"]}
    restore, save = steps["actions/cache/restore"], steps["actions/cache/save"]
    assert restore["with"]["path"] == save["with"]["path"] == HISTORY
    assert restore["with"]["key"] == save["with"]["key"]
    assert save["with"]["key"].startswith(restore["with"]["restore-keys"])
    assert "always()" in save["if"]


def test_the_github_declared_job_runs_coverage_and_the_documents_alone(tmp_path: Path) -> None:
    calls = _claimcheck(_github_calls("declared", {}, tmp_path))
    assert [parse_claimcheck(c).command for c in calls] == ["claims", "run"]
    assert parse_claimcheck(calls[1]).target == "none"


@pytest.mark.parametrize(("variable", "target"), [("", "staging"), ("staging-eu", "staging-eu")])
def test_the_github_nightly_job_runs_the_nightly_profile(variable: str, target: str, tmp_path: Path) -> None:
    context = {"vars.CLAIMCHECK_TARGET": variable, "secrets.STAGING_TENANT_A_API_KEY": "k"}
    calls = _github_calls("nightly", context | {"secrets.STAGING_PROM_TOKEN": "t"}, tmp_path)
    (argv,) = _claimcheck(calls)
    args = parse_claimcheck(argv)
    assert (args.command, args.target, args.profile, args.dry_run) == ("run", target, "nightly", False)
    assert ["pip", "install", "claimcheck"] in calls and ["npm", "install", "--global", "allure"] in calls


CERTIFICATION = [
    ({"target": "staging", "categories": "latency, dr", "allow_drills": "false"}, ["latency", "dr"], True),
    ({"target": "prod-eu", "categories": "", "allow_drills": "true"}, [], False),
    ({"target": "staging", "categories": "geo_latency", "allow_drills": "true"}, ["geo_latency"], False),
]


@pytest.mark.parametrize(("inputs", "categories", "dry_run"), CERTIFICATION)
def test_the_github_certification_dispatch_turns_its_inputs_into_arguments(
    inputs: dict[str, str], categories: list[str], dry_run: bool, tmp_path: Path
) -> None:
    context = {f"inputs.{k}": v for k, v in inputs.items()}
    context |= {"secrets.STAGING_TENANT_A_API_KEY": "k", "secrets.STAGING_PROM_TOKEN": "t"}
    (argv,) = _claimcheck(_github_calls("certification", context, tmp_path))
    args = parse_claimcheck(argv)
    assert (args.command, args.target, args.profile) == ("run", inputs["target"], "certification")
    assert (args.category, args.dry_run) == (categories, dry_run)


def _gitlab_job(name: str) -> dict[str, Any]:
    document = _gitlab()
    job = document[name]
    base = document[job["extends"]] if "extends" in job else {}
    return {**base, **job}


def _gitlab_variables(overrides: dict[str, str]) -> dict[str, str]:
    raw = _gitlab()["variables"]
    plain = {k: str(v["value"] if isinstance(v, dict) else v) for k, v in raw.items()}
    return plain | overrides


def _gitlab_calls(name: str, overrides: dict[str, str], tmp: Path) -> list[list[str]]:
    job = _gitlab_job(name)
    script = "\n".join([*job.get("before_script", []), *job["script"]])
    stubs = ("claimcheck", "pip", "npm", "apt-get")
    return run_with_stubs(script, _gitlab_variables(overrides), stubs, tmp, shell="sh")


def test_the_gitlab_file_has_the_same_jobs_with_their_triggers() -> None:
    rules = {name: _gitlab_job(name)["rules"][0]["if"] for name in ("declared", "nightly", "certification")}
    assert '"schedule"' in rules["nightly"] and '"web"' in rules["certification"]
    assert '"merge_request_event"' in rules["declared"]
    variables = _gitlab()["variables"]
    assert variables["CLAIMCHECK_ALLOW_DRILLS"]["value"] in variables["CLAIMCHECK_ALLOW_DRILLS"]["options"]
    for name in ("TARGET", "CATEGORIES", "ALLOW_DRILLS"):
        assert variables[f"CLAIMCHECK_{name}"]["description"], name


@pytest.mark.parametrize("name", ["declared", "nightly", "certification"])
def test_every_gitlab_job_keeps_reports_junit_and_the_history(name: str) -> None:
    job = _gitlab_job(name)
    assert job["artifacts"]["when"] == "always" and "reports/" in job["artifacts"]["paths"]
    assert job["artifacts"]["reports"]["junit"] == JUNIT
    history = next(c for c in job["cache"] if HISTORY in c["paths"])
    assert history["when"] == "always"


def test_the_gitlab_nightly_job_runs_the_nightly_profile(tmp_path: Path) -> None:
    (argv,) = _claimcheck(_gitlab_calls("nightly", {}, tmp_path))
    args = parse_claimcheck(argv)
    assert (args.command, args.target, args.profile, args.dry_run) == ("run", "staging", "nightly", False)


@pytest.mark.parametrize(("inputs", "categories", "dry_run"), CERTIFICATION)
def test_the_gitlab_certification_job_turns_its_variables_into_arguments(
    inputs: dict[str, str], categories: list[str], dry_run: bool, tmp_path: Path
) -> None:
    overrides = {f"CLAIMCHECK_{k.upper()}": v for k, v in inputs.items()}
    (argv,) = _claimcheck(_gitlab_calls("certification", overrides, tmp_path))
    args = parse_claimcheck(argv)
    assert (args.target, args.profile, args.category, args.dry_run) == (
        inputs["target"],
        "certification",
        categories,
        dry_run,
    )


def test_the_gitlab_declared_job_runs_coverage_and_the_documents_alone(tmp_path: Path) -> None:
    calls = _claimcheck(_gitlab_calls("declared", {}, tmp_path))
    assert [parse_claimcheck(c).command for c in calls] == ["claims", "run"]


def test_the_parser_check_refuses_an_option_the_cli_lacks() -> None:
    with pytest.raises(AssertionError, match="unrecognized arguments: --allow-drills"):
        parse_claimcheck(["run", "--profile", "certification", "--allow-drills"])


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_init_writes_the_shipped_template_unchanged(ci: str, tmp_path: Path) -> None:
    assert main(["init", str(tmp_path), "--ci", ci]) == 0
    assert (tmp_path / CI_FILES[ci][1]).read_text(encoding="utf-8") == ci_template(ci)


def test_init_without_ci_writes_no_workflow(tmp_path: Path) -> None:
    scaffold(tmp_path, None)
    assert not (tmp_path / ".github").exists() and not (tmp_path / ".gitlab-ci.yml").exists()
