"""The ledger: systems and documents as data, validation with precise messages, verbatim quotes, coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.coverage import coverage, is_checkable, quote_problems
from checks.errors import ConfigError
from checks.ledger import Ledger, default_ledger, load_ledger, load_ledger_file
from checks.project import document_paths

DOCUMENT = "# Acme gateway\n\nAPI Response Time: <200ms (achieved 142ms)\nUptime: 99.9%\n"
GOOD_ENTRY = """
system: Acme Gateway
id_prefix: AG
documents: [gateway.md]
claims:
  - id: AG-LAT-01
    category: latency
    statement: API responds under 200 ms.
    sources: [{file: gateway.md, line: 3, quote: "API Response Time"}]
    metric: api_response_time
    comparator: "<"
    bound: 200
    unit: ms
    check: http.latency
    method: open-loop load, mean with CI
"""


def project(tmp_path: Path, *ledgers: tuple[str, str], document: str = DOCUMENT) -> Path:
    """A claims/ folder with one Markdown document and the given ledger files (name, text)."""
    claims = tmp_path / "claims"
    (claims / "documents").mkdir(parents=True, exist_ok=True)
    (claims / "documents" / "gateway.md").write_text(document, encoding="utf-8")
    for name, text in ledgers:
        (claims / name).write_text(text, encoding="utf-8")
    return claims


def write(tmp_path: Path, text: str) -> Path:
    return project(tmp_path, ("ledger.yaml", text)) / "ledger.yaml"


def test_a_new_system_with_a_markdown_document_loads(tmp_path: Path) -> None:
    ledger = load_ledger(project(tmp_path, ("gateway.yaml", GOOD_ENTRY)))
    (claim,) = ledger
    assert claim.id == "AG-LAT-01" and claim.system == "Acme Gateway" and claim.bound_text() == "< 200 ms"
    assert ledger.systems == ("Acme Gateway",) and ledger.prefixes == {"Acme Gateway": "AG"}
    assert ledger.owners("gateway.md") == {"Acme Gateway"} and ledger.owners("other.md") == frozenset()


@pytest.mark.parametrize(
    ("broken", "key", "value"),
    [
        (GOOD_ENTRY.replace("unit: ms", "unit: ms\n    colour: red"), "colour", "red"),
        (GOOD_ENTRY.replace("check: http.latency", "check: http.latancy"), "check", "http.latancy"),
        (GOOD_ENTRY.replace("line: 3", "line: 0"), "sources.0.line", "0"),
        (GOOD_ENTRY.replace("bound: 200", "bound: fast"), "", "fast"),
        (GOOD_ENTRY.replace("id: AG-LAT-01", "id: XX-LAT-01"), "id", "XX-LAT-01"),
        (GOOD_ENTRY.replace("category: latency", "system: Other\n    category: latency"), "system", "Other"),
        (GOOD_ENTRY.replace("file: gateway.md", "file: elsewhere.md"), "sources.0.file", "elsewhere.md"),
    ],
)
def test_a_malformed_entry_names_file_entry_key_and_value(
    tmp_path: Path, broken: str, key: str, value: str
) -> None:
    path = write(tmp_path, broken)
    with pytest.raises(ConfigError) as caught:
        load_ledger_file(path)
    message = str(caught.value)
    assert str(path) in message and value in message
    assert "AG-LAT-01" in message or "XX-LAT-01" in message
    assert key in message


@pytest.mark.parametrize(
    ("broken", "words"),
    [
        (GOOD_ENTRY.replace("id_prefix: AG\n", ""), "id_prefix"),
        (GOOD_ENTRY.replace("id_prefix: AG", "id_prefix: ag"), "id_prefix"),
        (GOOD_ENTRY.replace("documents: [gateway.md]", "documents: [gateway.pdf]"), "gateway.pdf"),
    ],
)
def test_a_malformed_header_is_refused(tmp_path: Path, broken: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        load_ledger_file(write(tmp_path, broken))


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="duplicate id"):
        load_ledger(project(tmp_path, ("a.yaml", GOOD_ENTRY), ("b.yaml", GOOD_ENTRY)))


def test_one_system_keeps_one_prefix_and_one_prefix_one_system(tmp_path: Path) -> None:
    other = GOOD_ENTRY.replace("id_prefix: AG", "id_prefix: AX").replace("AG-LAT-01", "AX-LAT-01")
    with pytest.raises(ConfigError, match="prefix"):
        load_ledger(project(tmp_path / "1", ("a.yaml", GOOD_ENTRY), ("b.yaml", other)))
    stolen = GOOD_ENTRY.replace("Acme Gateway", "Beta Shop").replace("AG-LAT-01", "AG-LAT-02")
    with pytest.raises(ConfigError, match="already system 'Acme Gateway'"):
        load_ledger(project(tmp_path / "2", ("a.yaml", GOOD_ENTRY), ("b.yaml", stolen)))


def test_a_declared_document_must_exist(tmp_path: Path) -> None:
    claims = project(tmp_path, ("a.yaml", GOOD_ENTRY))
    (claims / "documents" / "gateway.md").unlink()
    with pytest.raises(ConfigError, match=r"document 'gateway\.md' not found"):
        load_ledger(claims)


def test_waiver_needs_a_reason(tmp_path: Path) -> None:
    text = GOOD_ENTRY.replace("check: http.latency", "check: waived")
    with pytest.raises(ConfigError, match="waiver"):
        load_ledger_file(write(tmp_path, text))


def test_every_format_is_read_for_coverage(tmp_path: Path) -> None:
    claims = project(tmp_path, ("a.yaml", GOOD_ENTRY))
    for suffix in (".txt", ".rst", ".adoc", ".pdf"):
        (claims / "documents" / f"more{suffix}").write_text("Uptime: 99.9%\n", encoding="utf-8")
    rows = coverage(load_ledger(claims))
    assert {r.where.file for r in rows} == {"gateway.md", "more.txt", "more.rst", "more.adoc"}
    assert [r.where.line for r in rows if not r.covered and r.where.file == "gateway.md"] == [4]


def test_every_quote_of_the_project_ledger_is_verbatim_at_its_cited_line() -> None:
    problems = quote_problems(default_ledger())
    assert problems == [], "\n".join(f"{p.claim_id} {p.cite}: {p.quote!r} vs {p.found!r}" for p in problems)


def test_every_checkable_line_of_the_project_ledger_is_cited_or_waived() -> None:
    uncovered = [r.where for r in coverage(default_ledger()) if not r.covered]
    assert uncovered == [], "\n".join(f"{w.file}:{w.line} {w.text.strip()}" for w in uncovered[:40])


def test_every_document_of_the_project_belongs_to_a_ledger_file() -> None:
    ledger = default_ledger()
    orphans = [p.name for p in document_paths(ledger.documents_dir) if not ledger.owners(p.name)]
    assert orphans == []
    assert all(c.id.startswith(f"{ledger.prefixes[c.system]}-") for c in ledger)


def test_the_line_detector_flags_numbers_and_properties_but_not_prose() -> None:
    assert is_checkable("- **Uptime**: 99.99% availability")
    assert is_checkable("TLS 1.3 for all communications")
    assert is_checkable("Buenos Aires: <80ms latency")
    assert not is_checkable("## Conclusion")
    assert not is_checkable("Successfully completed the handoff to the team.")


def test_a_quote_on_the_wrong_line_is_reported(tmp_path: Path) -> None:
    claims = project(tmp_path)
    entry = load_ledger_file(write(tmp_path, GOOD_ENTRY.replace("line: 3", "line: 4"))).claims
    problems = quote_problems(Ledger(entry, [], claims / "documents"))
    assert [p.cite for p in problems] == ["gateway.md:4"]


def test_every_entry_has_a_claim_role_source() -> None:
    without = [c.id for c in default_ledger() if not any(s.role == "claim" for s in c.sources)]
    assert without == []


def test_a_source_is_a_claim_unless_marked_evidence(tmp_path: Path) -> None:
    (claim,) = load_ledger_file(write(tmp_path, GOOD_ENTRY)).claims
    assert claim.sources[0].role == "claim"
    marked = GOOD_ENTRY.replace('quote: "API Response Time"}', 'quote: "API Response Time", role: evidence}')
    assert marked != GOOD_ENTRY
    with pytest.raises(ConfigError, match="role 'claim'"):
        load_ledger_file(write(tmp_path, marked))  # the only source is evidence: nothing is judged
    with pytest.raises(ConfigError, match="role"):
        load_ledger_file(write(tmp_path, GOOD_ENTRY.replace('Time"}', 'Time", role: proof}')))


def test_declared_document_claims_are_about_the_document() -> None:
    """A declared.document claim is judged by its own numbers: it carries params an analyzer can sum."""
    documents = [c for c in default_ledger() if c.check == "declared.document"]
    assert documents and all(c.params.model_dump(exclude_defaults=True) for c in documents)
