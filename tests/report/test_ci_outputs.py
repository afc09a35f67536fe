"""reports/junit.xml and reports/claimcheck.sarif, validated against the schemas in tests/report/data."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import xmlschema

from checks.report.junit import junit_xml
from checks.report.records import claim_sources
from checks.report.sarif import sarif_log
from tests.report.conftest import DATA, verdicts


def test_junit_xml_validates_against_the_junit_schema(declared_run: Path) -> None:
    xmlschema.XMLSchema(DATA / "junit-10.xsd").validate(str(declared_run / "junit.xml"))


def test_junit_has_one_testcase_per_claim_with_verdict_semantics(declared_run: Path) -> None:
    doc = verdicts(declared_run)
    root = ET.parse(declared_run / "junit.xml").getroot()
    cases = {c.get("name", "").split(": ")[0]: c for c in root.iter("testcase")}
    assert len(cases) == len(doc["claims"])
    for record in doc["claims"]:
        case = cases[record["id"]]
        assert case.get("name") == f"{record['id']}: {record['statement']}"
        children = {child.tag for child in case} - {"system-out"}
        expected = {"DISPROVEN": {"failure"}, "ERROR": {"error"}, "PROVEN": set()}.get(
            record["verdict"], {"skipped"}
        )
        assert children == expected, record["id"]
        if expected == {"skipped"}:
            assert case.find("skipped").get("message", "").startswith(record["verdict"] + ": ")  # type: ignore[union-attr]
    assert int(root.get("failures", "0")) == sum(r["verdict"] == "DISPROVEN" for r in doc["claims"])


def test_junit_properties_carry_verdict_evidence_level_and_sources(declared_run: Path) -> None:
    doc = verdicts(declared_run)
    root = ET.parse(declared_run / "junit.xml").getroot()
    props = {(p.get("name"), p.get("value")) for p in root.iter("property")}
    record = next(r for r in doc["claims"] if r["verdict"] == "DISPROVEN")
    assert (f"{record['id']}.verdict", "DISPROVEN") in props
    assert (f"{record['id']}.evidence_level", record["evidence_level"]) in props
    first = record["sources"][0]
    assert any(
        n == f"{record['id']}.source" and v.startswith(f"{first['file']}:{first['line']}") for n, v in props
    )


def test_sarif_validates_against_the_sarif_2_1_0_schema(declared_run: Path) -> None:
    schema = json.loads((DATA / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    log = json.loads((declared_run / "claimcheck.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    jsonschema.validate(sarif_log(verdicts(declared_run), inconclusive=True), schema)


def test_sarif_reports_disproven_and_error_at_their_claim_lines_only(declared_run: Path) -> None:
    doc = verdicts(declared_run)
    run = sarif_log(doc)["runs"][0]
    wanted = [r for r in doc["claims"] if r["verdict"] in ("DISPROVEN", "ERROR")]
    assert len(run["results"]) == len(wanted) > 0
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result, record in zip(run["results"], wanted, strict=True):
        claim_lines = [(s.file, s.line) for s in claim_sources(record)]
        located = [
            (loc["physicalLocation"]["artifactLocation"]["uri"].rsplit("/", 1)[-1],
             loc["physicalLocation"]["region"]["startLine"])
            for loc in result["locations"]
        ]  # fmt: skip
        assert located == claim_lines
        assert record["reason"] in result["message"]["text"]
        assert rules[result["ruleIndex"]] == result["ruleId"] == record["check"]


def test_sarif_skips_evidence_lines_and_adds_inconclusive_only_when_asked(declared_run: Path) -> None:
    doc = verdicts(declared_run)
    record = {**next(r for r in doc["claims"] if r["verdict"] == "DISPROVEN"), "verdict": "INCONCLUSIVE"}
    record["sources"] = [
        {"file": "a.txt", "line": 3, "end_line": None, "quote": "x", "role": "evidence"},
        {"file": "a.txt", "line": 9, "end_line": 11, "quote": "y", "role": "claim"},
    ]
    small = {"run": doc["run"], "claims": [record]}
    assert sarif_log(small)["runs"][0]["results"] == []
    (result,) = sarif_log(small, inconclusive=True)["runs"][0]["results"]
    assert result["level"] == "note"
    assert [loc["physicalLocation"]["region"] for loc in result["locations"]] == [
        {"startLine": 9, "endLine": 11}
    ]


def test_an_old_schema_1_run_gives_valid_junit_and_sarif(tmp_path: Path) -> None:
    old = json.loads((DATA / "schema1-verdicts.json").read_text(encoding="utf-8"))
    (tmp_path / "junit.xml").write_text(junit_xml(old), encoding="utf-8")
    xmlschema.XMLSchema(DATA / "junit-10.xsd").validate(str(tmp_path / "junit.xml"))
    schema = json.loads((DATA / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    log = sarif_log(old, inconclusive=True)
    jsonschema.validate(log, schema)
    assert {r["properties"]["verdict"] for r in log["runs"][0]["results"]} == {
        "DISPROVEN",
        "ERROR",
        "INCONCLUSIVE",
    }
