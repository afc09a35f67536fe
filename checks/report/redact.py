"""Keep secrets out of reports: every value of an environment variable that targets.yaml names is masked."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from checks.targets import Target

MASK = "***"


def secret_env_names(target: Target) -> set[str]:
    """Every environment-variable name a target's description points at (any key ending in `_env`)."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("_env") and isinstance(value, str):
                    names.add(value)
                else:
                    walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(target.model_dump())
    return names


class Redactor:
    """Replaces known secret values (at least 4 characters long) by a mask, in text and in nested data."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    @classmethod
    def for_target(cls, target: Target) -> Redactor:
        return cls(os.environ[n] for n in secret_env_names(target) if n in os.environ)

    def text(self, value: str) -> str:
        for secret in self._secrets:
            value = value.replace(secret, MASK)
        return value

    def data(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.data(k) if isinstance(k, str) else k: self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value
