"""The claims ledger: one validated entry per claim, loaded once, before anything touches a target."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from checks.cache import yaml_load
from checks.errors import ConfigError
from checks.params import P, Params
from checks.project import DOCUMENT_SUFFIXES, ledger_dir, project_dir
from checks.registry import CHECKS
from checks.units import convert

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
ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"
PREFIX_PATTERN = r"^[A-Z][A-Z0-9]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """One place a claim is stated: the document, the line (1-based) and the exact words found there."""

    file: str
    line: int = Field(ge=1)
    end_line: int | None = Field(default=None, ge=1)
    quote: str = Field(min_length=3)
    # `claim`: the sentence judged (it takes the verdict in any per-line view); `evidence`: a line used to
    # judge it (the other side of a conflict, a part of a sum, a config block).
    role: Literal["claim", "evidence"] = "claim"

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

    id: str = Field(pattern=ID_PATTERN)
    system: str = Field(min_length=1)
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
    params: Params = Field(default_factory=dict, validate_default=True)  # typed even when omitted

    @field_validator("check")
    @classmethod
    def _known_check(cls, value: str) -> str:
        if value not in CHECKS:
            raise ValueError(f"unknown check {value!r}; known: {', '.join(sorted(CHECKS))}")
        return value

    @field_validator("params", mode="before")
    @classmethod
    def _typed_params(cls, value: Any, info: ValidationInfo) -> Any:
        """Validate `params` against the Params model of the claim's check (unknown keys are errors)."""
        check = info.data.get("check")
        if check not in CHECKS or isinstance(value, Params):
            return value
        return CHECKS[check].params.model_validate(value or {})

    def params_as(self, model: type[P]) -> P:
        """The claim's params as the model its check declares (TypeError if the check declares another)."""
        if not isinstance(self.params, model):
            raise TypeError(f"{self.id}: params are {type(self.params).__name__}, not {model.__name__}")
        return self.params

    @property
    def bound_number(self) -> float:
        """The bound as a number (ValueError when the claim's bound is not numeric)."""
        if isinstance(self.bound, bool) or not isinstance(self.bound, int | float):
            raise ValueError(f"{self.id}: bound {self.bound!r} is not a number")
        return float(self.bound)

    def bound_in(self, unit: str) -> float:
        """The numeric bound converted from the claim's unit to `unit` (UnitError if it has none or another
        dimension)."""
        if not self.unit:
            raise ValueError(f"{self.id}: bound {self.bound!r} has no unit to convert to {unit}")
        return convert(self.bound_number, self.unit, unit)

    @property
    def claim_sources(self) -> tuple[Source, ...]:
        """The sources that state the claim (role `claim`): only these take its verdict per line."""
        return tuple(s for s in self.sources if s.role == "claim")

    @model_validator(mode="after")
    def _waiver_consistent(self) -> Claim:
        if (self.check == "waived") != (self.waiver is not None):
            raise ValueError("check 'waived' and a 'waiver' reason go together")
        if self.comparator in ("<", "<=", ">", ">=") and not isinstance(self.bound, int | float):
            raise ValueError(f"comparator {self.comparator!r} needs a numeric bound, got {self.bound!r}")
        if not any(s.role == "claim" for s in self.sources):
            raise ValueError("every entry needs at least one source with role 'claim' (the sentence judged)")
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
    """One YAML file of the ledger: its system, that system's id prefix, its documents, its claims.

    An entry may omit `system`: it is the file's. Every id starts with `<id_prefix>-`, and every source cites
    one of the file's `documents`.
    """

    system: str = Field(min_length=1)
    id_prefix: str = Field(pattern=PREFIX_PATTERN)
    documents: tuple[str, ...] = Field(min_length=1)
    claims: tuple[Claim, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _entries_inherit_system(cls, raw: Any) -> Any:
        if not isinstance(raw, dict) or not isinstance(raw.get("claims"), list):
            return raw
        system = raw.get("system")
        claims = [
            {"system": system, **c} if isinstance(c, dict) and "system" not in c else c for c in raw["claims"]
        ]
        return {**raw, "claims": claims}

    @field_validator("documents")
    @classmethod
    def _readable_documents(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if "/" in name or not name.lower().endswith(DOCUMENT_SUFFIXES):
                raise ValueError(
                    f"document {name!r}: a file name in claims/documents/ ending in "
                    + ", ".join(DOCUMENT_SUFFIXES)
                )
        return value


def _file_rules(path: Path, ledger_file: LedgerFile) -> None:
    """What pydantic cannot see per entry: ids carry the file's prefix, systems agree, sources are its own."""
    for claim in ledger_file.claims:
        if not claim.id.startswith(f"{ledger_file.id_prefix}-"):
            raise ConfigError(
                str(path),
                f"id {claim.id!r} does not start with the file's id_prefix {ledger_file.id_prefix!r}-",
                entry=claim.id,
                key="id",
            )
        if claim.system != ledger_file.system:
            raise ConfigError(
                str(path),
                f"system {claim.system!r} differs from the file's {ledger_file.system!r}",
                entry=claim.id,
                key="system",
            )
        for index, source in enumerate(claim.sources):
            if source.file not in ledger_file.documents:
                raise ConfigError(
                    str(path),
                    f"cites {source.file!r}, which is not one of the file's documents "
                    f"({', '.join(ledger_file.documents)})",
                    entry=claim.id,
                    key=f"sources.{index}.file",
                )


class Ledger:
    """Every claim of every ledger file, with unique ids, and the systems and documents the files declare."""

    def __init__(
        self,
        claims: Iterable[Claim],
        files: Iterable[Path],
        documents_dir: Path,
        headers: Iterable[LedgerFile] = (),
    ) -> None:
        self.claims: tuple[Claim, ...] = tuple(claims)
        self.files = tuple(files)
        self.documents_dir = documents_dir
        self._by_id = {c.id: c for c in self.claims}
        self._owners: dict[str, set[str]] = {}
        self._prefixes: dict[str, str] = {}
        for header in headers:
            self._prefixes.setdefault(header.system, header.id_prefix)
            for document in header.documents:
                self._owners.setdefault(document, set()).add(header.system)
        for claim in self.claims:
            for source in claim.sources:
                self._owners.setdefault(source.file, set()).add(claim.system)

    def __iter__(self) -> Iterator[Claim]:
        return iter(self.claims)

    def __len__(self) -> int:
        return len(self.claims)

    def __getitem__(self, claim_id: str) -> Claim:
        return self._by_id[claim_id]

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._by_id

    @property
    def systems(self) -> tuple[str, ...]:
        """Every system the ledger names, in first-seen order."""
        return tuple(dict.fromkeys([*self._prefixes, *(c.system for c in self.claims)]))

    @property
    def prefixes(self) -> Mapping[str, str]:
        """System -> its id prefix (as the ledger files declare them)."""
        return dict(self._prefixes)

    @property
    def documents(self) -> tuple[str, ...]:
        """Every document a ledger file declares or cites, sorted."""
        return tuple(sorted(self._owners))

    def owners(self, document: str) -> frozenset[str]:
        """The systems whose ledger files declare or cite a document (empty: no ledger file covers it)."""
        return frozenset(self._owners.get(document, ()))

    def document_owners(self) -> dict[str, frozenset[str]]:
        """Document -> the systems whose ledgers cite it."""
        return {d: frozenset(s) for d, s in self._owners.items()}

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
    try:
        raw = yaml_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(str(path), f"not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(
            str(path), "expected a mapping with 'system', 'id_prefix', 'documents' and 'claims'"
        )
    try:
        ledger_file = LedgerFile.model_validate(raw)
    except ValidationError as exc:
        raise _format_validation(path, raw, exc) from None
    _file_rules(path, ledger_file)
    return ledger_file


def _check_across_files(loaded: list[tuple[Path, LedgerFile]], documents_dir: Path) -> None:
    """Ids unique across the ledger; one prefix per system and one system per prefix; documents present."""
    seen: dict[str, Path] = {}
    prefix_of: dict[str, tuple[str, Path]] = {}
    system_of: dict[str, tuple[str, Path]] = {}
    for path, ledger_file in loaded:
        system, prefix = ledger_file.system, ledger_file.id_prefix
        if system in prefix_of and prefix_of[system][0] != prefix:
            other, where = prefix_of[system]
            raise ConfigError(
                str(path),
                f"id_prefix {prefix!r}: {where.name} gives system {system!r} the prefix {other!r}",
                key="id_prefix",
            )
        if prefix in system_of and system_of[prefix][0] != system:
            other, where = system_of[prefix]
            raise ConfigError(
                str(path),
                f"id_prefix {prefix!r} is already system {other!r}'s ({where.name})",
                key="id_prefix",
            )
        prefix_of[system], system_of[prefix] = (prefix, path), (system, path)
        for document in ledger_file.documents:
            if not (documents_dir / document).is_file():
                raise ConfigError(
                    str(path), f"document {document!r} not found in {documents_dir}", key="documents"
                )
        for claim in ledger_file.claims:
            if claim.id in seen:
                raise ConfigError(
                    str(path), f"duplicate id, also in {seen[claim.id].name}", entry=claim.id, key="id"
                )
            seen[claim.id] = path


def load_ledger(claims_dir: Path) -> Ledger:
    """Load every `claims/*.yaml`; ids unique, one prefix per system, every declared document present."""
    files = sorted(claims_dir.glob("*.yaml"))
    if not files:
        raise ConfigError(
            str(claims_dir),
            "no ledger files (*.yaml) found; start one with `claimcheck claims draft DOCUMENT --system NAME`",
        )
    documents_dir = claims_dir / "documents"
    loaded = [(path, load_ledger_file(path)) for path in files]
    _check_across_files(loaded, documents_dir)
    headers = [f for _, f in loaded]
    return Ledger([c for f in headers for c in f.claims], files, documents_dir, headers)


def project_root() -> Path:
    """The project directory: claims/, targets.yaml and reports/ sit at its top (see checks/project.py)."""
    return project_dir()


def default_ledger() -> Ledger:
    """The project's ledger: `<project>/claims`, or the directory `$CLAIMCHECK_LEDGER_DIR` names."""
    return load_ledger(ledger_dir())
