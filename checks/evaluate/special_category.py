"""Special-category data flow: the synthetic record's canary must appear in no cache, log or metric label.

The verdict names every place the canary was found and every place searched. A response carrying the record
that a cache may store (no `no-store`), or that was served from one (Age, X-Cache: HIT), is a finding too.
"""

from __future__ import annotations

from checks.collect.canary import CanaryTrail, PlaceSearch
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, proven


def http_cache_place(trail: CanaryTrail) -> PlaceSearch:
    """The HTTP responses that carried the record, judged by their cache headers."""
    found = []
    for n, headers in enumerate(trail.cache_headers, 1):
        directives = {d.strip().split("=")[0].lower() for d in headers.get("cache-control", "").split(",")}
        if "no-store" not in directives:
            found.append(f"read {n}: cacheable (Cache-Control: {headers.get('cache-control', 'absent')!r})")
        if "age" in headers:
            found.append(f"read {n}: served from a cache (Age: {headers['age']})")
        if headers.get("x-cache", "").upper().startswith("HIT"):
            found.append(f"read {n}: X-Cache {headers['x-cache']}")
    note = "; ".join(
        f"read {n}: " + ", ".join(f"{k}: {v}" for k, v in h.items())
        for n, h in enumerate(trail.cache_headers, 1)
    )
    return PlaceSearch("http-cache", "responses of the record", bool(trail.cache_headers), tuple(found), note)


def _describe(place: PlaceSearch) -> str:
    return f"{place.kind} {place.name}" + (f" ({place.note})" if place.note else "")


def special_category_contained(trail: CanaryTrail, claim: Claim) -> Verdict:
    """PROVEN when the record was written and read back, and its canary is in none of the places searched (all
    of which were searched fully); DISPROVEN naming each place it was found; INCONCLUSIVE naming the places
    that could not be searched."""
    places = (http_cache_place(trail), *trail.places)
    evidence = {
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
    kw = {
        "bound": claim.bound_text() or "special-category data not cached, logged or labelled",
        "evidence": evidence,
    }
    if trail.record_id is None or not trail.read_contains_canary:
        return error(
            claim.id,
            f"the canary record could not be written and read back (write {trail.write_status}, "
            f"reads {list(trail.read_statuses)}): a canary found nowhere would prove nothing",
            **kw,
        )
    found = [f"{p.kind} {p.name}: {', '.join(p.found[:3])}" for p in places if p.found]
    searched = [_describe(p) for p in places if p.searched]
    if found:
        return disproven(
            claim.id,
            EvidenceLevel.OBSERVED,
            f"canary {trail.canary} found in {len(found)} place(s): "
            f"{'; '.join(found)}. Searched: {len(searched)} places",
            measured=len(found),
            **kw,
        )
    unsearched = [_describe(p) for p in places if not p.searched]
    if unsearched:
        return inconclusive(
            claim.id,
            EvidenceLevel.OBSERVED,
            f"canary {trail.canary} not found in {len(searched)} "
            f"places searched, but these could not be searched fully: {'; '.join(unsearched)}; "
            "bind or expose them to judge",
            measured=0,
            **kw,
        )
    kinds = sorted({p.kind for p in places})
    return proven(
        claim.id,
        EvidenceLevel.OBSERVED,
        f"canary {trail.canary} written as {trail.tenant} and read back, "
        f"then found in none of {len(places)} places searched ({', '.join(kinds)}); "
        f"every response carried Cache-Control no-store. Cleanup: {trail.cleanup}",
        measured=0,
        **kw,
    )
