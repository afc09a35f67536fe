"""Physics floor for latency: light in fibre between a vantage city and the region serving it.

Floor = one round trip over the great-circle distance at ~200 km per ms (light in glass): 2 x d / 200 ms.
Real fibre paths are longer and an HTTP request needs at least one round trip (TCP and TLS add more), so
no measurement can beat the floor: a claimed latency (bound or stated value) below it is DISPROVEN; above it
the claim is left to observation from that city. Places come from checks/data/geo.yaml.

Where requests are actually served:
- `write_region`: writes go to a primary there. A bound that holds for each request (no statistic, or max)
  must hold for writes: below the floor to the write region it is DISPROVEN; a mean or percentile may be
  carried by reads served nearer, so it gets the floor as INCONCLUSIVE.
- `served_from`: every request of the claim's users is served there (e.g. a DNS failover primary). A "global"
  claim stated for several regions is judged for the farthest of them from the nearest serving place.

Params read (all optional; a claim without a place is not judged):
| param | meaning |
| --- | --- |
| `vantage_city` | the users' city (else `scope.vantage`) |
| `serving_region` | the region serving them (else `scope.region` when a city is given) |
| `user_regions` | regions whose users the claim covers (else `scope.regions`, else `scope.region`) |
| `served_from` | region(s) every request of those users is served from |
| `write_region` | region(s) writes are served from (a primary database) |
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from checks.evaluate.declared.common import finding, fmt, number
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "physics"
GEO_FILE = Path(__file__).resolve().parents[2] / "data" / "geo.yaml"
EARTH_RADIUS_KM = 6371.0088
AVAILABILITY_ZONE = re.compile(r"^([a-z]{2}-[a-z]+-\d)[a-z]$")


@dataclass(frozen=True)
class Place:
    """A city or a cloud region: where it is and which country's law applies there."""

    name: str
    lat: float
    lon: float
    country: str
    metro: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.metro})" if self.metro else self.name


@dataclass(frozen=True)
class Geo:
    """The known places, by every normalised name they go by."""

    places: Mapping[str, Place]
    km_per_ms: float

    def find(self, name: str) -> Place | None:
        """A place by name, alias, or region id in any case ("SA-East-1A" finds sa-east-1)."""
        key = normalise(name)
        zone = AVAILABILITY_ZONE.match(key)
        return self.places.get(key) or (self.places.get(zone.group(1)) if zone else None)


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_]+", " ", text.strip().lower())


def geo_from(data: Mapping[str, Any]) -> Geo:
    """A Geo from the mapping geo.yaml holds."""
    places: dict[str, Place] = {}
    for section in ("cities", "regions"):
        for name, entry in (data.get(section) or {}).items():
            place = Place(
                str(name),
                float(entry["lat"]),
                float(entry["lon"]),
                str(entry["country"]),
                str(entry.get("metro", "")),
            )
            for alias in [name, *(entry.get("aliases") or [])]:
                places[normalise(str(alias))] = place
    return Geo(places, float(data.get("fibre_km_per_ms", 200)))


@cache
def load_geo(path: Path = GEO_FILE) -> Geo:
    """The packaged place table (static data shipped with claimcheck, read once)."""
    return geo_from(yaml.safe_load(path.read_text(encoding="utf-8")))


