"""`claims draft`: entries per line and block, waiver stubs, readers, ids, prefixes, and no overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.draft import derive_prefix, draft, onboard, render
from checks.errors import ConfigError

DOC = """# Orders API

Orders answer in 250ms p95 (target: <200ms).
RTO: 4 hours; RPO: 5 minutes.
The service costs $9,000/month.

```nginx
limit_req_zone $binary_remote_addr zone=api:10m rate=5r/s;
location /api/ { limit_req zone=api; }
```

```yaml
upstreams: {orders: {timeout: 30}}
```
"""


def _fields(doc: str = DOC) -> dict[str, dict[str, object]]:
    result = draft(doc, "orders.md", "Orders", "OR")
    return {e.id: e.fields for e in result.entries}


def test_a_target_in_parentheses_gives_stated_value_and_bound() -> None:
    latency = _fields()["OR-LAT-01"]
    assert (latency["comparator"], latency["bound"], latency["unit"], latency["stated_value"]) == (
        "<",
        200,
        "ms",
        250,
    )
    assert latency["scope"] == {"statistic": "p95"} and latency["check"] == "http.latency"


def test_two_claims_on_one_line_are_two_entries() -> None:
    fields = _fields()
    assert (fields["OR-DR-01"]["metric"], fields["OR-DR-02"]["metric"]) == ("rto", "rpo")
    assert fields["OR-DR-02"]["sources"] == [{"file": "orders.md", "line": 4, "quote": "RPO: 5 minutes."}]


def test_money_is_a_waiver_stub_with_a_reason() -> None:
    waiver = _fields()["OR-W-01"]
    assert waiver["check"] == "waived" and "financial" in str(waiver["waiver"])


def test_a_block_is_cited_as_a_range_and_its_rules_become_entries() -> None:
    rule = _fields()["OR-SEC-01"]
    sources = rule["sources"]
    assert isinstance(sources, list) and sources[0]["line"] == 8 and sources[0]["end_line"] == 9
    assert (rule["metric"], rule["bound"], rule["unit"]) == ("rate_limit", 5, "rps")


def test_each_entry_says_who_reads_it_and_a_block_no_parser_reads_is_named() -> None:
    result = draft(DOC, "orders.md", "Orders", "OR")
    notes = {e.id: e.notes for e in result.entries}
    assert notes["OR-LAT-01"][0].startswith("read by: arithmetic")
    assert any(n.startswith("WARNING: no declared analyzer") for n in notes["OR-DR-02"])
    assert [r.block.cite for r in result.blocks if r.not_understood] == ["orders.md:13-13"]
    assert "NOT UNDERSTOOD (yaml)" in render(result)


def test_ids_skip_the_ones_the_ledger_has() -> None:
    result = draft(DOC, "orders.md", "Orders", "OR", taken=["OR-LAT-01"])
    assert result.entries[0].id == "OR-LAT-02"


def test_a_prefix_from_the_system_name() -> None:
    assert derive_prefix("Acme Payments", []) == "AP"
    assert derive_prefix("Acme", []) == "ACME"
    assert derive_prefix("Acme Payments", ["AP"]) == "AP2"


def test_a_draft_never_overwrites_a_ledger_file(tmp_path: Path) -> None:
    source = tmp_path / "orders.md"
    source.write_text(DOC, encoding="utf-8")
    claims = tmp_path / "project" / "claims"
    done = onboard(source, claims, "Orders")
    assert done.document.read_text(encoding="utf-8") == DOC and done.ledger_file.name == "orders.yaml"
    with pytest.raises(ConfigError, match="already has a ledger file"):
        onboard(source, claims, "Orders")
    again = onboard(source, claims, "Orders", force=True)
    assert [e.id for e in again.draft.entries] == [e.id for e in done.draft.entries]


def test_an_existing_system_keeps_its_prefix(tmp_path: Path) -> None:
    claims = tmp_path / "claims"
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text(DOC, encoding="utf-8")
    second.write_text(DOC.replace("Orders API", "Orders API v2"), encoding="utf-8")
    onboard(first, claims, "Orders", "ORD")
    with pytest.raises(ConfigError, match="already has id prefix 'ORD'"):
        onboard(second, claims, "Orders", "XX")
    later = onboard(second, claims, "Orders")
    assert later.draft.prefix == "ORD" and later.draft.entries[0].id == "ORD-LAT-02"
