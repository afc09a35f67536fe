"""Claims about components the target does not expose to claimcheck.

They are technical claims, so they are never waived; without a binding in targets.yaml that supplies evidence
for them, the verdict is NOT_APPLICABLE on this target and says what would be needed.
"""

from __future__ import annotations

from checks.bindings import ExternalBinding
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, inconclusive, not_applicable


def external_component(claim: Claim, binding: ExternalBinding | None) -> Verdict:
    """NOT_APPLICABLE without a binding; with one, INCONCLUSIVE until a collector for it exists."""
    component = claim.scope.component or claim.metric
    if binding is None:
        return not_applicable(
            claim.id,
            f"target exposes no '{component}' to claimcheck; bind it in targets.yaml "
            f"(bindings.{claim.id}) to a system that can be measured",
            bound=claim.bound_text(),
        )
    keys = sorted(binding.model_dump(exclude_none=True))
    why = f"binding for '{component}' given ({keys}) but claimcheck has no collector for it yet"
    return inconclusive(claim.id, EvidenceLevel.NONE, why, bound=claim.bound_text())
