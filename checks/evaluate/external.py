"""Claims about components the target does not expose to claimcheck.

They are technical claims, so they are never waived; without a binding in targets.yaml that supplies evidence
for them, the verdict is NOT_APPLICABLE on this target and says what would be needed.
"""

from __future__ import annotations

from typing import Any

from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome, Verdict


def external_component(claim: Claim, binding: dict[str, Any] | None) -> Verdict:
    """NOT_APPLICABLE without a binding; with one, INCONCLUSIVE until a collector for it exists."""
    component = claim.scope.component or claim.metric
    if binding is None:
        return Verdict(
            claim.id,
            Outcome.NOT_APPLICABLE,
            EvidenceLevel.NONE,
            f"target exposes no '{component}' to claimcheck; bind it in targets.yaml "
            f"(bindings.{claim.id}) to a system that can be measured",
            bound=claim.bound_text(),
        )
    return Verdict(
        claim.id,
        Outcome.INCONCLUSIVE,
        EvidenceLevel.NONE,
        f"binding for '{component}' given ({sorted(binding)}) but claimcheck has no collector for it yet",
        bound=claim.bound_text(),
    )
