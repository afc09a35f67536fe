"""Cloudflare rule expressions, evaluated on concrete requests (the subset WAF rules in documents use).

Supported: fields (http.request.uri.path, http.request.uri.query, http.request.body[.raw],
http.request.method, ip.geoip.country / ip.src.country), string literals, operators eq ne == != contains
matches ~, `in {...}`, functions lower() and url_decode(), and/or/not (&&, ||, !) with parentheses.
`contains` and `eq` are case-sensitive, as in Cloudflare's language.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from checks.blocks.model import Probe

TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<op>==|!=|&&|\|\||[(){}!~])|(?P<word>[\w.]+))')
FUNCTIONS: dict[str, Callable[[str], str]] = {"lower": str.lower, "url_decode": urllib.parse.unquote_plus}


CLOUDFLARE_FIELDS = {
    "http.request.uri.path": "path",
    "http.request.uri.query": "query",
    "http.request.body": "body",
    "http.request.body.raw": "body",
    "http.request.method": "method",
    "ip.geoip.country": "country",
    "ip.src.country": "country",
    "http.request.uri": "uri",
}


def probe_fields(probe: Probe) -> dict[str, str]:
    """The fields of a request under their Cloudflare names."""
    return {name: probe.field(ours) for name, ours in CLOUDFLARE_FIELDS.items()}


class ExpressionError(ValueError):
    """An expression outside the supported subset."""


def tokens(expression: str) -> list[str]:
    out, pos = [], 0
    while pos < len(expression.rstrip()):
        match = TOKEN.match(expression, pos)
        if not match:
            raise ExpressionError(f"cannot read {expression[pos : pos + 20]!r}")
        out.append(match.group(match.lastgroup or "word"))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, expression: str, fields: Mapping[str, str]) -> None:
        self.items, self.pos, self.fields = tokens(expression), 0, fields

    def peek(self) -> str | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ExpressionError("unexpected end of expression")
        self.pos += 1
        return token

    def expression(self) -> bool:
        value = self.conjunction()
        while self.peek() in ("or", "||"):
            self.take()
            value = self.conjunction() or value
        return value

    def conjunction(self) -> bool:
        value = self.negation()
        while self.peek() in ("and", "&&"):
            self.take()
            value = self.negation() and value
        return value

    def negation(self) -> bool:
        if self.peek() in ("not", "!"):
            self.take()
            return not self.negation()
        if self.peek() == "(":
            self.take()
            value = self.expression()
            self.take()
            return value
        return self.comparison()

    def value(self) -> Any:
        token = self.take()
        if token.startswith('"'):
            return bytes(token[1:-1], "utf-8").decode("unicode_escape")
        if token in FUNCTIONS and self.peek() == "(":
            self.take()
            inner = self.value()
            self.take()
            return FUNCTIONS[token](str(inner))
        if token not in self.fields:
            raise ExpressionError(f"unknown field {token!r}")
        return self.fields[token]

    def comparison(self) -> bool:
        left = self.value()
        op = self.take()
        if op == "in":
            self.take()
            options = []
            while self.peek() != "}":
                options.append(self.value())
            self.take()
            return left in options
        right = self.value()
        ops: dict[str, Callable[[], bool]] = {
            "eq": lambda: left == right,
            "==": lambda: left == right,
            "ne": lambda: left != right,
            "!=": lambda: left != right,
            "contains": lambda: right in left,
            "matches": lambda: re.search(right, left) is not None,
            "~": lambda: re.search(right, left) is not None,
        }
        if op not in ops:
            raise ExpressionError(f"unsupported operator {op!r}")
        return ops[op]()


def matches(expression: str, probe: Probe) -> bool:
    """Whether a rule expression matches a concrete request."""
    parser = _Parser(expression, probe_fields(probe))
    result = parser.expression()
    if parser.peek() is not None:
        raise ExpressionError(f"unexpected {parser.peek()!r}")
    return result


@dataclass(frozen=True)
class Expression:
    """A Cloudflare expression as a WAF matcher; an expression outside the subset answers None."""

    text: str

    def matches(self, probe: Probe) -> bool | None:
        try:
            return matches(self.text, probe)
        except ExpressionError:
            return None
