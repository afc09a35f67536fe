"""A reviewer's edits to a draft, kept as data: which entries were dropped, which fields edited, what was
added by hand. Applying them to a fresh draft reproduces the reviewed ledger, and counting them measures the
draft: the share of drafted entries a reviewer kept unchanged.

python -m checks.draft.review tests/data/onboarding    # draft quality of every fixture document there
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from checks.errors import ConfigError


@dataclass(frozen=True)
class Review:
    """Edits keyed by drafted id: `drop` ids, `edit` id -> fields (null deletes one), `add` whole entries."""

    drop: tuple[str, ...] = ()
    edit: dict[str, dict[str, Any]] | None = None
    add: tuple[dict[str, Any], ...] = ()

    @classmethod
    def of(cls, raw: dict[str, Any] | None) -> Review:
        raw = raw or {}
        return cls(tuple(raw.get("drop") or ()), dict(raw.get("edit") or {}), tuple(raw.get("add") or ()))


@dataclass(frozen=True)
class Quality:
    """How much of a draft survived review."""

    drafted: int
    edited: int
    dropped: int
    added: int

    @property
    def kept(self) -> int:
        return self.drafted - self.edited - self.dropped

    @property
    def share_kept(self) -> float:
        return self.kept / self.drafted if self.drafted else 1.0

    def __str__(self) -> str:
        return (
            f"{self.drafted} drafted: {self.kept} kept unchanged ({self.share_kept:.0%}), "
            f"{self.edited} edited, {self.dropped} dropped; {self.added} added by hand"
        )


def apply_review(ledger_file: Path, review: Review) -> Quality:
    """Rewrite a drafted ledger file with a review applied; every id the review names must exist."""
    data = yaml.safe_load(ledger_file.read_text(encoding="utf-8"))
    entries: list[dict[str, Any]] = data["claims"]
    ids = {e["id"] for e in entries}
    unknown = sorted((set(review.drop) | set(review.edit or {})) - ids)
    if unknown:
        raise ConfigError(
            str(ledger_file), f"the review names ids the draft does not have: {', '.join(unknown)}"
        )
    kept = [e for e in entries if e["id"] not in review.drop]
    for entry in kept:
        for key, value in (review.edit or {}).get(entry["id"], {}).items():
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = value
    data["claims"] = [*kept, *review.add]
    ledger_file.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8"
    )
    return Quality(len(entries), len(review.edit or {}), len(review.drop), len(review.add))


@dataclass(frozen=True)
class Fixture:
    """A document for the tests: how to onboard it, what a reviewer changed, and what the run must find."""

    folder: Path
    document: Path
    system: str
    id_prefix: str | None
    review: Review
    expect: dict[str, Any]

    @classmethod
    def load(cls, folder: Path) -> Fixture:
        raw = yaml.safe_load((folder / "review.yaml").read_text(encoding="utf-8"))
        return cls(
            folder,
            folder / raw["document"],
            raw["system"],
            raw.get("id_prefix"),
            Review.of(raw.get("review")),
            raw.get("expect") or {},
        )


def fixtures(root: Path) -> list[Fixture]:
    """Every fixture under `root` (a folder holding a review.yaml)."""
    return [Fixture.load(p.parent) for p in sorted(root.glob("*/review.yaml"))]


def draft_quality(fixture: Fixture) -> Quality:
    """Draft a fixture's document into a scratch project and apply its review."""
    from checks.draft import onboard

    with tempfile.TemporaryDirectory(prefix="claimcheck-draft-") as scratch:
        done = onboard(fixture.document, Path(scratch) / "claims", fixture.system, fixture.id_prefix)
        return apply_review(done.ledger_file, fixture.review)


def main(argv: list[str] | None = None) -> int:
    """Print the draft quality of every fixture under the given folder."""
    args = argv if argv is not None else sys.argv[1:]
    root = Path(args[0] if args else "tests/data/onboarding")
    totals = [0, 0, 0, 0]
    for fixture in fixtures(root):
        quality = draft_quality(fixture)
        totals = [
            a + b
            for a, b in zip(
                totals, (quality.drafted, quality.edited, quality.dropped, quality.added), strict=True
            )
        ]
        print(f"{fixture.document.name:<24} {quality}")
    print(f"{'all':<24} {Quality(*totals)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
