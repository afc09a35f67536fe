"""What the block parsers produce: rate-limit rules and WAF rules in one shape, whatever the product.

A `RateLimitRule` says how many requests (`limit`) per `period_s` seconds one counting key (`key`: a client's
IP, API key, consumer...; or a shared key such as one proxy instance) may send on the paths of its `scope`.
A `WafRule` says which requests its `matcher` matches and what its `action` then does. Matchers are run on
concrete requests (`Probe`); a matcher that cannot be evaluated here (libinjection's `@detectSQLi`, AWS's
`SqliMatchStatement`) answers None rather than guess.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

SHARED_KEYS = ("instance", "global", "server", "service", "route", "host", "constant", "unspecified")
BLOCKING = ("block", "deny", "drop", "reject", "challenge", "managed_challenge", "js_challenge", "captcha")
FIELDS = ("path", "query", "body", "uri", "method", "country")


@dataclass(frozen=True)
class Probe:
    """One concrete request: what a WAF rule can look at."""

    path: str = "/"
    query: str = ""
    body: str = ""
    method: str = "GET"
    country: str = "AR"

    def field(self, name: str) -> str:
        """A request field by its normalized name (`uri` is path?query)."""
        if name == "uri":
            return self.path + (f"?{self.query}" if self.query else "")
        return str(getattr(self, name))


class Matcher(Protocol):
    """Which requests a WAF rule matches."""

    @property
    def text(self) -> str: ...

    def matches(self, probe: Probe) -> bool | None: ...


TRANSFORMS: Mapping[str, Callable[[str], str]] = {
    "lowercase": str.lower,
    "uppercase": str.upper,
    "urldecode": urllib.parse.unquote_plus,
    "compress_whitespace": lambda s: re.sub(r"\s+", " ", s),
    "remove_whitespace": lambda s: re.sub(r"\s+", "", s),
    "html_entity_decode": html.unescape,
    "replace_comments": lambda s: re.sub(r"/\*.*?(\*/|$)", " ", s, flags=re.S),
    "remove_comments": lambda s: re.sub(r"/\*.*?(\*/|$)", "", s, flags=re.S),
}


@dataclass(frozen=True)
class FieldMatch:
    """A test of some request fields: regex, substring, exact, prefix, suffix or word, after transforms."""

    fields: tuple[str, ...]
    how: str  # regex contains exact starts ends word phrases
    value: str
    case_sensitive: bool = True
    transforms: tuple[str, ...] = ()
    negated: bool = False

    @property
    def text(self) -> str:
        case = "" if self.case_sensitive else ", case-insensitive"
        steps = f", after {'+'.join(self.transforms)}" if self.transforms else ""
        negated = "not " if self.negated else ""
        return f"{negated}{self.how} {self.value!r} in {'|'.join(self.fields)}{case}{steps}"

    def matches(self, probe: Probe) -> bool | None:
        hit = any(self._test(self._prepared(probe.field(f))) for f in self.fields)
        return hit != self.negated

    def _prepared(self, value: str) -> str:
        for name in self.transforms:
            value = TRANSFORMS[name](value)
        return value

    def _test(self, value: str) -> bool:
        needle, hay = (self.value, value) if self.case_sensitive else (self.value.lower(), value.lower())
        if self.how == "regex":
            return re.search(self.value, value, 0 if self.case_sensitive else re.I) is not None
        if self.how == "phrases":
            return any(p in hay for p in needle.split())
        tests: dict[str, Callable[[], bool]] = {
            "contains": lambda: needle in hay,
            "exact": lambda: needle == hay,
            "starts": lambda: hay.startswith(needle),
            "ends": lambda: hay.endswith(needle),
            "word": lambda: re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", hay) is not None,
        }
        return tests[self.how]()


@dataclass(frozen=True)
class AnyOf:
    """Matches when one of its parts matches (OR)."""

    parts: tuple[Matcher, ...]
    joiner: str = "or"

    @property
    def text(self) -> str:
        return f" {self.joiner} ".join(f"({p.text})" for p in self.parts)

    def matches(self, probe: Probe) -> bool | None:
        answers = [p.matches(probe) for p in self.parts]
        if self.joiner == "and":
            return False if False in answers else (None if None in answers else True)
        return True if True in answers else (None if None in answers else False)


@dataclass(frozen=True)
class Not:
    part: Matcher

    @property
    def text(self) -> str:
        return f"not ({self.part.text})"

    def matches(self, probe: Probe) -> bool | None:
        answer = self.part.matches(probe)
        return None if answer is None else not answer


@dataclass(frozen=True)
class Opaque:
    """A matcher claimcheck cannot run (a library detector): never guessed."""

    text: str

    def matches(self, probe: Probe) -> bool | None:
        return None


@dataclass(frozen=True)
class PathScope:
    """Which request paths a rule applies to: prefixes, a regex, or a matcher; nothing given = every path."""

    prefixes: tuple[str, ...] = ()
    pattern: str | None = None
    matcher: Matcher | None = None

    def applies(self, path: str) -> bool | None:
        if self.matcher is not None:
            return self.matcher.matches(Probe(path=path))
        if self.pattern is not None:
            return re.search(self.pattern, path) is not None
        return not self.prefixes or any(path.startswith(p.rstrip("/") or "/") for p in self.prefixes)

    @property
    def text(self) -> str:
        if self.matcher is not None:
            return self.matcher.text
        if self.pattern is not None:
            return f"paths matching {self.pattern!r}"
        return ", ".join(self.prefixes) if self.prefixes else "every path"


@dataclass(frozen=True)
class RateLimitRule:
    """At most `limit` requests per `period_s` seconds per `key`, on the paths of `scope`, then `action`."""

    parser: str
    name: str
    limit: float
    period_s: float
    file: str
    line: int
    key: str = "ip"
    burst: float | None = None
    action: str = "block"
    scope: PathScope = field(default_factory=PathScope)
    enforced: bool = True
    note: str = ""

    @property
    def per_second(self) -> float:
        return self.limit / self.period_s

    @property
    def per_client(self) -> bool:
        """False when one counter is shared by all clients (a proxy instance, a route, a constant key)."""
        return self.key not in SHARED_KEYS

    @property
    def cite(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class WafRule:
    """A rule that matches requests (`matcher`) and then blocks, challenges, logs or lets them pass."""

    parser: str
    name: str
    matcher: Matcher
    file: str
    line: int
    action: str = "block"
    description: str = ""
    enforced: bool = True
    note: str = ""

    @property
    def blocks(self) -> bool:
        return self.enforced and self.action.lower() in BLOCKING

    @property
    def cite(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def words(self) -> str:
        """Name, description and matcher, lower-cased: what the rule says it is for."""
        return f"{self.name} {self.description} {self.matcher.text}".lower()


@dataclass(frozen=True)
class Parsed:
    """What one parser read from one block."""

    rate_limits: tuple[RateLimitRule, ...] = ()
    waf_rules: tuple[WafRule, ...] = ()
    note: str = ""


DURATION = re.compile(
    r"(\d+(?:\.\d+)?)\s*(ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)?(?![a-z])", re.I
)
DURATION_S = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
WINDOWS_S = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "month": 2592000, "year": 31536000}


def duration_s(value: object, default: float | None = None) -> float | None:
    """A period in seconds: 60, "60", "1m", "1h30m", "500ms", "minute", {seconds: 1, nanos: 0}."""
    if isinstance(value, bool) or value is None:
        return default
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, Mapping):
        return float(value.get("seconds", 0)) + float(value.get("nanos", 0)) / 1e9
    text = str(value).strip().lower()
    if text in WINDOWS_S:
        return float(WINDOWS_S[text])
    parts = DURATION.findall(text)
    if not parts or DURATION.sub("", text).strip():
        return default
    return sum(float(n) * _unit_s(u) for n, u in parts)


def _unit_s(unit: str) -> float:
    unit = (unit or "s").lower()
    return DURATION_S["ms"] if unit == "ms" else DURATION_S[unit[0]]
