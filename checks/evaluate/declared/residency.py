"""Data residency: where a system declares it stores data, against its residency and transfer claims.

A residency claim is one whose metric is `data_residency` (data stays in a jurisdiction: definite) or
`cross_border_transfers` (only authorized transfers leave it: the facts are given, as INCONCLUSIVE, since
authorization lives in contracts). Its jurisdiction is read from the claim's params and scope, never from the
words of its quotes:
- `params.jurisdiction`: a country code ("AR"), a union ("EU", "EEA"), a law ("GDPR", "PDPA Argentina"), or
  "regional" (each region's data stays in that region's own jurisdiction);
- else `scope.region`: the jurisdiction of that region (eu-west-1 is Ireland, inside the EU and the EEA);
- else `scope.regions`: regional residency across those regions.
Storage is read from the same system's claims about stores (metric or scope.component naming a database,
replica, shard, backup, storage, cache or session store, or `params.stores_data: true`): the regions in their
bound, params and scope, mapped to a country through checks/data/jurisdictions.yaml (AWS, Google Cloud and
Azure regions and their zones). A store spread over several regions is one data set copied between them when
it is a replica, a replication, a backup or `params.replicated: true`; a sharded placement keeps each part in
one region.
- Country or union: storage declared outside it breaks a `data_residency` claim (DISPROVEN, both sides cited).
- Regional: a data set copied between regions of different jurisdictions breaks it: the data one region holds
  is stored under another's law.
Only the claim's own document decides; stores declared by another document of the system are listed as a
conflict (INCONCLUSIVE).

Params read:
| param | on | meaning |
| --- | --- | --- |
| `jurisdiction` | residency claim | country code, EU/EEA, a law name, or `regional` |
| `stores_data` | any claim | the claim places stored data (when its metric/component does not say so) |
| `replicated` | storage claim | its regions hold copies of one data set |
| `regions` (or any param, bound or scope value naming regions) | storage claim | where it stores data |
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from checks.evaluate.declared.common import finding, own_documents, source_files, stated_at
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "residency"
DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "jurisdictions.yaml"
STORAGE_WORDS = (
    "database",
    "db_",
    "replica",
    "replication",
    "shard",
    "backup",
    "storage",
    "redis",
    "cache",
    "session",
    "s3",
    "bucket",
)
COPY_WORDS = ("replica", "replication", "backup")
TOKEN = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]")
AWS_ZONE = re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d)[a-z]$")
GCP_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")
REGIONAL = "REGIONAL"
METRICS = {"data_residency": True, "cross_border_transfers": False}  # metric -> data must stay
IGNORED_PARAMS = ("config_block", "config_document", "jurisdiction")


@dataclass(frozen=True)
class Jurisdictions:
    """Countries, unions of countries, laws, and the country of every known cloud region."""

    countries: Mapping[str, str]
    unions: Mapping[str, frozenset[str]]
    laws: Mapping[str, str]
    regions: Mapping[str, str]  # region id -> country code

    def country_of(self, name: str) -> str | None:
        """The country of a region or zone id ("SA-East-1A" is sa-east-1, Brazil); None if unknown."""
        key = name.strip().lower()
        for pattern in (AWS_ZONE, GCP_ZONE):
            zone = pattern.match(key)
            if key not in self.regions and zone:
                key = zone.group(1)
        return self.regions.get(key)

    def code(self, raw: str) -> str | None:
        """A jurisdiction code from a param: a country, a union, a law, or REGIONAL."""
        text = raw.strip()
        if text.lower() == "regional":
            return REGIONAL
        upper = text.upper()
        if upper in self.countries or upper in self.unions:
            return upper
        law = next((code for name, code in self.laws.items() if name.lower() == text.lower()), None)
        return law

    def contains(self, jurisdiction: str, country: str) -> bool:
        members = self.unions.get(jurisdiction)
        return country in members if members is not None else country == jurisdiction

    def of_country(self, country: str) -> str:
        """The regime a country's data falls under: the EEA for its members, else the country."""
        return "EEA" if country in self.unions.get("EEA", frozenset()) else country

    def label(self, country: str) -> str:
        union = ", in the EEA" if self.of_country(country) == "EEA" else ""
        return f"{country}{union}"


def jurisdictions_from(data: Mapping[str, Any]) -> Jurisdictions:
    """Jurisdictions from the mapping jurisdictions.yaml holds (every code must be a quoted-safe string)."""
    codes = [
        *(data.get("countries") or {}),
        *(c for members in (data.get("unions") or {}).values() for c in members),
        *(c for provider in (data.get("regions") or {}).values() for c in (provider or {}).values()),
    ]
    odd = [c for c in codes if not isinstance(c, str)]
    if odd:
        raise ValueError(f"jurisdiction codes must be strings (quote NO, ON, YES in YAML): {odd!r}")
    regions = {
        str(region).lower(): str(country)
        for provider in (data.get("regions") or {}).values()
        for region, country in (provider or {}).items()
    }
    return Jurisdictions(
        {str(k): str(v) for k, v in (data.get("countries") or {}).items()},
        {str(k): frozenset(str(c) for c in v) for k, v in (data.get("unions") or {}).items()},
        {str(k): str(v) for k, v in (data.get("laws") or {}).items()},
        regions,
    )


