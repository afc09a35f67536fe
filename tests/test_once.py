"""Collect once per session: the first request collects, later ones share the evidence or the failure."""

from __future__ import annotations

import pytest

from checks.errors import CollectionError, TargetUnreachable
from fixtures.once import CollectOnce


def test_the_same_key_is_collected_once() -> None:
    calls: list[str] = []
    once: CollectOnce[str, int] = CollectOnce("numbers")
    assert once.get("a", lambda: calls.append("a") or 1) == 1
    assert once.get("a", lambda: calls.append("a") or 2) == 1
    assert calls == ["a"] and "a" in once and len(once) == 1


def test_other_keys_are_collected_apart() -> None:
    once: CollectOnce[tuple[str, int], str] = CollectOnce("series")
    assert once.get(("x", 1), lambda: "one") == "one" and once.get(("x", 2), lambda: "two") == "two"


def test_a_failed_collection_fails_again_without_asking_again() -> None:
    calls: list[int] = []
    once: CollectOnce[str, int] = CollectOnce("numbers")

    def unreachable() -> int:
        calls.append(1)
        raise TargetUnreachable("gw.test", "no answer")

    for _ in range(3):
        with pytest.raises(CollectionError, match="no answer"):
            once.get("a", unreachable)
    assert calls == [1]


def test_other_exceptions_are_not_kept() -> None:
    once: CollectOnce[str, int] = CollectOnce("numbers")
    with pytest.raises(ZeroDivisionError):
        once.get("a", lambda: 1 // 0)
    assert once.get("a", lambda: 3) == 3
