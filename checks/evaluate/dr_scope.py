"""Which DR claims a drill on this target can judge at all: the rest are NOT_APPLICABLE with the reason.

Pure: claim + what the target lets drills exercise -> a reason or None.
"""

from __future__ import annotations

from checks.evidence.drills import DrillCapabilities
from checks.ledger import Claim
from checks.params import FailoverParams

# What each drill measures; a claim of the same check about anything else (a probe configuration, a count of
# backup sites, a rollout strategy) is not something breaking the target can show.
DRILLED_METRICS: dict[str, tuple[str, ...]] = {
    "dr.failover": (
        "rto",
        "recovery_time",
        "failover_time",
        "services_recovered_within_sla",
        "failover_automation",
    ),
    "dr.rpo": ("rpo",),
    "dr.backup_restore": ("restore_time", "rto", "rpo", "backup_frequency", "point_in_time_recovery"),
    "dr.redis_failover": ("failover_time",),
    "dr.rollout": ("downtime", "error_rate"),
}
ROLLOUT_GAPS = {
    "rollback_time": "target has no deployment pipeline with revisions and rollback",
    "canary_steps": "target has no canary traffic shifting",
    "failover_time": "the drill restarts instances one at a time; the whole backend down is not drilled",
}


def not_applicable_reason(claim: Claim, caps: DrillCapabilities) -> str | None:
    """Why no drill on this target can judge the claim (a component or mechanism it lacks), or None."""
    scope = " ".join(filter(None, [claim.scope.component, claim.scope.condition])).lower()
    if claim.check == "dr.rollout" and claim.metric in ROLLOUT_GAPS:
        return ROLLOUT_GAPS[claim.metric]
    if claim.metric not in DRILLED_METRICS.get(claim.check, ()):
        return f"no drill measures {claim.metric!r}: breaking the target cannot show it"
    if claim.check in ("dr.failover", "dr.rpo"):
        return _failover_gap(claim, scope, caps)
    if claim.check == "dr.redis_failover" and not caps.redis:
        return _missing("target has no Redis primary/replica with sentinel to drill", caps)
    if claim.check == "dr.backup_restore" and not caps.backup:
        return _missing("target has no PostgreSQL the backup drill can dump and restore", caps)
    if claim.check == "dr.rollout" and not caps.rollout:
        return _missing("target describes no app instances behind a gateway to restart", caps)
    return None


def _missing(reason: str, caps: DrillCapabilities) -> str:
    """A part the drills binding does not describe, with the binding's note on why (a file not written)."""
    return f"{reason} ({caps.note})" if caps.note else reason


def _failover_gap(claim: Claim, scope: str, caps: DrillCapabilities) -> str | None:
    if "route53" in scope or "dns" in scope:
        return "target has no DNS-based failover (component route53) to drill"
    if ("cross-region" in scope or claim.params_as(FailoverParams).target_region) and caps.regions < 2:
        return "target is a single region: there is no cross-region failover to drill"
    if "migration" in scope:
        return "target has no data migration in progress to observe"
    if not caps.postgres:
        return _missing("target has no PostgreSQL primary/replica the failover drill can act on", caps)
    if (claim.metric == "failover_automation" or "automat" in scope) and caps.promotion != "automatic":
        return (
            "target has no failover automation: the drill promotes the replica itself, so automatic "
            "recovery cannot be observed here"
        )
    return None
