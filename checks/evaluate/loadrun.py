"""What a load run can stand for before its numbers are read: the governor, the preflight and refusals.

Every load claim (latency, throughput, concurrent users) passes through `load_run_unfit` first, so the
governor's INCONCLUSIVE, a route that does not answer as the check expects (ERROR), and a refused identity
(ERROR naming the identity and the endpoint) are decided in one place. Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter

from checks.evaluate.observed import rps
from checks.evidence import http as shapes
from checks.evidence.http import ProbeSeries
from checks.evidence.load import LatencySamples, LoadRun
from checks.sufficiency import SufficiencyPolicy
from checks.verdicts import EvidenceLevel, Verdict, error, inconclusive

REFUSED = (401, 403)
BAD_SHAPES = (shapes.EMPTY, shapes.EMPTY_JSON, shapes.NOT_JSON, shapes.NO_ANSWER)


def unexpected(status: int, shape: str, expects_json: bool) -> str | None:
    """Why one answer is not what a check expects (a 2xx with a body of the right kind), or None."""
    if not 200 <= status < 300:
        return f"status {status}" if status else "no answer"
    if shape in BAD_SHAPES and status != 204:
        return shape
    if expects_json and shape == shapes.HTML:
        return "an HTML page where JSON was expected"
    return None


def refused_by(statuses: Counter[int], identity: str | None, url: str) -> str | None:
    """'identity acme was refused at URL (401 x3)' when any answer was a 401/403."""
    counts = {s: c for s, c in statuses.items() if s in REFUSED}
    if not counts:
        return None
    who = f"the test identity {identity}" if identity else "the request (no identity)"
    seen = ", ".join(f"{s} x{c}" for s, c in sorted(counts.items()))
    return f"{who} was refused at {url} ({seen}): check its credentials before judging"


def preflight_failure(series: ProbeSeries, policy: SufficiencyPolicy) -> str | None:
    """Why an idle preflight shows the route cannot be measured (refused, or answers that do not parse as
    expected beyond the policy's error ratio), or None when it answers as expected."""
    if refused := refused_by(Counter(series.statuses), series.origin.identity, series.url):
        return refused
    shapes_of = series.shapes or ("",) * series.n
    why = [unexpected(s, k, series.expects_json) for s, k in zip(series.statuses, shapes_of, strict=True)]
    bad = Counter(w for w in why if w is not None)
    if sum(bad.values()) <= policy.max_error_ratio * series.n:
        return None
    wanted = "a non-empty JSON answer" if series.expects_json else "a 2xx answer with a body"
    listed = ", ".join(f"{w} x{c}" for w, c in bad.most_common())
    return (
        f"{series.method} {series.url} does not answer as this check expects ({wanted}) at idle: "
        f"{sum(bad.values())} of {series.n} answers were not ({listed}); no load was sent"
    )


def load_run_unfit(run: LoadRun, claim_id: str, policy: SufficiencyPolicy) -> Verdict | None:
    """The verdict a load run gets before its samples are read, or None when they may be read."""
    if run.over_governor:
        return inconclusive(
            claim_id,
            EvidenceLevel.OBSERVED,
            f"the claim's load needs {rps(run.offered_rps)} but this target's governor allows "
            f"{run.max_rps:g} req/s (targets.yaml max_rps); not measured",
            provenance=run.origin.provenance,
        )
    if run.preflight is not None and (failed := preflight_failure(run.preflight, policy)):
        return error(claim_id, failed, evidence={"preflight": preflight_evidence(run.preflight)})
    if run.samples is None:
        return error(claim_id, f"no load run was made for this claim at {run.url}")
    if refused := refused_by(Counter(run.samples.status_counts), run.origin.identity, run.samples.url):
        return error(claim_id, refused, evidence=run_evidence(run.samples))
    if not run.samples.complete:
        lost = ", ".join(run.samples.lost_workers)
        why = (
            f"not judged: load worker(s) lost mid-run ({lost}); {run.samples.not_sent_share:.1%} of the "
            f"scheduled load was not sent and {run.samples.lost_share:.1%} has no evidence"
        )
        return inconclusive(claim_id, EvidenceLevel.OBSERVED, why, evidence=run_evidence(run.samples))
    return None


def preflight_evidence(series: ProbeSeries) -> dict[str, object]:
    """What the preflight saw, for the verdict's evidence."""
    return {
        "url": series.url,
        "method": series.method,
        "expects_json": series.expects_json,
        "statuses": dict(Counter(series.statuses)),
        "shapes": dict(Counter(series.shapes)),
        "errors": list(series.errors[:5]),
    }


def run_evidence(samples: LatencySamples) -> dict[str, object]:
    """The facts about a run every load verdict carries."""
    return {
        "requested_rate_rps": samples.requested_rate,
        "achieved_rate_rps": round(samples.achieved_rate, 2),
        "scheduled": samples.scheduled,
        "errors": samples.errors,
        "error_ratio": round(samples.error_ratio, 5),
        "status_counts": dict(samples.status_counts),
        "generator_lateness_us": dict(samples.lateness_us),
        "workers": samples.workers,
        "lost_workers": list(samples.lost_workers),
        "not_sent_share": round(samples.not_sent_share, 5),
        "raw_log": samples.log_path,
        **({"more_raw_logs": list(samples.more_logs)} if samples.more_logs else {}),
        "url": samples.url,
    }
