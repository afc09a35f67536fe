"""Keep secrets out of reports: every value of an environment variable that targets.yaml names is masked.

A secret is masked in every form it may take on the wire or in a log: raw, URL-encoded, hex, JSON-escaped,
and base64 at any alignment (inside a larger base64 string, as in `Authorization: Basic`). Any fragment of
at least MIN_FRAGMENT characters of one of those forms is masked too, so a message cut short (a 200-
character excerpt of an error body) cannot leak most of a token. Values read through
`checks.targets.secret()` are registered here as they are read, so an excerpt taken in a collector is
redacted on the full text before it is truncated.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

if TYPE_CHECKING:
    from checks.targets import Target

MASK = "***"
MIN_SECRET = 4  # shorter values are not treated as secrets (they would mask ordinary words)
MIN_FRAGMENT = 8

_registered: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Remember a secret value read in this process (called by `checks.targets.secret`)."""
    if len(value) >= MIN_SECRET:
        with _lock:
            _registered.add(value)


def registered_secrets() -> frozenset[str]:
    with _lock:
        return frozenset(_registered)


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


def _base64_cores(raw: bytes) -> set[str]:
    """The part of base64(prefix + raw + suffix) that depends on `raw` alone, for each of the 3 alignments."""
    cores: set[str] = set()
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + raw).decode()
        start = -(-pad * 4 // 3)  # the first characters also carry bits of what precedes
        usable = (pad + len(raw)) // 3 * 4  # whole groups only: the tail depends on what follows
        core = encoded[start:usable]
        if len(core) >= MIN_SECRET:
            cores.update({core, core.replace("+", "-").replace("/", "_")})
    return cores


def secret_forms(secret: str) -> set[str]:
    """The ways a secret can appear in text: raw, URL-encoded, hex, JSON-escaped and base64."""
    raw = secret.encode()
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        quote(secret, safe="").lower(),
        raw.hex(),
        raw.hex().upper(),
        json.dumps(secret)[1:-1],
        *_base64_cores(raw),
    }
    return {f for f in forms if len(f) >= MIN_SECRET}


MEMO_LIMIT = 50_000  # texts whose spans a matcher remembers (a run writes the same records many times)


class _Matcher:
    """Whole forms (longest first) and every MIN_FRAGMENT-character window of every form.

    A matcher belongs to one set of secrets (a new secret makes a new matcher), so the spans it found in a
    text stay right for as long as it lives: verdicts.json is rewritten as each claim is judged, and its
    records were redacted again every time."""

    def __init__(self, secrets: frozenset[str]) -> None:
        forms = {f for s in secrets for f in secret_forms(s)}
        self.forms = sorted(forms, key=len, reverse=True)
        self.grams = {
            f[i : i + MIN_FRAGMENT] for f in forms if len(f) >= MIN_FRAGMENT for i in range(len(f) - 7)
        }
        self._memo: dict[str, list[tuple[int, int]]] = {}

    def spans(self, text: str) -> list[tuple[int, int]]:
        found = self._memo.get(text)
        if found is None:
            found = self._spans(text)
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[text] = found
        return found

    def _spans(self, text: str) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        for form in self.forms:
            start = text.find(form)
            while start >= 0:
                found.append((start, start + len(form)))
                start = text.find(form, start + 1)
        if self.grams:
            grams, width = self.grams, MIN_FRAGMENT
            found += [(i, i + width) for i in range(len(text) - width + 1) if text[i : i + width] in grams]
        return _merged(found)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


class Redactor:
    """Masks known secrets (at least MIN_SECRET characters long) in text and in nested data.

    Its secrets are the values it was built with plus every value registered in this process so far.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._static = frozenset(s for s in secrets if len(s) >= MIN_SECRET)
        self._matcher: tuple[frozenset[str], _Matcher] | None = None

    @classmethod
    def for_target(cls, target: Target) -> Redactor:
        return cls(os.environ[n] for n in secret_env_names(target) if n in os.environ)

    def _current(self) -> _Matcher:
        secrets = self._static | registered_secrets()
        if self._matcher is None or self._matcher[0] != secrets:
            self._matcher = (secrets, _Matcher(secrets))
        return self._matcher[1]

    def text(self, value: str) -> str:
        spans = self._current().spans(value)
        if not spans:
            return value
        parts, last = [], 0
        for start, end in spans:
            parts += [value[last:start], MASK]
            last = end
        parts.append(value[last:])
        return "".join(parts)

    def data(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.data(k) if isinstance(k, str) else k: self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value


def excerpt(text: str, limit: int = 200) -> str:
    """The first `limit` characters of `text`, redacted on the full text first (never the other way)."""
    return Redactor().text(text)[:limit]
