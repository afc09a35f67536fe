"""Allure results shaped for auditors from verdicts.json: labels, verdict first, ERROR results dressed like
any other, noise gone, idempotent; the six verdict categories; the document view's roles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checks.ledger import default_ledger
from checks.report.allure_files import ALLURE3_CATEGORIES, CATEGORIES
from checks.report.allure_results import VERDICT_ATTACHMENT, Shaping, shape_results
from checks.report.describe import md
from checks.report.document_view import document_page
from checks.report.documents import Documents
from checks.report.records import VERDICTS
from tests.report.conftest import verdicts

CLAIM = "BP-D14-SCALE-09"


def record(doc: dict[str, Any], claim_id: str, **changes: Any) -> dict[str, Any]:
    found = next(r for r in doc["claims"] if r["id"] == claim_id)
    return {**found, **changes}


def bare_error(results: Path) -> Path:
    """What allure-pytest writes when a session fixture fails before any claimcheck label is set."""
    (results / "big-attachment.txt").write_text("x" * 50_000, encoding="utf-8")
    body = {
        "uuid": "0f0f0f0f-0000-4000-8000-000000000001",
        "name": f"test_time_to_scale_within_bound[{CLAIM}]",
        "fullName": "suites.autoscaling.test_autoscaling#test_time_to_scale_within_bound",
        "status": "broken",
        "statusDetails": {
            "message": "ConnectionError: refused",
            "trace": "Traceback ...\nConnectionError: refused",
        },
        "parameters": [{"name": "claim", "value": f"Claim(id='{CLAIM}', system='BarberPro', ...)"}],
        "attachments": [{"name": "raw log", "source": "big-attachment.txt", "type": "text/plain"}],
        "labels": [{"name": "host", "value": "vm"}, {"name": "thread", "value": "1-MainThread"}],
        "start": 1,
        "stop": 2,
    }
    path = results / "bare-result.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    (results / "fixture-container.json").write_text(
        json.dumps({"uuid": "c", "befores": [{"name": "target"}]})
    )
    return path


def shaping(reports: Path, doc: dict[str, Any]) -> Shaping:
    return Shaping(doc, Documents(reports / "documents"), {CLAIM: "Derive the floor from the HPA behavior."})


def test_an_error_result_gets_the_labels_and_verdict_attachment_of_any_other(
    tmp_path: Path, declared_run: Path
) -> None:
    doc = verdicts(declared_run)
    doc["claims"] = [
        record(doc, CLAIM, verdict="ERROR", reason="could not measure (setup): ConnectionError: refused")
    ]
    results = tmp_path / "allure-results"
    results.mkdir()
    path = bare_error(results)
    refs = shape_results(results, shaping(declared_run, doc))
    shaped = json.loads(path.read_text(encoding="utf-8"))
    labels = {(lb["name"], lb["value"]) for lb in shaped["labels"]}
    assert {
        ("parentSuite", "BarberPro"),
        ("verdict", "ERROR"),
        ("claim_id", CLAIM),
        ("evidence_level", "declared"),
    } <= labels
    assert any(n == "suite" and v.startswith("004_51559c022b15dff1.txt · ") for n, v in labels)
    assert not {n for n, _ in labels} & {"host", "thread"}
    first_claim_line = default_ledger()[CLAIM].claim_sources[0].line
    assert shaped["status"] == "broken" and shaped["name"].startswith(f"L{first_claim_line:04d} {CLAIM}: ")
    assert shaped["statusDetails"] == {"message": shaped["statusDetails"]["message"]}  # no trace
    assert shaped["statusDetails"]["message"].startswith("ERROR · evidence declared")
    first, *rest = shaped["attachments"]
    assert (
        first["name"] == VERDICT_ATTACHMENT
        and json.loads((results / first["source"]).read_text())["verdict"] == "ERROR"
    )
    assert {a["name"]: a["type"] for a in rest} == {
        "raw log": "application/octet-stream",
        "traceback (for engineers)": "text/plain",
    }
    assert [p["name"] for p in shaped["parameters"]] == ["target"]
    assert shaped["testCaseId"] == f"claim:{CLAIM}"
    assert refs[CLAIM].verdict_attachment == first["source"]
    assert not list(results.glob("*-container.json"))


def test_shaping_twice_changes_nothing(tmp_path: Path, declared_run: Path) -> None:
    doc = verdicts(declared_run)
    results = tmp_path / "allure-results"
    results.mkdir()
    bare_error(results)
    shape_results(results, shaping(declared_run, doc))
    once = {p.name: p.read_bytes() for p in results.iterdir()}
    shape_results(results, shaping(declared_run, doc))
    assert {p.name: p.read_bytes() for p in results.iterdir()} == once


def test_a_proven_result_opens_with_its_verdict_block_and_quotes_its_blocks_in_full(
    tmp_path: Path, declared_run: Path
) -> None:
    doc = verdicts(declared_run)
    proven = {"verdict": "PROVEN", "reason": "on local (sandbox): 25 Ready at 24 s", "measured": 24, "n": 12}
    doc["claims"] = [record(doc, CLAIM, **proven, interval=[22.0, 26.0])]
    results = tmp_path / "allure-results"
    results.mkdir()
    path = bare_error(results)
    shape_results(results, shaping(declared_run, doc))
    shaped = json.loads(path.read_text(encoding="utf-8"))
    assert shaped["status"] == "passed" and "statusDetails" not in shaped
    head = shaped["description"].split("\n\n")[0]
    assert head.startswith("**PROVEN** · evidence **declared**")
    assert f"measured **24** · bound **{md('<= 30 s')}** · " in head  # the run's policy names no confidence
    assert f"{md('CI [22, 26]')} · n = 12" in head
    assert "reason: on local \\(sandbox\\): 25 Ready at 24 s" in head
    for n in (135, 136, 137, 138):  # the block 135-138 in full, numbered
        assert f"\n{n} | " in shaped["description"]
    assert "Derive the floor" in shaped["description"]


def test_the_categories_are_the_six_verdicts_with_the_readmes_meanings() -> None:
    names = [c["name"] for c in ALLURE3_CATEGORIES]
    assert [n.split(":")[0] for n in names] == list(VERDICTS)
    assert all(
        c["matchers"] == {"labels": {"verdict": f"^{v}$"}}
        for c, v in zip(ALLURE3_CATEGORIES, VERDICTS, strict=True)
    )
    not_applicable = next(n for n in names if n.startswith("NOT_APPLICABLE"))
    assert "safety gate" in not_applicable  # gated claims are not "lacking the component"
    assert [c["name"] for c in CATEGORIES] == [n for n in names if not n.startswith("PROVEN")]


def test_only_claim_lines_take_the_verdict_in_the_document_view(declared_run: Path) -> None:
    doc = verdicts(declared_run)
    mine = record(doc, CLAIM, verdict="DISPROVEN")
    mine["sources"] = [
        {"file": "004_51559c022b15dff1.txt", "line": 139, "end_line": None, "quote": "x", "role": "claim"},
        {"file": "004_51559c022b15dff1.txt", "line": 95, "end_line": 97, "quote": "y", "role": "evidence"},
    ]
    page = document_page({"run": doc["run"], "claims": [mine]}, "004_51559c022b15dff1.txt",
                         Documents(declared_run / "documents"), {}, {})  # fmt: skip
    assert '<tr id="L139" class="DISPROVEN">' in page
    assert all(f'<tr id="L{n}" class="ev">' in page for n in (95, 96, 97))
    assert f'evidence for <a href="#claim-{CLAIM}">{CLAIM}</a>' in page
    assert f'<a class="b DISPROVEN" href="#claim-{CLAIM}">DISPROVEN {CLAIM}</a>' in page
    assert "DISPROVEN 1" in page  # the counts at the top
