"""Declared evidence for the suites: one verdict per claim from the documents and their embedded config,
and, when a target names its own manifests (targets.yaml `manifests`), the same analyzers over those files.

A contradiction found in the target's manifests is configured evidence: the target's own configuration
forbids the claim. The documents' embedded blocks stay the declared evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from checks.collect.documents import ConfigBlock
from checks.ledger import Claim, Ledger
from checks.targets import Target
from checks.verdicts import EvidenceLevel, Outcome, Verdict


def declared_verdicts_for_ledger(ledger: Ledger, manifests: Sequence[ConfigBlock] = ()) -> dict[str, Verdict]:
    """Per claim id (waivers excluded), the declared verdict, overridden by a contradiction in `manifests`."""
    verdicts = document_verdicts(ledger)
    if not manifests:
        return verdicts
    for claim_id, found in contradictions_in_manifests(list(ledger), manifests).items():
        if verdicts.get(claim_id) is None or verdicts[claim_id].outcome != Outcome.DISPROVEN:
            verdicts[claim_id] = found
    return verdicts


def findings_for_target(ledger: Ledger, target: Target, *, skip: bool = False) -> dict[str, Verdict]:
    """The declared findings of a run on `target`: the documents', and its own `manifests` (if any)."""
    if skip:
        return {}
    from checks.collect.manifests import collect_manifests
    from checks.ledger import project_root

    manifests = collect_manifests(project_root() / target.manifests) if target.manifests else ()
    return declared_verdicts_for_ledger(ledger, manifests)


def document_verdicts(ledger: Ledger) -> dict[str, Verdict]:
    """Per claim id (waivers excluded), the documents judged against themselves, cached by the claims' and
    the documents' content (checks/cache.py): an edited claim or document is judged again."""
    from checks import cache
    from checks.project import document_paths

    claims = b"".join(c.model_dump_json().encode() + b"\n" for c in ledger)
    documents = cache.files_digest(document_paths(ledger.documents_dir))
    name = cache.key_of("declared", claims, documents)
    return cache.cached(name, lambda: _judge_documents(ledger))


def _judge_documents(ledger: Ledger) -> dict[str, Verdict]:
    from checks.collect.documents import collect_document_blocks
    from checks.evaluate.declared.engine import verdicts_for_ledger

    return verdicts_for_ledger(ledger, collect_document_blocks(ledger.documents_dir))


def contradictions_in_manifests(claims: list[Claim], manifests: Sequence[ConfigBlock]) -> dict[str, Verdict]:
    """Claims the target's own manifests contradict, judged as configured evidence.

    A claim's link to a block of its document (`params.config_block`) is dropped, so the analyzers judge it
    against the target's objects of the same kind instead.
    """
    from checks.evaluate.declared.engine import declared_verdicts

    unlinked = [
        c.model_copy(update={"params": c.params.model_copy(update={"config_block": None})})
        for c in claims
        if not c.is_waived
    ]
    names = {b.file for b in manifests}
    found: dict[str, Verdict] = {}
    for claim_id, verdicts in declared_verdicts(unlinked, manifests).items():
        against = [
            v
            for v in verdicts
            if v.outcome == Outcome.DISPROVEN and any(c.split(":")[0] in names for c in v.cites)
        ]
        if against:
            found[claim_id] = replace(
                against[0],
                level=EvidenceLevel.CONFIGURED,
                reason=f"the target's manifests: {against[0].reason}",
            )
    return found
