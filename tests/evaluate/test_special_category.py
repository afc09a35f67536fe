"""Special-category flow: the canary found anywhere disproves; unsearched places leave it inconclusive."""

from __future__ import annotations

from dataclasses import replace

from checks.evaluate.special_category import http_cache_place, special_category_contained
from checks.evidence.compliance import CanaryTrail, PlaceSearch
from checks.ledger import Claim, Source
from checks.verdicts import Outcome

CLAIM = Claim(
    id="BP-T-02",
    system="BarberPro",
    category="compliance",
    statement="Health data never cached.",
    sources=(Source(file="d.txt", line=1, quote="GDPR Article 9"),),
    metric="special_category_handling",
    comparator="present",
    check="special_category.flow",
    method="follow a canary",
)
NO_STORE = {"cache-control": "no-store"}
TRAIL = CanaryTrail(
    "CANARY-t-run-1",
    "t",
    "id-1",
    201,
    (200, 200),
    True,
    (NO_STORE, NO_STORE),
    (
        PlaceSearch("redis", "redis://r", True, (), "10 keys"),
        PlaceSearch("log", "/l/app.log", True),
        PlaceSearch("prometheus", "http://p", True),
    ),
    "deleted",
)


def test_proven_when_found_nowhere_and_every_place_searched() -> None:
    verdict = special_category_contained(TRAIL, CLAIM)
    assert verdict.outcome == Outcome.PROVEN and "4 places" in verdict.reason


def test_disproven_names_each_place_found() -> None:
    places = (
        PlaceSearch("redis", "redis://r", True, ("cache:t:session:1",)),
        PlaceSearch("log", "/l/app.log", True, ("/l/app.log:7",)),
    )
    verdict = special_category_contained(replace(TRAIL, places=places), CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN
    assert "cache:t:session:1" in verdict.reason and "/l/app.log:7" in verdict.reason


def test_inconclusive_when_a_place_could_not_be_searched() -> None:
    places = (*TRAIL.places, PlaceSearch("log", "(none bound)", False, note="no log files bound"))
    verdict = special_category_contained(replace(TRAIL, places=places), CLAIM)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "no log files bound" in verdict.reason


def test_error_when_the_canary_was_not_read_back() -> None:
    assert (
        special_category_contained(replace(TRAIL, read_contains_canary=False), CLAIM).outcome == Outcome.ERROR
    )
    assert special_category_contained(replace(TRAIL, record_id=None), CLAIM).outcome == Outcome.ERROR


def test_cacheable_response_is_a_finding() -> None:
    trail = replace(TRAIL, cache_headers=({"cache-control": "private, max-age=600"}, NO_STORE))
    verdict = special_category_contained(trail, CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "cacheable" in verdict.reason


def test_age_or_cache_hit_is_a_finding() -> None:
    place = http_cache_place(
        replace(TRAIL, cache_headers=(NO_STORE, {**NO_STORE, "age": "3", "x-cache": "HIT"}))
    )
    assert len(place.found) == 2
    assert http_cache_place(TRAIL).found == ()
