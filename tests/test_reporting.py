"""The reporting plugin: verdicts.json for every claim, Allure semantics, interruption, and no secrets."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from checks.ledger import default_ledger, project_root

SUITE = textwrap.dedent("""
    import os, signal, time
    import pytest
    from checks.verdicts import EvidenceLevel, Outcome, Verdict
    from fixtures.claims import claim_params

    PARAMS = claim_params("waived")[:6]

    @pytest.fixture(scope="session")
    def declared_findings():
        return {}

    @pytest.mark.parametrize("claim", PARAMS)
    def test_judged(claim, judge):
        index = [p.values[0].id for p in PARAMS].index(claim.id)
        stop = os.environ.get("CC_STOP_AT")
        if stop is not None and index == int(stop):
            os.kill(os.getpid(), getattr(signal, os.environ["CC_SIGNAL"]))
            time.sleep(5)
        outcome = [Outcome.PROVEN, Outcome.DISPROVEN, Outcome.ERROR, Outcome.INCONCLUSIVE][index % 4]
        reason = f"reason {index} token=" + os.environ["CC_TOKEN"]
        judge(Verdict(claim.id, outcome, EvidenceLevel.OBSERVED, reason))
""")


LEAKY_SUITE = textwrap.dedent("""
    import base64, os, time
    from urllib.parse import quote
    import pytest
    from checks.errors import CollectionError, StopConditionBreached
    from fixtures.claims import claim_params

    PARAMS = claim_params("waived")[:6]

    @pytest.fixture(scope="session")
    def declared_findings():
        return {}

    @pytest.mark.parametrize("claim", PARAMS)
    def test_leaks(claim, judge):
        token = os.environ["CC_TOKEN"]
        index = [p.values[0].id for p in PARAMS].index(claim.id)
        if index == 0:  # echoed by a server in an error body, and cut at 200 characters by the collector
            raise CollectionError("http://prom", ("x" * 190 + "Bearer " + token)[:200])
        if index == 1:
            basic = base64.b64encode(f"user:{token}".encode()).decode()
            forms = f"Basic {basic} / {quote(token)} / {token.encode().hex()}"
            raise CollectionError("http://gw", f"Authorization: {forms}")
        if index == 2:
            print("debug: token is", token)
            raise RuntimeError(f"boom {token}")
        if index == 3:
            raise StopConditionBreached("steady state", "9 of the last 10 probes failed")
        time.sleep(0.1)
""")

SLOW_SUITE = textwrap.dedent("""
    import time
    import pytest
    from fixtures.claims import claim_params

    @pytest.fixture(scope="session")
    def declared_findings():
        return {}

    @pytest.mark.parametrize("claim", claim_params("waived")[:2])
    def test_slow(claim, judge):
        time.sleep(30)