def great_circle_km(a: Place, b: Place) -> float:
    """Haversine distance in km."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def rtt_floor_ms(a: Place, b: Place, km_per_ms: float) -> float:
    """The smallest possible round-trip time between two places through fibre."""
    return 2 * great_circle_km(a, b) / km_per_ms


def analyze(claims: Sequence[Claim], geo: Geo) -> list[Verdict]:
    """Latency claims against the fibre floor: to the serving region, to where writes go, to where all
    requests are served (for users in the claim's city or regions)."""
    out: list[Verdict] = []
    for claim in claims:
        if claim.is_waived or claim.unit not in ("ms", "s"):
            continue
        city = claim.params.get("vantage_city") or claim.scope.vantage
        region = claim.params.get("serving_region") or (claim.scope.region if city else None)
        if city and region:
            verdict = judge(claim, geo, str(city), str(region))
            if verdict is not None:
                out.append(verdict)
        users = user_places(claim, geo)
        for key, writes in (("served_from", False), ("write_region", True)):
            served = [p for p in (geo.find(n) for n in _names(claim.params.get(key))) if p is not None]
            if users and served:
                out.append(judge_served(claim, geo, users, served, writes=writes))
    return out


def _names(value: Any) -> list[str]:
    if not value:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def user_places(claim: Claim, geo: Geo) -> list[Place]:
    """Where the claim's users are: its vantage city, else the regions it is stated for (users near each)."""
    city = claim.params.get("vantage_city") or claim.scope.vantage
    names = (
        [str(city)]
        if city
        else _names(claim.params.get("user_regions"))
        or list(claim.scope.regions or ())
        or _names(claim.scope.region)
    )
    return [p for p in (geo.find(n) for n in names) if p is not None]


def applies_to_every_request(claim: Claim) -> bool:
    """A bound with no statistic (or a max) holds for each request, as a promise to every user reads."""
    return claim.scope.statistic in (None, "max")


def judge_served(
    claim: Claim, geo: Geo, users: Sequence[Place], served: Sequence[Place], *, writes: bool
) -> Verdict:
    """The farthest of the claim's users from the nearest place serving them, against the claim.

    `served_from`: every request of these users is served there, whatever the statistic. `write_region`:
    writes are; a bound that holds for each request (no statistic, or max) must hold for writes too, while a
    mean or percentile could still be carried by reads.
    """
    scale = 1000.0 if claim.unit == "s" else 1.0
    worst = max(users, key=lambda u: min(rtt_floor_ms(u, s, geo.km_per_ms) for s in served))
    nearest = min(served, key=lambda s: rtt_floor_ms(worst, s, geo.km_per_ms))
    floor, km = rtt_floor_ms(worst, nearest, geo.km_per_ms), great_circle_km(worst, nearest)
    what = "a write" if writes else "every request"
    where = f"users near {worst.label}" if worst.name != worst.label or len(users) > 1 else worst.label
    farthest = f", the farthest of the claim's {len(users)} places," if len(users) > 1 else ""
    why = (
        f"{what} from {where}{farthest} is served in {nearest.label}, {fmt(round(km))} km great-circle away: "
        f"a round trip through fibre at {fmt(geo.km_per_ms)} km/ms takes at least {floor:.1f} ms"
    )
    bound = number(claim.bound) if claim.comparator in ("<", "<=") else None
    stated = number(claim.stated_value)
    broken = [f"the bound {claim.bound_text()}"] if bound is not None and bound * scale <= floor else []
    if stated is not None and stated * scale < floor:
        broken.append(f"the stated {fmt(stated)} {claim.unit}")
    decisive = bool(broken) and (not writes or applies_to_every_request(claim))
    inputs: dict[str, Any] = {
        "users": [u.name for u in users],
        "served_from": [s.name for s in served],
        "writes": writes,
        "farthest": worst.name,
        "distance_km": round(km, 1),
        "floor_ms": round(floor, 2),
    }
    if decisive:
        return finding(
            claim,
            Outcome.DISPROVEN,
            NAME,
            f"{why}; {' and '.join(broken)} is below it",
            measured=round(floor, 2),
            **inputs,
        )
    if broken:
        why += (
            f"; {' and '.join(broken)} is below it for writes, but the claim's {claim.scope.statistic} "
            f"may be carried by reads served nearer"
        )
    return finding(
        claim,
        Outcome.INCONCLUSIVE,
        NAME,
        f"{why}; needs observation",
        measured=round(floor, 2),
        **inputs,
    )


def judge(claim: Claim, geo: Geo, city: str, region: str) -> Verdict | None:
    """One latency claim against the round-trip floor between its city and its serving region."""
    a, b = geo.find(city), geo.find(region)
    if a is None or b is None or claim.unit not in ("ms", "s"):
        return None
    scale = 1000.0 if claim.unit == "s" else 1.0
    floor = rtt_floor_ms(a, b, geo.km_per_ms)
    km = great_circle_km(a, b)
    bound = number(claim.bound) if claim.comparator in ("<", "<=") else None
    stated = number(claim.stated_value)
    why = (
        f"{a.name} to {b.label} is {fmt(round(km))} km great-circle: a round trip through fibre "
        f"at {fmt(geo.km_per_ms)} km/ms takes at least {floor:.1f} ms"
    )
    inputs: dict[str, Any] = {
        "vantage": a.name,
        "region": region,
        "distance_km": round(km, 1),
        "floor_ms": round(floor, 2),
    }
    broken = [f"the bound {claim.bound_text()}" for _ in [0] if bound is not None and bound * scale <= floor]
    broken += [
        f"the stated {fmt(stated)} {claim.unit}" for _ in [0] if stated is not None and stated * scale < floor
    ]
    if broken:
        return finding(
            claim,
            Outcome.DISPROVEN,
            NAME,
            f"{why}; {' and '.join(broken)} is below it",
            measured=round(floor, 2),
            **inputs,
        )
    return finding(
        claim,
        Outcome.INCONCLUSIVE,
        NAME,
        f"above the physics floor ({why}); needs observation from {a.name}",
        measured=round(floor, 2),
        **inputs,
    )
