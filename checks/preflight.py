"""Everything `claimcheck run` checks before it contacts anything: a problem is a ConfigError (exit 2)
naming the file, the key and the value.

The ledger (quotes included) and targets.yaml validate themselves when loaded; this module checks what
needs both, or the command line: the selection (`--claim`, `--category`, `-m`), the bindings (for known
claims and probe families, with known keys and values) and the environment variables the target names.
Typed bindings per check (a registry) will replace the key list below; until then it is the union of the
keys the suites read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from checks.errors import ConfigError
from checks.ledger import CATEGORIES, Ledger
from checks.targets import Target

# Probe families: bindings that are not per claim (each parsed by its own model, see binding_models()).
FAMILIES = ("isolation", "special_category", "webhooks", "edge", "drills", "route_ids")
CLAIM_BINDING_KEYS = frozenset(
    {
        "route", "job", "rules", "buckets", "tenant", "key_pattern", "prime_path", "namespace", "hpa",
        "deployment", "observe_s", "query", "scrape_interval", "evaluation_interval",
        "source", "count", "name", "instance", "prefix", "address", "expr",
    }
)  # fmt: skip
INVENTORY_NEEDS = {
    "pg_setting": ("name",),
    "pg_streaming_replicas": (),
    "redis_data_nodes": (),
    "rds_read_replicas": ("instance",),
    "rds_instance_class": ("instance",),
    "rds_regions": (),
    "tcp_endpoint": ("address",),
    "prometheus_query": ("expr",),
}


def marker_name(category: str) -> str:
    return category.replace("-", "_")


def check_selection(
    ledger: Ledger, claims: Iterable[str], categories: Iterable[str], markexpr: str | None
) -> None:
    """Known claim ids and categories, and an -m expression pytest can parse."""
    unknown = [c for c in claims if c not in ledger]
    if unknown:
        raise ConfigError("command line", f"unknown claim id(s): {', '.join(unknown)}", key="--claim")
    known = set(CATEGORIES) | {marker_name(c) for c in CATEGORIES}
    bad = [c for c in categories if c not in known]
    if bad:
        raise ConfigError(
            "command line",
            f"unknown category {bad[0]!r} (known: {', '.join(CATEGORIES)})",
            key="--category",
        )
    if markexpr:
        from _pytest.mark.expression import Expression

        try:
            Expression.compile(markexpr)
        except SyntaxError as exc:  # pytest 9 raises SyntaxError (ParseError before)
            raise ConfigError(
                "command line", f"bad marker expression {markexpr!r}: {exc}", key="-m"
            ) from None


def selected_claims(
    ledger: Ledger, claims: list[str], categories: list[str], markexpr: str | None
) -> list[str]:
    """The claims a run will judge, as far as the command line tells before the suites are collected
    (a marker expression is matched against each claim's id and category; `load`/`disruptive` count as
    unset until collection says otherwise)."""
    matcher = None
    if markexpr:
        from _pytest.mark.expression import Expression

        matcher = Expression.compile(markexpr)
    chosen = []
    for claim in ledger:
        if claims and claim.id not in claims:
            continue
        if categories and claim.category not in categories and marker_name(claim.category) not in categories:
            continue
        if matcher is not None and not matcher.evaluate(_marks_of(claim.category)):
            continue
        chosen.append(claim.id)
    return chosen


def _marks_of(category: str) -> Callable[..., bool]:
    names = {"claim", marker_name(category)}

    def has(name: str, /, **kwargs: object) -> bool:
        return name in names

    return has


def check_bindings(path: Path, name: str, target: Target, ledger: Ledger) -> None:
    """Every binding is for a known claim or a probe family; claim bindings use known keys, inventory
    bindings a known source with what it needs, and family bindings parse."""
    for key, value in target.bindings.items():
        where = f"targets.{name}.bindings.{key}"
        if key in FAMILIES:
            _check_family(path, name, target, key)
            continue
        if key not in ledger:
            raise ConfigError(str(path), f"binding for unknown claim {key!r}", entry=name, key=where)
        if not isinstance(value, dict):
            raise ConfigError(str(path), f"expected a mapping (value: {value!r})", entry=name, key=where)
        extra = sorted(set(value) - CLAIM_BINDING_KEYS)
        if extra:
            raise ConfigError(
                str(path),
                f"unknown binding key (value: {value[extra[0]]!r})",
                entry=name,
                key=f"{where}.{extra[0]}",
            )
        if ledger[key].check.startswith("inventory"):
            _check_inventory(path, name, where, value)


def _check_inventory(path: Path, name: str, where: str, value: dict[str, Any]) -> None:
    source = value.get("source")
    if source not in INVENTORY_NEEDS:
        raise ConfigError(
            str(path),
            f"unknown inventory source {source!r} (known: {', '.join(sorted(INVENTORY_NEEDS))})",
            entry=name,
            key=f"{where}.source",
        )
    missing = [k for k in INVENTORY_NEEDS[source] if not value.get(k)]
    if missing:
        raise ConfigError(
            str(path), f"source {source} needs {missing[0]!r}", entry=name, key=f"{where}.{missing[0]}"
        )


def _check_family(path: Path, name: str, target: Target, family: str) -> None:
    from checks.collect.isolation import bindings as models

    parsers: dict[str, Callable[[], object]] = {
        "isolation": lambda: models.parse_binding(target, "isolation", models.IsolationBinding),
        "special_category": lambda: models.parse_binding(
            target, "special_category", models.SpecialCategoryBinding
        ),
        "webhooks": lambda: models.parse_binding(target, "webhooks", models.WebhookBinding),
        "edge": lambda: models.parse_binding(target, "edge", models.EdgeBinding),
    }
    if family == "drills":
        from checks.drills.topology import drills_binding

        parsers["drills"] = lambda: drills_binding(target)
    try:
        parsed = parsers[family]() if family in parsers else None
    except ConfigError as exc:
        raise ConfigError(str(path), str(exc).split(": ", 1)[-1], entry=name, key=exc.key) from None
    if family == "special_category" and parsed is not None:
        tenant = getattr(parsed, "tenant", None)
        if tenant not in {t.slug for t in target.tenants}:
            raise ConfigError(
                str(path), f"{tenant!r} names no tenant", entry=name, key="bindings.special_category.tenant"
            )


def check_environment(path: Path, name: str, target: Target) -> None:
    """Every environment variable the target names (`*_env` keys) is set; the message names the key and
    the variable, never a value."""
    for key, variable in sorted(_env_keys(target.model_dump())):
        if variable not in os.environ:
            raise ConfigError(str(path), f"environment variable {variable} is not set", entry=name, key=key)


def _env_keys(node: Any, prefix: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{prefix}.{key}" if prefix else str(key)
            if str(key).endswith("_env") and isinstance(value, str):
                found.append((where, value))
            else:
                found += _env_keys(value, where)
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            label = value.get("slug") or value.get("name") if isinstance(value, dict) else None
            found += _env_keys(value, f"{prefix}[{label or index}]")
    return found
