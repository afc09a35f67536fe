"""The ledger: validation with precise messages, verbatim quotes, and coverage of every checkable line."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.coverage import coverage, is_checkable, quote_problems
from checks.errors import ConfigError
from checks.ledger import default_ledger, load_ledger, load_ledger_file

GOOD_ENTRY = """
system: BarberPro
claims:
  - id: BP-T-LAT-01
    system: BarberPro
    category: latency
    statement: API responds under 200 ms.
    sources: [{file: 003_05e30b35ee0cdd0e.txt, line: 74, quote: "API Response Time"}]
    metric: api_response_time
    comparator: "<"
    bound: 200
    unit: ms
    check: http.latency
    method: open-loop load, mean with CI
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ledger.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_entry_loads(tmp_path: Path) -> None:
    (claim,) = load_ledger_file(write(tmp_path, GOOD_ENTRY)).claims
    assert claim.id == "BP-T-LAT-01" and claim.bound_text() == "< 200 ms"


@pytest.mark.parametrize(
    ("broken", "key", "value"),
    [
        (GOOD_ENTRY.replace("unit: ms", "unit: ms\n    colour: red"), "colour", "red"),
        (GOOD_ENTRY.replace("check: http.latency", "check: http.latancy"), "check", "http.latancy"),
        (GOOD_ENTRY.replace("line: 74", "line: 0"), "sources.0.line", "0"),
        (GOOD_ENTRY.replace("bound: 200", "bound: fast"), "", "fast"),
    ],
)
def test_a_malformed_entry_names_file_entry_key_and_value(
    tmp_path: Path, broken: str, key: str, value: str
) -> None:
    path = write(tmp_path, broken)
    with pytest.raises(ConfigError) as caught:
        load_ledger_file(path)
    message = str(caught.value)
    assert str(path) in message and "BP-T-LAT-01" in message and value in message
    assert key in message


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD_ENTRY, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD_ENTRY, encoding="utf-8")
    with pytest.raises(ConfigError, match="duplicate id"):
        load_ledger(tmp_path)


def test_waiver_needs_a_reason(tmp_path: Path) -> None:
    text = GOOD_ENTRY.replace("check: http.latency", "check: waived")
    with pytest.raises(ConfigError, match="waiver"):
        load_ledger_file(write(tmp_path, text))


def test_every_quote_is_verbatim_at_its_cited_line() -> None:
    problems = quote_problems(default_ledger())
    assert problems == [], "\n".join(f"{p.claim_id} {p.cite}: {p.quote!r} vs {p.found!r}" for p in problems)


def test_every_checkable_line_is_cited_or_waived() -> None:
    uncovered = [r.where for r in coverage(default_ledger()) if not r.covered]
    assert uncovered == [], "\n".join(f"{w.file}:{w.line} {w.text.strip()}" for w in uncovered[:40])


def test_ledger_is_large_and_spans_all_five_documents() -> None:
    ledger = default_ledger()
    technical = [c for c in ledger if not c.is_waived]
    cited = {s.file for c in ledger for s in c.sources}
    assert len(technical) > 100
    assert len(cited) == 5


def test_the_line_detector_flags_numbers_and_properties_but_not_prose() -> None:
    assert is_checkable("- **Uptime**: 99.99% availability")
    assert is_checkable("TLS 1.3 for all communications")
    assert is_checkable("Buenos Aires: <80ms latency")
    assert not is_checkable("## Conclusion")
    assert not is_checkable("Successfully completed the handoff to the team.")


def test_a_quote_on_the_wrong_line_is_reported(tmp_path: Path) -> None:
    from checks.ledger import Ledger, project_root

    claim = load_ledger_file(write(tmp_path, GOOD_ENTRY.replace("line: 74", "line: 75"))).claims
    problems = quote_problems(Ledger(claim, [], project_root() / "claims" / "documents"))
    assert [p.cite for p in problems] == ["003_05e30b35ee0cdd0e.txt:75"]


def test_every_entry_has_a_claim_role_source() -> None:
    without = [c.id for c in default_ledger() if not any(s.role == "claim" for s in c.sources)]
    assert without == []


def test_a_source_is_a_claim_unless_marked_evidence(tmp_path: Path) -> None:
    (claim,) = load_ledger_file(write(tmp_path, GOOD_ENTRY)).claims
    assert claim.sources[0].role == "claim"
    marked = GOOD_ENTRY.replace('quote: "API Response Time"}', 'quote: "API Response Time", role: evidence}')
    with pytest.raises(ConfigError, match="role 'claim'"):
        load_ledger_file(write(tmp_path, marked))  # the only source is evidence: nothing is judged
    with pytest.raises(ConfigError, match="role"):
        load_ledger_file(write(tmp_path, GOOD_ENTRY.replace('Time"}', 'Time", role: proof}')))


def test_declared_document_claims_are_about_the_document() -> None:
    """A declared.document claim is judged by its own numbers: it carries params an analyzer can sum."""
    documents = [c for c in default_ledger() if c.check == "declared.document"]
    assert documents and all(c.params.model_dump(exclude_defaults=True) for c in documents)
