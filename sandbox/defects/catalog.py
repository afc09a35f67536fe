"""The defect catalog (sandbox/defects/catalog.yaml): what each defect is, which claims it must flip and why.

Loaded and validated once (pydantic, extra keys forbidden); the mechanisms it names are looked up in the
registry of sandbox/defects/mechanism.py.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sandbox.defects import mechanisms  # noqa: F401  (registers every mechanism)
from sandbox.defects.mechanism import MECHANISMS, Mechanism
from sandbox.errors import SandboxError

CATALOG = Path(__file__).resolve().parent / "catalog.yaml"
AREAS = (
    "isolation",
    "tls",
    "headers",
    "caching",
    "special-category",
    "latency",
    "rate-limit",
    "replication",
    "storage",
    "monitoring",
    "sessions",
    "webhooks",
    "authentication",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Flip(_Strict):
    """A claim the defect must flip, the verdict's reason it must show, and why the defect breaks it."""

    claim: str
    reason: str  # a regular expression the verdict's reason must match (searched, case-insensitive)
    why: str
    # DISPROVEN: real behaviour of real software contradicts the claim. fidelity: the evidence is a value
    # the sandbox set from the documents (targets.yaml `constructed`): NOT_APPLICABLE "sandbox fidelity"
    # once constructed evidence is kept from deciding, DISPROVEN until then. another_reason: the claim is
    # already DISPROVEN on the sandbox by a part the defect does not touch (e.g. "all communications use
    # TLS 1.3" and its plaintext database); the planted fault must add its own reason, absent before.
    expect: Literal["DISPROVEN", "fidelity", "another_reason"] = "DISPROVEN"
    source: str | None = None  # fidelity: the key of targets.yaml `constructed` the evidence comes from

    @model_validator(mode="after")
    def _fidelity_names_its_source(self) -> Flip:
        if (self.expect == "fidelity") != (self.source is not None):
            raise ValueError("`source` (a targets.yaml `constructed` key) goes with expect: fidelity, only")
        return self

    @field_validator("reason")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value

    def matches(self, reason: str) -> bool:
        return re.search(self.reason, reason, re.IGNORECASE) is not None


class Defect(_Strict):
    """One real defect that can be planted in the running sandbox."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]+$")
    area: str
    description: str
    how: str
    params: dict[str, Any] = Field(default_factory=dict)
    breaks: tuple[Flip, ...] = Field(min_length=1)
    controls: tuple[str, ...] = ()

    @field_validator("area")
    @classmethod
    def _known_area(cls, value: str) -> str:
        if value not in AREAS:
            raise ValueError(f"area {value!r} is not one of {', '.join(AREAS)}")
        return value

    @field_validator("how")
    @classmethod
    def _known_mechanism(cls, value: str) -> str:
        if value not in MECHANISMS:
            raise ValueError(f"no mechanism {value!r} (known: {', '.join(sorted(MECHANISMS))})")
        return value

    def mechanism(self) -> Mechanism:
        """A fresh instance of the mechanism, with this entry's parameters."""
        return MECHANISMS[self.how](**self.params)

    @property
    def claims(self) -> tuple[str, ...]:
        """The claims a selftest of this defect runs: the ones it breaks, then the controls."""
        return tuple(f.claim for f in self.breaks) + self.controls


class Catalog(_Strict):
    defects: tuple[Defect, ...]

    def __getitem__(self, name: str) -> Defect:
        for defect in self.defects:
            if defect.name == name:
                return defect
        raise KeyError(name)

    def names(self) -> list[str]:
        return [d.name for d in self.defects]


@cache
def load_catalog(path: Path = CATALOG) -> Catalog:
    """catalog.yaml, validated; a problem raises SandboxError naming the entry and the key."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        catalog = Catalog.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise SandboxError("defects", f"{path}: {where}: {err['msg']}") from None
    names = catalog.names()
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SandboxError("defects", f"{path}: defect names used twice: {', '.join(dupes)}")
    return catalog


def lookup(name: str) -> Defect:
    """The defect called `name`; SandboxError listing the known names otherwise."""
    catalog = load_catalog()
    try:
        return catalog[name]
    except KeyError:
        raise SandboxError("defects", f"no defect {name!r} (known: {', '.join(catalog.names())})") from None
