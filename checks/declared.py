"""Declared evidence for the suites: one verdict per claim from the documents and their embedded config."""

from __future__ import annotations

from checks.ledger import Ledger
from checks.verdicts import Verdict


def declared_verdicts_for_ledger(ledger: Ledger) -> dict[str, Verdict]:
    """Per claim id, the declared-evidence verdict (see checks/evaluate/declared)."""
    from checks.collect.documents import extract_blocks
    from checks.evaluate.declared.engine import declared_verdict_for, declared_verdicts

    findings = declared_verdicts(ledger, extract_blocks(ledger.documents_dir))
    return {claim.id: declared_verdict_for(claim, findings.get(claim.id, [])) for claim in ledger}
