"""Reading verdicts.json for the reporters: one tolerant view of schema 1 and 2 records.

Every reporter (Allure shaping, document view, JUnit, SARIF, diff, manifest) is a pure function of a verdicts
document; this module is the one place that knows which keys an older file may lack (schema 1 has no target,
provenance, interval, n, rule, findings or source roles: they read as absent, and a role as `claim`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.sufficiency import percent

# The six verdicts a claim can reach, then NOT_RUN (a claim the run did not judge).
VERDICTS = ("PROVEN", "DISPROVEN", "INCONCLUSIVE", "NOT_APPLICABLE", "ERROR", "OUT_OF_SCOPE")
ALL_VERDICTS = (*VERDICTS, "NOT_RUN")

# What each verdict means: the README's table, the Allure categories and the document view's legend.
MEANINGS = {
    "PROVEN": "evidence that could have disproved the claim did not",
    "DISPROVEN": "the evidence contradicts the claim",
    "INCONCLUSIVE": "not enough evidence; the reason says what would suffice",
    "NOT_APPLICABLE": "this target lacks the component, or a safety gate forbids the probe here; "
    "the reason says which",
    "ERROR": "could not measure (unreachable, refused, broken)",
    "OUT_OF_SCOPE": "not a technical claim: waived, with the waiver's reason",
    "NOT_RUN": "not judged in this run",
}

# Allure keeps its own four statuses: DISPROVEN fails, ERROR is broken, the rest but PROVEN skip.
ALLURE_STATUS = {"PROVEN": "passed", "DISPROVEN": "failed", "ERROR": "broken"}

# When one line carries several verdicts, the line shows the most urgent one.
URGENCY = ("DISPROVEN", "ERROR", "INCONCLUSIVE", "PROVEN", "NOT_APPLICABLE", "OUT_OF_SCOPE", "NOT_RUN")


def allure_status(verdict: str) -> str:
    return ALLURE_STATUS.get(verdict, "skipped")


def most_urgent(verdicts: list[str]) -> str:
    return min(verdicts, key=lambda v: URGENCY.index(v) if v in URGENCY else len(URGENCY))


@dataclass(frozen=True)
class Cited:
    """One source of a claim: a line or a block of a document, and whether it is the claim or evidence."""

    file: str
    line: int
    end_line: int
    quote: str
    role: str

    @property
    def cite(self) -> str:
        return (
            f"{self.file}:{self.line}"
            if self.end_line == self.line
            else f"{self.file}:{self.line}-{self.end_line}"
        )


def sources(record: dict[str, Any]) -> list[Cited]:
    """Every source of a record, claim lines and evidence lines, in ledger order."""
    found = []
    for s in record.get("sources") or []:
        end = s.get("end_line") or s["line"]
        found.append(Cited(s["file"], int(s["line"]), int(end), s.get("quote", ""), s.get("role") or "claim"))
    return found


def claim_sources(record: dict[str, Any]) -> list[Cited]:
    """The sources that take the claim's verdict (role `claim`)."""
    return [s for s in sources(record) if s.role == "claim"]


def primary_source(record: dict[str, Any]) -> Cited | None:
    """Where a claim is stated first: its first `claim` source (the one the report files it under)."""
    found = claim_sources(record) or sources(record)
    return found[0] if found else None


def target_text(record: dict[str, Any], run: dict[str, Any]) -> str:
    target = record.get("target") or run.get("target")
    kind = record.get("target_kind") or run.get("target_kind")
    return f"{target} ({kind})" if kind else str(target)


def bound_text(record: dict[str, Any]) -> str:
    """'<= 30 s', or the bound alone, or '' for a property claim."""
    comparator, bound, unit = record.get("comparator"), record.get("bound"), record.get("unit")
    if isinstance(bound, dict) and "value" in bound:  # schema 1 kept the bound as an object
        comparator, unit, bound = bound.get("comparator", comparator), bound.get("unit", unit), bound["value"]
    shown = "" if bound is None else (bound if isinstance(bound, str) else json.dumps(bound))
    if comparator is None or shown.startswith(str(comparator)):  # a judged record keeps the bound's text
        return str(shown)
    return " ".join(str(p) for p in (comparator, shown, unit) if p not in (None, ""))


def measured_number(record: dict[str, Any]) -> tuple[float | None, list[float] | None]:
    """The measured number and its interval, when the measurement is one number (schema 1 kept
    `{"value", "ci", "unit"}`)."""
    measured, interval = record.get("measured"), record.get("interval")
    if isinstance(measured, dict) and "value" in measured:
        interval = interval or measured.get("ci")
        measured = measured["value"]
    if isinstance(measured, bool) or not isinstance(measured, int | float):
        return None, None
    return float(measured), interval


def shown(value: Any, limit: int = 160) -> str:
    """A measured value as one short line."""
    if value is None:
        return ""
    if isinstance(value, dict) and set(value) <= {"value", "ci", "unit"} and "value" in value:
        value = " ".join(str(value[k]) for k in ("value", "unit") if value.get(k) is not None)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def interval_text(record: dict[str, Any], run: dict[str, Any]) -> str:
    interval = record.get("interval")
    if not interval:
        return ""
    confidence = record.get("confidence", (run.get("policy") or {}).get("confidence"))
    level = f"{percent(confidence)} " if isinstance(confidence, int | float) else ""
    return f"{level}CI [{interval[0]:.6g}, {interval[1]:.6g}]"


def verdict_lines(record: dict[str, Any], run: dict[str, Any]) -> list[str]:
    """The short verdict block every result opens with, as plain lines."""
    level = record.get("evidence_level") or "none"
    provenance = record.get("provenance")
    head = f"{record['verdict']} · evidence {level}" + (f" ({provenance})" if provenance else "")
    lines = [f"{head} · target {target_text(record, run)}"]
    measured, bound = shown(record.get("measured")), bound_text(record)
    if measured or bound:
        parts = [f"measured {measured or '—'}", f"bound {bound or '—'}"]
        if ci := interval_text(record, run):
            parts.append(ci)
        if record.get("n") is not None:
            parts.append(f"n = {record['n']}")
        lines.append(" · ".join(parts))
    lines.append(str(record.get("reason", "")))
    return lines


def load(path: Path) -> dict[str, Any]:
    """A verdicts.json document (any schema version)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or "claims" not in doc or "run" not in doc:
        raise ValueError(f"{path}: not a claimcheck verdicts.json (no 'run' and 'claims')")
    return doc


def by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in doc["claims"]}


def counts(records: list[dict[str, Any]]) -> dict[str, int]:
    found = dict.fromkeys(ALL_VERDICTS, 0)
    for r in records:
        found[r["verdict"]] = found.get(r["verdict"], 0) + 1
    return found
