"""Concurrency, throughput and latency stated for one test must satisfy the response-time law.

For a closed-loop test (N clients, each sending its next request when the previous one returns, after a think
time Z), the interactive response-time law gives the mean response time R = N / X - Z at throughput X
(Little's law applied to the whole loop). Load tools such as redis-benchmark and pgbench (without a rate
limit) have Z = 0, so N and X fix R: 1,000 clients at 150,000 ops/s wait 6.67 ms on average, whatever the
server. With Z unknown, N / X is only an upper bound on R.
- A latency claim (mean, or a bound for every request) whose bound or stated value the law breaks, with Z
  known: DISPROVEN; the mean is what the law gives, and a maximum is at least the mean.
- Otherwise the implied mean is reported (INCONCLUSIVE), e.g. on a throughput claim with its user count.

Params read:
| param | on | meaning |
| --- | --- | --- |
| `concurrency` | latency or throughput claim | clients (requests in flight); else `scope.load_users` |
| `throughput` | latency claim | the test's throughput (a throughput claim uses its own stated value) |
| `throughput_unit` | latency claim | unit of `throughput` (rps, requests/min, ops/s, transactions/s...) |
| `think_time_s` | either | seconds each client waits between requests (0 for redis-benchmark, pgbench) |
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checks.evaluate.declared.common import DURATION_S, finding, fmt, number, per_second
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "queueing"
PER_TIME = {"s": 1.0, "sec": 1.0, "second": 1.0, "min": 60.0, "minute": 60.0, "h": 3600.0, "hour": 3600.0}


def rate_per_second(value: float, unit: str | None) -> float | None:
    """A rate in events per second from any `<things>/<s|min|h>` unit or the common rate units."""
    known = per_second(value, unit)
    if known is not None:
        return known
    _, _, per = (unit or "").partition("/")
    return value / PER_TIME[per] if per in PER_TIME else None


def analyze(claims: Sequence[Claim]) -> list[Verdict]:
    """Latency and throughput claims of a test whose concurrency and throughput the document states."""
    out = []
    for claim in claims:
        if claim.is_waived:
            continue
        verdict = _latency(claim) if claim.unit in DURATION_S else _throughput(claim)
        if verdict is not None:
            out.append(verdict)
    return out


def _concurrency(claim: Claim) -> float | None:
    return number(claim.params.get("concurrency")) or (
        float(claim.scope.load_users) if claim.scope.load_users else None
    )


def _latency(claim: Claim) -> Verdict | None:
    clients = _concurrency(claim)
    raw = number(claim.params.get("throughput"))
    rate = rate_per_second(raw, claim.params.get("throughput_unit")) if raw is not None else None
    if not clients or not rate:
        return None
    think = number(claim.params.get("think_time_s"))
    mean_s = clients / rate - (think or 0.0)
    scale = DURATION_S[str(claim.unit)]
    bound = number(claim.bound) if claim.comparator in ("<", "<=") else None
    stated = number(claim.stated_value)
    why = (
        f"{fmt(clients)} clients at {fmt(rate)} requests/s give a mean response time of "
        f"{fmt(clients)} / {fmt(rate)}"
        + (f" - {fmt(think)} s think time" if think else "")
        + f" = {fmt(mean_s * 1000)} ms (response-time law)"
    )
    inputs: dict[str, Any] = {
        "concurrency": clients,
        "throughput_per_s": rate,
        "think_time_s": think,
        "mean_s": mean_s,
    }
    broken = []
    if bound is not None and (mean_s >= bound * scale if claim.comparator == "<" else mean_s > bound * scale):
        broken.append(f"the bound {claim.bound_text()}")
    if stated is not None and mean_s > stated * scale * (1 + 1e-9):
        broken.append(f"the stated {fmt(stated)} {claim.unit}")
    per_request = claim.scope.statistic in (None, "mean", "max")
    if broken and think is not None and per_request:
        return finding(
            claim,
            Outcome.DISPROVEN,
            NAME,
            f"{why}; {' and '.join(broken)} cannot hold",
            measured=mean_s,
            **inputs,
        )
    tail = (
        f"; {' and '.join(broken)} holds only with a think time the document does not state"
        if broken and think is None
        else "; consistent with the claim"
        if not broken
        else f"; the claim's {claim.scope.statistic} is not the mean"
    )
    return finding(claim, Outcome.INCONCLUSIVE, NAME, why + tail, measured=mean_s, **inputs)


def _throughput(claim: Claim) -> Verdict | None:
    clients = _concurrency(claim)
    stated = number(claim.stated_value)
    rate = rate_per_second(stated, claim.unit) if stated is not None else None
    if not clients or not rate or claim.params.get("throughput") is not None:
        return None
    think = number(claim.params.get("think_time_s"))
    mean_s = clients / rate - (think or 0.0)
    why = (
        f"{fmt(clients)} concurrent users at {fmt(rate)} requests/s imply a mean of "
        f"{fmt(mean_s * 1000)} ms per request"
        + ("" if think is not None else " at most (less any think time)")
        + " (response-time law); needs observation"
    )
    return finding(
        claim, Outcome.INCONCLUSIVE, NAME, why, measured=mean_s, concurrency=clients, throughput_per_s=rate
    )