@cache
def load_jurisdictions(path: Path = DATA_FILE) -> Jurisdictions:
    """The packaged jurisdiction table (read once)."""
    return jurisdictions_from(yaml.safe_load(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Placement:
    """Where one claim declares stored data: region -> country, and whether the regions hold copies."""

    claim: Claim
    regions: Mapping[str, str]
    copies: bool

    def shown(self, law: Jurisdictions) -> str:
        where = ", ".join(f"{r} ({law.label(k)})" for r, k in self.regions.items())
        verb = "copies data across" if self.copies and len(self.regions) > 1 else "places data in"
        return f"{self.claim.id} {verb} {where} ({', '.join(stated_at(self.claim))})"


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in IGNORED_PARAMS:
                yield from _strings(item)


def stores_data(claim: Claim) -> bool:
    words = f"{claim.metric} {claim.scope.component or ''}".lower()
    return bool(claim.params.get("stores_data")) or any(w in words for w in STORAGE_WORDS)


def placement(claim: Claim, law: Jurisdictions) -> Placement | None:
    """The regions a storage claim places data in (from its bound, params and scope), or None."""
    if claim.is_waived or claim.metric in METRICS or not stores_data(claim):
        return None
    texts = [
        *_strings(claim.bound),
        *_strings(claim.params.model_dump()),
        claim.scope.region or "",
        *(claim.scope.regions or ()),
    ]
    found: dict[str, str] = {}
    for text in texts:
        for token in TOKEN.findall(text.lower()):
            country = law.country_of(token)
            if country is not None:
                found[AWS_ZONE.sub(r"\1", token)] = country
    words = f"{claim.metric} {claim.scope.component or ''}".lower()
    copies = bool(claim.params.get("replicated")) or any(w in words for w in COPY_WORDS)
    return Placement(claim, found, copies) if found else None


def jurisdiction(claim: Claim, law: Jurisdictions) -> str | None:
    """The jurisdiction a residency claim keeps data in, from its params or scope."""
    declared = claim.params.get("jurisdiction")
    if declared:
        return law.code(str(declared))
    if claim.scope.region:
        country = law.country_of(claim.scope.region)
        return law.of_country(country) if country else None
    return REGIONAL if claim.scope.regions else None


def analyze(claims: Sequence[Claim], law: Jurisdictions | None = None) -> list[Verdict]:
    """Residency and transfer claims against the storage the same system declares."""
    table = law or load_jurisdictions()
    out = []
    for claim in claims:
        if claim.is_waived or claim.metric not in METRICS:
            continue
        code = jurisdiction(claim, table)
        if code is None:
            why = (
                "names no jurisdiction to judge against: set params.jurisdiction (a country, EU/EEA, a law "
                "or 'regional') or scope.region(s)"
            )
            out.append(finding(claim, Outcome.INCONCLUSIVE, NAME, why))
            continue
        placed = [
            p
            for p in (placement(c, table) for c in claims if c.system == claim.system and c.id != claim.id)
            if p is not None
        ]
        if placed:
            out.append(judge(claim, code, placed, table))
    return out


def breaches(code: str, placements: Sequence[Placement], law: Jurisdictions) -> list[Placement]:
    """The placements that take data out of the jurisdiction (for REGIONAL: copies across regimes)."""
    if code == REGIONAL:
        return [
            p for p in placements if p.copies and len({law.of_country(k) for k in p.regions.values()}) > 1
        ]
    return [
        Placement(p.claim, {r: k for r, k in p.regions.items() if not law.contains(code, k)}, p.copies)
        for p in placements
        if any(not law.contains(code, k) for k in p.regions.values())
    ]


def judge(claim: Claim, code: str, placements: Sequence[Placement], law: Jurisdictions) -> Verdict:
    """One residency claim against the declared placements of the same system."""
    definite = METRICS[claim.metric]
    own = [p for p in placements if source_files(p.claim) & own_documents(claim)]
    foreign = [p for p in placements if p not in own]
    broken, elsewhere = breaches(code, own, law), breaches(code, foreign, law)
    place = "its own region's jurisdiction" if code == REGIONAL else code
    inputs: dict[str, Any] = {
        "jurisdiction": code,
        "regions": sorted({r for p in [*broken, *elsewhere] for r in p.regions}),
    }
    also = (
        f"; other documents of {claim.system} declare: {'; '.join(p.shown(law) for p in elsewhere)} "
        f"(a conflict for configured evidence to settle)"
        if elsewhere
        else ""
    )
    if broken:
        shown = "; ".join(p.shown(law) for p in broken)
        cites = [c for p in broken for c in stated_at(p.claim)]
        if definite and code == REGIONAL:
            why = (
                f"data is copied between regions under different laws: {shown}; the data each region holds "
                f"is also stored under the others' jurisdiction, so regional residency cannot hold{also}"
            )
            return finding(claim, Outcome.DISPROVEN, NAME, why, other=cites, **inputs)
        if definite:
            why = f"data is declared stored outside {place}: {shown}; residency in {place} cannot hold{also}"
            return finding(claim, Outcome.DISPROVEN, NAME, why, other=cites, **inputs)
        why = (
            f"data is declared stored outside {place}: {shown}; whether those transfers are authorized and "
            f"monitored needs the transfer records{also}"
        )
        return finding(claim, Outcome.INCONCLUSIVE, NAME, why, other=cites, **inputs)
    cites = [c for p in elsewhere for c in stated_at(p.claim)]
    if elsewhere:
        why = f"this document declares no storage outside {place}{also}"
        return finding(claim, Outcome.INCONCLUSIVE, NAME, why, other=cites, **inputs)
    shown = "; ".join(p.shown(law) for p in own)
    why = f"declared storage stays in {place}: {shown}; needs the live placement (configured evidence)"
    cites = [c for p in own for c in stated_at(p.claim)]
    return finding(claim, Outcome.INCONCLUSIVE, NAME, why, other=cites, **inputs)
