"""Declared evidence: every analyzer over the ledger and the declared configuration, one verdict per claim.

python -m checks.evaluate.declared.engine      # verdict counts and elapsed time over the five documents

Two rules hold for every analyzer's findings:
- declared evidence PROVES only claims about the document itself (`check: declared.document`: a stated
  total, a restated value); for any other claim agreement is kept as an INCONCLUSIVE finding;
- a contradiction may rest only on the claim's own document: a DISPROVEN finding whose evidence lies in
  another document of the same system (another sprint day) is a conflict, INCONCLUSIVE with both sides
  cited, unless the claim's params say that document's configuration applies.

Params read by the engine:
| param | meaning |
| --- | --- |
| `config_document` | a document (or list) whose configuration the claim's own document says applies |
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence

from checks.collect.documents import ConfigBlock
from checks.evaluate.declared import (
    alerting,
    arithmetic,
    autoscaling,
    budget,
    consistency,
    method,
    netneeds,
    netpol,
    physics,
    promql,
    queueing,
    ratelimit,
    residency,
    thresholds,
    waf,
)
from checks.evaluate.declared.common import DECLARED, DeclaredConfig, confined, document_systems
from checks.ledger import Claim, Ledger
from checks.verdicts import Outcome, Verdict

OPEN = "no contradiction in declared evidence; needs configured/observed evidence"


def declared_verdicts(
    ledger: Ledger | Iterable[Claim], blocks: Sequence[ConfigBlock], geo: physics.Geo | None = None
) -> dict[str, list[Verdict]]:
    """Per claim id, the findings of every analyzer (claims without findings are absent)."""
    claims = list(ledger)
    config = DeclaredConfig(tuple(blocks), document_systems(claims))
    places = geo or physics.load_geo()
    found: list[Verdict] = [
        *arithmetic.analyze(claims),
        *consistency.analyze(claims),
        *budget.analyze(claims),
        *thresholds.analyze(claims),
        *queueing.analyze(claims),
        *autoscaling.analyze(claims, config),
        *alerting.analyze(claims, config),
        *promql.analyze(claims, config),
        *netpol.analyze(claims, config),
        *netneeds.analyze(claims, config),
        *ratelimit.analyze(claims, config),
        *waf.analyze(claims, config),
        *physics.analyze(claims, places),
        *residency.analyze(claims),
        *method.analyze(claims, config),
    ]
    by_id = {c.id: c for c in claims}
    documents = set(config.systems)  # the ledger's documents; a target's manifests are not one of them
    out: dict[str, list[Verdict]] = {}
    for verdict in found:
        out.setdefault(verdict.claim_id, []).append(confined(by_id[verdict.claim_id], verdict, documents))
    return out


def declared_verdict_for(claim: Claim, findings: Sequence[Verdict]) -> Verdict:
    """One declared-level verdict from a claim's findings.

    DISPROVEN if any finding disproves (the first, others noted); PROVEN only for `declared.document` claims
    whose arithmetic holds; otherwise INCONCLUSIVE, carrying what the findings said.
    """
    cites = tuple(dict.fromkeys(c for f in findings for c in f.cites)) or claim.cites
    evidence = {
        "findings": [
            {
                "analyzer": f.evidence.get("analyzer"),
                "outcome": f.outcome.value,
                "reason": f.reason,
                "evidence": f.evidence,
            }
            for f in findings
        ]
    }
    against = [f for f in findings if f.outcome == Outcome.DISPROVEN]
    if against:
        first = against[0]
        more = f" (+{len(against) - 1} more contradiction(s))" if len(against) > 1 else ""
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            DECLARED,
            first.reason + more,
            first.measured,
            first.bound,
            evidence,
            cites,
        )
    holding = [f for f in findings if f.outcome == Outcome.PROVEN]
    if claim.check == "declared.document" and holding:
        return Verdict(
            claim.id,
            Outcome.PROVEN,
            DECLARED,
            "; ".join(f.reason for f in holding),
            holding[0].measured,
            holding[0].bound,
            evidence,
            cites,
        )
    said = "; ".join(f.reason for f in findings)
    return Verdict(
        claim.id,
        Outcome.INCONCLUSIVE,
        DECLARED,
        OPEN + (f" ({said})" if said else ""),
        bound=claim.bound_text(),
        evidence=evidence,
        cites=cites,
    )


def verdicts_for_ledger(
    ledger: Ledger | Iterable[Claim], blocks: Sequence[ConfigBlock]
) -> dict[str, Verdict]:
    """The declared-level verdict of every claim that is not waived."""
    claims = list(ledger)
    findings = declared_verdicts(claims, blocks)
    return {c.id: declared_verdict_for(c, findings.get(c.id, [])) for c in claims if not c.is_waived}


def main() -> int:
    """Run the engine over the project's ledger and documents; print counts and time."""
    from checks.collect.documents import collect_document_blocks
    from checks.ledger import default_ledger

    started = time.perf_counter()
    ledger = default_ledger()
    blocks = collect_document_blocks(ledger.documents_dir)
    loaded = time.perf_counter()
    verdicts = verdicts_for_ledger(ledger, blocks)
    done = time.perf_counter()
    counts = Counter(v.outcome.value for v in verdicts.values())
    analyzers = Counter(f["analyzer"] for v in verdicts.values() for f in v.evidence["findings"])
    print(
        f"{len(ledger)} claims, {len(blocks)} blocks; verdicts: "
        + ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
    )
    print("findings per analyzer: " + ", ".join(f"{k} {n}" for k, n in sorted(analyzers.items())))
    print(f"load {loaded - started:.3f} s, evaluate {done - loaded:.3f} s")
    for verdict in sorted(verdicts.values(), key=lambda v: v.claim_id):
        if verdict.outcome in (Outcome.DISPROVEN, Outcome.PROVEN) or "-v" in sys.argv:
            print(f"  {verdict.outcome.value:<12} {verdict.claim_id}: {verdict.reason[:220]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
