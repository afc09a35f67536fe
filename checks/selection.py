"""Which claims a run or a listing takes: by id, category, system and document.

Each kind of value is matched exactly (a category also in its marker form, `geo_latency`; a document by its
file name or any path ending in it). A value the ledger does not know is a configuration error naming the
value and the known ones, before anything runs.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from checks.errors import ConfigError
from checks.ledger import CATEGORIES, Claim, Ledger


def _marker(category: str) -> str:
    return category.replace("-", "_")


@dataclass(frozen=True)
class Selection:
    """The values a user asked for; empty means "all" for that kind."""

    claims: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        claims: Iterable[str] = (),
        categories: Iterable[str | None] = (),
        systems: Iterable[str | None] = (),
        documents: Iterable[str | None] = (),
    ) -> Selection:
        """From command-line values (None entries are dropped; documents reduced to their file names)."""
        return cls(
            tuple(claims),
            tuple(c for c in categories if c),
            tuple(s for s in systems if s),
            tuple(Path(d).name for d in documents if d),
        )

    def validate(self, ledger: Ledger) -> None:
        """ConfigError for the first value the ledger does not know, naming it and the known ones."""
        known_categories = (*CATEGORIES, *(_marker(c) for c in CATEGORIES))
        _known("--category", self.categories, known_categories, CATEGORIES)
        _known("--system", self.systems, ledger.systems, ledger.systems)
        _known("--document", self.documents, ledger.documents, ledger.documents)
        unknown = [c for c in self.claims if c not in ledger]
        if unknown:
            close = difflib.get_close_matches(unknown[0], [c.id for c in ledger], n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ConfigError(
                "command line",
                f"unknown claim id(s): {', '.join(unknown)} (the ledger has {len(ledger)} ids{hint})",
                key="--claim",
            )

    def wants(self, claim: Claim) -> bool:
        """Whether a claim is selected."""
        return (
            (not self.claims or claim.id in self.claims)
            and (
                not self.categories
                or claim.category in self.categories
                or _marker(claim.category) in self.categories
            )
            and (not self.systems or claim.system in self.systems)
            and (not self.documents or any(s.file in self.documents for s in claim.sources))
        )

    def of_ledger(self, ledger: Ledger) -> list[Claim]:
        """The selected claims, in ledger order."""
        return [c for c in ledger if self.wants(c)]


def _known(option: str, values: Sequence[str], known: Sequence[str], shown: Sequence[str]) -> None:
    unknown = [v for v in values if v not in known]
    if unknown:
        listed = ", ".join(repr(k) for k in shown) or "none"
        raise ConfigError("command line", f"unknown value {unknown[0]!r}; known: {listed}", key=option)
