"""Special-category data flow: the synthetic record's canary must appear in no cache, log or metric label.

The verdict names every place the canary was found and every place searched. A response carrying the record
that a cache may store (no `no-store`), or that was served from one (Age, X-Cache: HIT), is a finding too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checks.evaluate.sourced import attributed
from checks.evidence.compliance import CanaryTrail, PlaceSearch
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, proven

OBSERVED = EvidenceLevel.OBSERVED


def _read_findings(n: int, headers: dict[str, str]) -> list[str]:
    directives = {d.strip().split("=")[0].lower() for d in headers.get("cache-control", "").split(",")}
    found = []
    if "no-store" not in directives:
        found.append(f"read {n}: cacheable (Cache-Control: {headers.get('cache-control', 'absent')!r})")
    if "age" in headers:
        found.append(f"read {n}: served from a cache (Age: {headers['age']})")
    if headers.get("x-cache", "").upper().startswith("HIT"):
        found.append(f"read {n}: X-Cache {headers['x-cache']}")
    return found


def http_cache_place(trail: CanaryTrail) -> PlaceSearch:
    """The HTTP responses that carried the record, judged by their cache headers."""
    found = [f for n, headers in enumerate(trail.cache_headers, 1) for f in _read_findings(n, headers)]
    note = "; ".join(
        f"read {n}: " + ", ".join(f"{k}: {v}" for k, v in h.items())
        for n, h in enumerate(trail.cache_headers, 1)
    )
    return PlaceSearch("http-cache", "responses of the record", bool(trail.cache_headers), tuple(found), note)


def _evidence(trail: CanaryTrail, places: Sequence[PlaceSearch]) -> dict[str, Any]:
    return {
        "canary": trail.canary,
        "tenant": trail.tenant,
        "record_id": trail.record_id,
        "write_status": trail.write_status,
        "read_statuses": list(trail.read_statuses),
        "cleanup": trail.cleanup,
        "places": [
            {"kind": p.kind, "name": p.name, "searched": p.searched, "found": list(p.found), "note": p.note}
            for p in places
        ],
    }


def _judged(trail: CanaryTrail, places: Sequence[PlaceSearch], claim: Claim, kw: dict[str, Any]) -> Verdict:
    if trail.record_id is None or not trail.read_contains_canary:
        why = (
            f"the canary record could not be written and read back (write {trail.write_status}, reads "
            f"{list(trail.read_statuses)}): a canary found nowhere would prove nothing"
        )
        return error(claim.id, why, **kw)
    searched = [p.described for p in places if p.searched]
    if found := [f"{p.kind} {p.name}: {', '.join(p.found[:3])}" for p in places if p.found]:
        why = f"canary {trail.canary} found in {len(found)} place(s): {'; '.join(found)}. "
        why += f"Searched: {len(searched)} places"
        return disproven(claim.id, OBSERVED, why, measured=len(found), **kw)
    if unsearched := [p.described for p in places if not p.searched]:
        why = (
            f"canary {trail.canary} not found in {len(searched)} places searched, but these could not be "
            f"searched fully: {'; '.join(unsearched)}; bind or expose them to judge"
        )
        return inconclusive(claim.id, OBSERVED, why, measured=0, **kw)
    why = (
        f"canary {trail.canary} written as {trail.tenant} and read back, then found in none of {len(places)} "
        f"places searched ({', '.join(sorted({p.kind for p in places}))}); every response carried "
        f"Cache-Control no-store. Cleanup: {trail.cleanup}"
    )
    return proven(claim.id, OBSERVED, why, measured=0, **kw)


def special_category_contained(trail: CanaryTrail, claim: Claim) -> Verdict:
    """PROVEN when the record was written and read back, and its canary is in none of the places searched (all
    of which were searched fully); DISPROVEN naming each place it was found; INCONCLUSIVE naming the places
    that could not be searched."""
    places = (http_cache_place(trail), *trail.places)
    kw: dict[str, Any] = {
        "bound": claim.bound_text() or "special-category data not cached, logged or labelled",
        "evidence": _evidence(trail, places),
        "n": len(places),
    }
    return attributed(_judged(trail, places, claim, kw), trail.origin)
