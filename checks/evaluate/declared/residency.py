"""Data residency: where a system declares it stores data, against its residency/localization claims.

Storage regions are read from the same system's claims about databases, replicas, shards, backups and caches
(region bounds, scope.region(s), params values, and region ids quoted in their sources), and mapped to a
country through checks/data/geo.yaml (availability zones such as SA-East-1A map to their region).
A residency claim names its jurisdiction (params.jurisdiction, e.g. "AR"; else "Argentina"/"PDPA" in its
words). Declared storage outside that jurisdiction is definite: data placed in us-east-1 has left Argentina
whatever else exists, so a "data localization enforced" claim is DISPROVEN with both sides cited. Claims that
only speak of authorized cross-border transfers are given the facts as INCONCLUSIVE.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from checks.evaluate.declared.common import finding, text_of
from checks.evaluate.declared.physics import Geo
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "residency"
REGION_ID = re.compile(r"\b([a-z]{2}-[a-z]+-\d[a-z]?)\b", re.IGNORECASE)
STORAGE_WORDS = ("database", "db", "replica", "shard", "backup", "storage", "redis", "cache", "s3")
LOCALIZATION_WORDS = ("locali", "sovereignty", "residency", "geographic restriction")
TRANSFER_WORDS = ("cross-border", "transfer")
JURISDICTION_WORDS = {"argentin": "AR", "pdpa": "AR", "brazil": "BR", "lgpd": "BR"}


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def storage_regions(claim: Claim, geo: Geo) -> dict[str, str]:
    """Region id -> country, for the regions a storage claim places data in."""
    words = f"{claim.metric} {claim.scope.component or ''} {claim.statement}".lower()
    if not any(w in words for w in STORAGE_WORDS):
        return {}
    texts = [
        *_strings(claim.bound),
        *_strings(claim.params.model_dump()),
        claim.scope.region or "",
        *(claim.scope.regions or ()),
        *(s.quote for s in claim.sources),
    ]
    found: dict[str, str] = {}
    for text in texts:
        for match in REGION_ID.findall(text):
            place = geo.find(match)
            if place is not None:
                found[place.name] = place.country
    return found


def jurisdiction(claim: Claim) -> str | None:
    """The country a residency claim keeps data in."""
    declared = claim.params.get("jurisdiction")
    if declared:
        return str(declared).upper()
    words = text_of(claim)
    return next((code for word, code in JURISDICTION_WORDS.items() if word in words), None)


def analyze(claims: Sequence[Claim], geo: Geo) -> list[Verdict]:
    """Residency claims against the storage regions the same system declares."""
    out = []
    for claim in claims:
        words = text_of(claim)
        localization = any(w in words for w in LOCALIZATION_WORDS)
        transfers = any(w in words for w in TRANSFER_WORDS)
        country = jurisdiction(claim)
        if claim.is_waived or country is None or not (localization or transfers):
            continue
        placed = [
            (c, storage_regions(c, geo)) for c in claims if c.system == claim.system and c.id != claim.id
        ]
        outside = [(c, {r: k for r, k in regions.items() if k != country}) for c, regions in placed]
        outside = [(c, regions) for c, regions in outside if regions]
        if outside:
            out.append(judge(claim, country, outside, definite=localization))
    return out


def judge(
    claim: Claim, country: str, outside: Sequence[tuple[Claim, dict[str, str]]], definite: bool
) -> Verdict:
    """One residency claim against storage placed outside its jurisdiction."""
    shown = "; ".join(
        f"{c.id} places data in {', '.join(f'{r} ({k})' for r, k in regions.items())} ({', '.join(c.cites)})"
        for c, regions in outside
    )
    cites = [cite for c, _ in outside for cite in c.cites]
    regions = sorted({r for _, rs in outside for r in rs})
    if definite:
        why = f"data is declared stored outside {country}: {shown}; localization in {country} cannot hold"
        return finding(
            claim, Outcome.DISPROVEN, NAME, why, other=cites, jurisdiction=country, regions=regions
        )
    why = (
        f"data is declared stored outside {country}: {shown}; whether those transfers are authorized and "
        f"monitored needs the transfer records"
    )
    return finding(claim, Outcome.INCONCLUSIVE, NAME, why, other=cites, jurisdiction=country, regions=regions)
