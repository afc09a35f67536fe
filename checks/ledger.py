"""The claims ledger: one validated entry per claim, loaded once, before anything touches a target."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from checks.catalog import CHECKS
from checks.errors import ConfigError
from checks.yamlfile import load_yaml, read_text

SYSTEMS = ("BarberPro", "BookedBarber V2")
CATEGORIES = (
    "isolation",
    "latency",
    "geo-latency",
    "throughput",
    "capacity",
    "autoscaling",
    "dr",
    "availability",
    "caching",
    "compliance",
    "security",
    "integration",
    "monitoring",
    "data",
    "deployment",
    "process",
    "ml",
    "business",
)
Comparator = Literal["<", "<=", ">", ">=", "==", "present", "absent"]
Severity = Literal["blocker", "critical", "normal", "minor", "trivial"]
Scalar = float | int | str | bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """One place a claim is stated: the document, the line (1-based) and the exact words found there."""

    file: str
    line: int = Field(ge=1)
    end_line: int | None = Field(default=None, ge=1)
    quote: str = Field(min_length=3)

    @model_validator(mode="after")
    def _end_after_start(self) -> Source:
        if self.end_line is not None and self.end_line < self.line:
            raise ValueError(f"end_line {self.end_line} is before line {self.line}")
        return self

    @property
    def cite(self) -> str:
        """`file:line`, the citation form used in reports."""
        return (
            f"{self.file}:{self.line}"
            if self.end_line is None
            else f"{self.file}:{self.line}-{self.end_line}"
        )


class Scope(_Strict):
    """Where and how the claim applies. Every key is optional; unknown keys are errors."""

    statistic: (
        Literal["p50", "p90", "p95", "p99", "p99.9", "mean", "max", "min", "ratio", "count", "total"] | None
    ) = None
    window: str | None = None
    route: str | None = None
    route_class: str | None = None
    vantage: str | None = None
    region: str | None = None
    regions: tuple[str, ...] | None = None
    component: str | None = None
    tenant_tier: str | None = None
    per: str | None = None
    load_users: int | None = None
    load_rps: float | None = None
    day: int | None = None
    condition: str | None = None

    @property
    def percentile(self) -> float | None:
        """The statistic as a percentile (95.0 for "p95"), or None for non-percentile statistics."""
        if self.statistic and self.statistic.startswith("p"):
            return float(self.statistic[1:])
        return None


class Claim(_Strict):
    """One claim of one system, with every place it is stated and the method that can judge it."""

    id: str = Field(pattern=r"^(BP|BB)-[A-Z0-9]+(-[A-Z0-9]+)*$")
    system: Literal["BarberPro", "BookedBarber V2"]
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    statement: str = Field(min_length=5)
    sources: tuple[Source, ...] = Field(min_length=1)
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    comparator: Comparator | None = None
    bound: Scalar | tuple[Scalar, ...] | None = None
    unit: str | None = None
    stated_value: Scalar | None = None
    scope: Scope = Scope()
    check: str
    method: str = Field(min_length=5)
    severity: Severity = "normal"
    waiver: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("check")
    @classmethod
    def _known_check(cls, value: str) -> str:
        if value not in CHECKS:
            raise ValueError(f"unknown check {value!r}; known: {', '.join(sorted(CHECKS))}")
        return value

    @model_validator(mode="after")
    def _waiver_consistent(self) -> Claim:
        if (self.check == "waived") != (self.waiver is not None):
            raise ValueError("check 'waived' and a 'waiver' reason go together")
        if self.comparator in ("<", "<=", ">", ">=") and not isinstance(self.bound, int | float):
            raise ValueError(f"comparator {self.comparator!r} needs a numeric bound, got {self.bound!r}")
        return self

    @property
    def is_waived(self) -> bool:
        return self.check == "waived"

    @property
    def cites(self) -> tuple[str, ...]:
        return tuple(s.cite for s in self.sources)

    def bound_text(self) -> str:
        """The bound as a reader would write it: '< 100 ms'."""
        if self.comparator is None:
            return "" if self.bound is None else str(self.bound)
        unit = f" {self.unit}" if self.unit else ""
        bound = "" if self.bound is None else f" {self.bound}"
        return f"{self.comparator}{bound}{unit}".strip()


class LedgerFile(_Strict):
    """One YAML file of the ledger."""

    system: Literal["BarberPro", "BookedBarber V2"]
    documents: tuple[str, ...] = ()
    claims: tuple[Claim, ...]


class Ledger:
    """Every claim of every ledger file, with unique ids."""

    def __init__(self, claims: Iterable[Claim], files: Iterable[Path], documents_dir: Path) -> None:
        self.claims: tuple[Claim, ...] = tuple(claims)
        self.files = tuple(files)
        self.documents_dir = documents_dir
        self._by_id = {c.id: c for c in self.claims}

    def __iter__(self) -> Iterator[Claim]:
        return iter(self.claims)

    def __len__(self) -> int:
        return len(self.claims)

    def __getitem__(self, claim_id: str) -> Claim:
        return self._by_id[claim_id]

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._by_id

    def for_check(self, check: str) -> list[Claim]:
        """The claims a suite function judges, in ledger order."""
        if check not in CHECKS:
            raise KeyError(f"unknown check {check!r}")
        return [c for c in self.claims if c.check == check]

    @cached_property
    def digest(self) -> str:
        """A hash of the ledger files, recorded in every verdicts.json."""
        h = hashlib.sha256()
        for f in sorted(self.files):
            h.update(f.name.encode())
            h.update(f.read_bytes())
        return h.hexdigest()[:16]


def _format_validation(file: Path, raw: dict[str, Any], exc: ValidationError) -> ConfigError:
    err = exc.errors()[0]
    loc = list(err["loc"])
    entry = None
    if len(loc) >= 2 and loc[0] == "claims" and isinstance(loc[1], int):
        claims = raw.get("claims") or []
        item = claims[loc[1]] if loc[1] < len(claims) else {}
        entry = str(item.get("id", f"claims[{loc[1]}]")) if isinstance(item, dict) else f"claims[{loc[1]}]"
        loc = loc[2:]
    key = ".".join(str(p) for p in loc) or None
    value = err.get("input")
    shown = "" if isinstance(value, dict) else f" (value: {value!r})"
    return ConfigError(str(file), f"{err['msg']}{shown}", entry=entry, key=key)


def load_ledger_file(path: Path) -> LedgerFile:
    """Parse and validate one ledger file; a problem raises ConfigError naming file, entry, key and value."""
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(str(path), "expected a mapping with 'system' and 'claims'")
    try:
        return LedgerFile.model_validate(raw)
    except ValidationError as exc:
        raise _format_validation(path, raw, exc) from None


def load_ledger(claims_dir: Path) -> Ledger:
    """Load every `claims/*.yaml`, check ids are unique and systems agree with their file."""
    files = sorted(claims_dir.glob("*.yaml"))
    if not files:
        raise ConfigError(str(claims_dir), "no ledger files (*.yaml) found")
    claims: list[Claim] = []
    seen: dict[str, Path] = {}
    for path in files:
        ledger_file = load_ledger_file(path)
        for claim in ledger_file.claims:
            if claim.id in seen:
                raise ConfigError(
                    str(path), f"duplicate id, also in {seen[claim.id].name}", entry=claim.id, key="id"
                )
            if claim.system != ledger_file.system:
                raise ConfigError(
                    str(path),
                    f"system {claim.system!r} differs from the file's",
                    entry=claim.id,
                    key="system",
                )
            seen[claim.id] = path
            claims.append(claim)
    documents = claims_dir / "documents"
    verify_quotes(claims, seen, documents)
    return Ledger(claims, files, documents)


def verify_quotes(claims: Iterable[Claim], files: dict[str, Path], documents: Path) -> None:
    """Every source names a document that exists, a line inside it, and a quote found verbatim on that line
    (a block cites line..end_line and its quote is on the first line). ConfigError names the first that
    does not, with its ledger file, entry and key."""
    lines: dict[str, list[str] | None] = {}
    for claim in claims:
        for index, source in enumerate(claim.sources):
            if source.file not in lines:
                path = documents / source.file
                lines[source.file] = read_text(path).splitlines() if path.is_file() else None
            problem = _source_problem(source, lines[source.file])
            if problem is not None:
                key, message = problem
                raise ConfigError(
                    str(files[claim.id]), message, entry=claim.id, key=f"sources[{index}].{key}"
                )


def _source_problem(source: Source, lines: list[str] | None) -> tuple[str, str] | None:
    if lines is None:
        return "file", f"no document {source.file!r} in claims/documents"
    last = source.end_line or source.line
    if last > len(lines):
        return "line", f"line {last} is past the end of {source.file} ({len(lines)} lines)"
    if source.quote not in lines[source.line - 1]:
        return "quote", f"quote {source.quote!r} is not on {source.file}:{source.line}"
    return None


def project_root() -> Path:
    """The checkout this package lives in (claims/ and targets.yaml sit at its top)."""
    return Path(__file__).resolve().parent.parent


LEDGER_DIR_ENV = "CLAIMCHECK_LEDGER_DIR"


def default_ledger() -> Ledger:
    """The project's ledger (`claims/`), or the directory `$CLAIMCHECK_LEDGER_DIR` names."""
    override = os.environ.get(LEDGER_DIR_ENV)
    return load_ledger(Path(override) if override else project_root() / "claims")
