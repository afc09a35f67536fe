"""Declared evidence for the suites: one verdict per claim from the documents and their embedded config."""

from __future__ import annotations

from checks.ledger import Ledger
from checks.verdicts import Verdict


def declared_verdicts_for_ledger(ledger: Ledger) -> dict[str, Verdict]:
    """Per claim id (waivers excluded), the declared-evidence verdict (see checks/evaluate/declared)."""
    from checks.collect.documents import collect_document_blocks
    from checks.evaluate.declared.engine import verdicts_for_ledger

    return verdicts_for_ledger(ledger, collect_document_blocks(ledger.documents_dir))