""")

PLUGINS = (
    "fixtures.targets",
    "fixtures.claims",
    "fixtures.safety",
    "fixtures.budget",
    "fixtures.reporting",
    "fixtures.endpoints",
)


def _default_sigint() -> None:
    # a background job of a shell starts with SIGINT ignored; the child sets its own disposition
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_suite(
    tmp_path: Path,
    extra_env: dict[str, str],
    text: str = SUITE,
    plugin_names: tuple[str, ...] = PLUGINS,
    target_extra: str = "",
) -> tuple[subprocess.CompletedProcess[str], dict]:
    suite = tmp_path / "test_suite.py"
    suite.write_text(text, encoding="utf-8")
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "default: t\ntargets:\n  t:\n    kind: staging\n    http: {base_url: 'https://x.invalid'}\n"
        "    tenants: [{slug: a, api_key_env: CC_TOKEN}]\n" + target_extra,
        encoding="utf-8",
    )
    verdicts = tmp_path / "verdicts.json"
    env = {**os.environ, "CC_TOKEN": "sup3r-s3cret-token-0123456789", **extra_env}
    plugins = [arg for name in plugin_names for arg in ("-p", name)]
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        str(suite),
        "-p",
        "no:locust",
        "-p",
        "no:cacheprovider",
        *plugins,
        "--rootdir",
        str(project_root()),
        "-c",
        str(project_root() / "pyproject.toml"),
        "--target",
        "t",
        "--targets-file",
        str(targets),
        "--verdicts",
        str(verdicts),
        "--alluredir",
        str(tmp_path / "allure"),
    ]
    done = subprocess.run(
        cmd,
        cwd=project_root(),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_default_sigint,
    )
    return done, json.loads(verdicts.read_text(encoding="utf-8"))


def by_id(doc: dict) -> dict[str, dict]:
    return {c["id"]: c for c in doc["claims"]}


Run = tuple[Path, subprocess.CompletedProcess[str], dict]


def _shared(tmp_path_factory: pytest.TempPathFactory, name: str, *args: Any, **kwargs: Any) -> Run:
    """One run of a suite, read by every test of this module that only looks at what it wrote."""
    path = tmp_path_factory.mktemp(name)
    return (path, *run_suite(path, *args, **kwargs))


@pytest.fixture(scope="module")
def suite_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    # CI set: pytest then prints each short summary line in full (as on a CI machine)
    return _shared(tmp_path_factory, "suite", {"CI": "true"})


@pytest.fixture(scope="module")
def leaky_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _shared(tmp_path_factory, "leaky", {}, LEAKY_SUITE)


@pytest.fixture(scope="module")
def declared_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _shared(tmp_path_factory, "declared", {}, DECLARED_SUITE, (*PLUGINS, "fixtures.declared"))


def test_every_ledger_claim_has_a_record_and_judged_ones_their_verdict(suite_run: Run) -> None:
    _, done, doc = suite_run
    records = by_id(doc)
    assert len(records) == len(default_ledger())
    judged = [r for r in records.values() if r["verdict"] != "NOT_RUN"]
    assert [r["verdict"] for r in judged] == [
        "PROVEN",
        "DISPROVEN",
        "ERROR",
        "INCONCLUSIVE",
        "PROVEN",
        "DISPROVEN",
    ]
    assert doc["run"]["complete"] is True and doc["run"]["interrupted"] is False
    assert all(
        r["reason"] == "not selected for this run" for r in records.values() if r["verdict"] == "NOT_RUN"
    )
    assert done.returncode == 1  # a DISPROVEN claim fails the pytest run


def test_secrets_never_reach_verdicts_or_allure_results(suite_run: Run) -> None:
    tmp_path = suite_run[0]
    texts = [(tmp_path / "verdicts.json").read_text()] + [
        p.read_text() for p in (tmp_path / "allure").iterdir() if p.suffix in (".json", ".txt", ".properties")
    ]
    assert all("sup3r-s3cret-token-0123456789" not in t for t in texts)
    assert "token=***" in texts[0]


def test_allure_results_keep_verdict_semantics_and_labels(suite_run: Run) -> None:
    tmp_path = suite_run[0]
    results = [json.loads(p.read_text()) for p in (tmp_path / "allure").glob("*-result.json")]
    status = {
        next(lb["value"] for lb in r["labels"] if lb["name"] == "verdict"): r["status"] for r in results
    }
    assert status == {"PROVEN": "passed", "DISPROVEN": "failed", "ERROR": "broken", "INCONCLUSIVE": "skipped"}
    assert all(  # "L0088 <claim id>: <statement>": the line first, so the tree sorts in document order
        re.match(
            r"L\d{4} " + next(lb["value"] for lb in r["labels"] if lb["name"] == "claim_id") + ": ", r["name"]
        )
        for r in results
    )
    ledger = default_ledger()
    for r in results:  # every cited block quoted in full, with its line numbers
        claim = ledger[next(lb["value"] for lb in r["labels"] if lb["name"] == "claim_id")]
        assert all(f"{s.line} | " in r["description"] and s.quote in r["description"] for s in claim.sources)
    labels = {lb["name"] for lb in results[0]["labels"]}
    assert {"epic", "feature", "story", "severity", "tag", "claim_id", "verdict", "source"} <= labels
    assert {"parentSuite", "suite", "evidence_level", "target"} <= labels
    assert (tmp_path / "allure" / "categories.json").is_file()
    assert (tmp_path / "allure" / "environment.properties").read_text().startswith("target=t")


def test_a_disproven_item_reports_its_message_and_an_error_keeps_its_traceback(suite_run: Run) -> None:
    # six items: two DISPROVEN, one ERROR. Only the ERROR's failure shows the item's source (pytest's long
    # form, kept as the "traceback (for engineers)" attachment); a disproof reports the verdict's message.
    # CI set: pytest then prints each short summary line in full, which must stay the crash line (redacted).
    _, done, doc = suite_run
    assert [r["verdict"] for r in doc["claims"]].count("DISPROVEN") == 2
    assert done.stdout.count("def test_judged(") == 1, done.stdout
    assert "ClaimDisproven: DISPROVEN" in done.stdout
    summary = done.stdout.split("short test summary info")[1].splitlines()[1:-1]
    assert len(summary) == 3 and all(line.startswith("FAILED ") for line in summary), summary
    assert "MeasurementError: ERROR: reason 2 token=***" in summary[1]


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_an_interrupted_run_leaves_valid_json_marked_incomplete(tmp_path: Path, signame: str) -> None:
    done, doc = run_suite(tmp_path, {"CC_STOP_AT": "3", "CC_SIGNAL": signame})
    records = [r for r in doc["claims"] if r["verdict"] != "NOT_RUN" or r["reason"].startswith("selected")]
    assert doc["run"]["complete"] is False and doc["run"]["interrupted"] is True
    assert [r["verdict"] for r in records[:3]] == ["PROVEN", "DISPROVEN", "ERROR"]
    assert all(r["verdict"] == "NOT_RUN" and "not reached" in r["reason"] for r in records[3:])
    assert len(records) == 6 and done.returncode != 0
    assert signal.Signals[signame]


def test_quotes_are_shown_literally_in_the_markdown_description() -> None:
    from fixtures.reporting import _md

    escaped = "\\# Test 3: scale\\-up \\| \\*\\*Uptime\\*\\*: 99\\.99%"
    assert _md("# Test 3: scale-up | **Uptime**: 99.99%") == escaped


def _texts(tmp_path: Path) -> list[str]:
    files = [tmp_path / "verdicts.json", *(p for p in tmp_path.rglob("*") if p.is_file())]
    return [p.read_text(errors="replace") for p in files]


def test_no_form_or_fragment_of_a_secret_reaches_any_report(leaky_run: Run) -> None:
    tmp_path, done, _ = leaky_run
    token = "sup3r-s3cret-token-0123456789"
    fragments = {token[i : i + 8] for i in range(len(token) - 7)}
    leaks = [f for t in _texts(tmp_path) for f in fragments if f in t]
    assert leaks == [], done.stdout[-1500:]
    assert token not in done.stdout + done.stderr


def test_allure_results_are_private(leaky_run: Run) -> None:
    tmp_path = leaky_run[0]
    assert (tmp_path / "allure").stat().st_mode & 0o777 == 0o700  # every result file inside a 0700 dir
    written = [*(tmp_path / "allure").glob("*-result.json"), *(tmp_path / "allure").glob("*-container.json")]
    assert written and {p.stat().st_mode & 0o777 for p in written} == {0o600}  # and allure-pytest's are 0600


def test_a_stop_condition_aborts_the_run_and_leaves_the_rest_not_reached(leaky_run: Run) -> None:
    doc = leaky_run[2]
    assert doc["run"]["aborted"].startswith("stop condition: steady state: 9 of the last 10")
    assert doc["run"]["complete"] is False and doc["run"]["interrupted"] is False
    records = [r for r in doc["claims"] if r["verdict"] != "NOT_RUN" or r["reason"].startswith("selected")]
    assert [r["verdict"] for r in records[:4]] == ["ERROR"] * 4
    assert all(r["reason"].startswith("selected but not reached") for r in records[4:]) and len(records) == 6


def test_an_item_past_its_budget_is_error_and_the_run_states_its_worst_case(tmp_path: Path) -> None:
    profile = (
        "    profiles: {nightly: {latency_seconds: 1, latency_rps: 1, probe_count: 1, item_budget_s: 1}}\n"
    )
    done, doc = run_suite(tmp_path, {}, SLOW_SUITE, target_extra=profile)
    records = [r for r in doc["claims"] if r["verdict"] != "NOT_RUN"]
    assert [r["verdict"] for r in records] == ["ERROR", "ERROR"]
    assert all("ran past its budget of 1 s" in r["reason"] for r in records)
    assert doc["run"]["worst_case_s"] == 32  # 2 items x 1 s + the shutdown allowance
    assert "worst case: 0 min 32 s" in done.stdout


DECLARED_SUITE = textwrap.dedent("""
    import pytest
    from checks.verdicts import EvidenceLevel, Outcome, Verdict
    from fixtures.claims import claim_params

    PARAMS = claim_params("waived")[:2]
    FIRST, SECOND = (p.values[0].id for p in PARAMS)

    @pytest.fixture(scope="session")
    def declared_findings():
        return {
            FIRST: Verdict(FIRST, Outcome.DISPROVEN, EvidenceLevel.DECLARED, "the sum is 90, not 100"),
            SECOND: Verdict(SECOND, Outcome.INCONCLUSIVE, EvidenceLevel.DECLARED, "an open method finding"),
        }

    @pytest.mark.parametrize("claim", PARAMS)
    def test_judged(claim, judge):
        if claim.id == FIRST:
            raise RuntimeError("the suite body ran for a claim its documents contradict")
        judge(Verdict(claim.id, Outcome.PROVEN, EvidenceLevel.OBSERVED, "measured within the bound"))
""")


def test_a_declared_contradiction_settles_the_claim_before_the_suite_body_runs(declared_run: Run) -> None:
    _, done, doc = declared_run
    first, _ = (r for r in doc["claims"] if r["verdict"] != "NOT_RUN")
    assert first["verdict"] == "DISPROVEN", done.stdout[-2000:]
    assert first["reason"] == "in the documents: the sum is 90, not 100"
    assert first["rule"] == "declared contradiction is final"
    assert "the suite body ran" not in done.stdout


def test_every_record_names_its_target_and_keeps_every_finding(declared_run: Run) -> None:
    doc = declared_run[2]
    second = [r for r in doc["claims"] if r["verdict"] != "NOT_RUN"][1]
    assert second["verdict"] == "PROVEN" and second["reason"] == "on t (staging): measured within the bound"
    assert (second["target"], second["target_kind"]) == ("t", "staging")
    assert [(f["level"], f["verdict"]) for f in second["findings"]] == [
        ("declared", "INCONCLUSIVE"),
        ("observed", "PROVEN"),
    ]
    assert doc["run"]["schema_version"] == 2 and all(s["role"] for s in second["sources"])
