"""What every isolation, compliance, security, inventory and monitoring verdict carries beside its outcome:
the provenance of the evidence it rests on (with the reason, when the target declares that source set up by
claimcheck from the documents), and the interval and n of the sufficiency decision behind it. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from checks.evidence.origin import Origin
from checks.sufficiency import Decision, SufficiencyPolicy
from checks.verdicts import EvidenceLevel, Provenance, Verdict, decided


def attributed(verdict: Verdict, origin: Origin) -> Verdict:
    """`verdict` with the provenance of its evidence. A constructed source's reason goes into
    `evidence["constructed"]`, which the judgement turns into NOT_APPLICABLE "sandbox fidelity". A verdict
    that measured nothing (ERROR, NOT_APPLICABLE: provenance none) is returned as it is."""
    if verdict.provenance is Provenance.NONE:
        return verdict
    evidence = dict(verdict.evidence)
    if origin.source:
        evidence["source"] = origin.source
    if origin.constructed:
        evidence["constructed"] = origin.constructed
    return verdict.with_(provenance=origin.provenance, evidence=evidence)


def from_decision(claim_id: str, decision: Decision, level: EvidenceLevel, reason: str, **kw: Any) -> Verdict:
    """A verdict with the decision's outcome, interval and sample size (over any given in `kw`)."""
    kw = {**kw, "interval": decision.interval, "n": decision.n}
    return decided(claim_id, decision.outcome, level, reason, **kw)


def policy_note(policy: SufficiencyPolicy) -> str:
    """'policy: 95% confidence, n >= 30', for reasons."""
    return f"policy: {policy.describe()}"


def listed(items: Iterable[str], limit: int = 6) -> str:
    """'a; b; c (+4 more)': the first `limit` items of a finding list, for a reason."""
    items = list(items)
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more
