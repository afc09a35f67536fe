"""ModSecurity `SecRule VARIABLES "OPERATOR" "ACTIONS"` (continuation lines joined). Operators: `@rx`
(the default), `@contains`, `@streq`, `@beginsWith`, `@endsWith`, `@pm`, negated with `!`; `@detectSQLi` and
`@detectXSS` are libinjection detectors claimcheck does not emulate. Transformations `t:lowercase`,
`t:urlDecode[Uni]`, `t:compressWhitespace`, `t:replaceComments`, `t:htmlEntityDecode` apply in order. ARGS are
URL-decoded as ModSecurity decodes them. `SecRuleEngine DetectionOnly` (or Off) means no rule blocks."""

from __future__ import annotations

import re
import shlex

from checks.blocks.model import AnyOf, FieldMatch, Matcher, Opaque, Parsed, WafRule
from checks.collect.documents import ConfigBlock

NAME = "modsecurity"
ENGINE = re.compile(r"^\s*SecRuleEngine\s+(\w+)", re.M)
VARIABLES = {
    "ARGS": ("query", "body"),
    "ARGS_GET": ("query",),
    "ARGS_POST": ("body",),
    "REQUEST_BODY": ("body",),
    "REQUEST_URI": ("uri",),
    "REQUEST_URI_RAW": ("uri",),
    "REQUEST_FILENAME": ("path",),
    "QUERY_STRING": ("query",),
    "REQUEST_METHOD": ("method",),
    "REQUEST_LINE": ("uri",),
}
DECODED = ("ARGS", "ARGS_GET", "ARGS_POST")
OPERATORS = {
    "rx": "regex",
    "contains": "contains",
    "streq": "exact",
    "beginsWith": "starts",
    "endsWith": "ends",
    "pm": "phrases",
    "within": "contains",
}
TRANSFORMS = {
    "lowercase": "lowercase",
    "urldecode": "urldecode",
    "urldecodeuni": "urldecode",
    "compresswhitespace": "compress_whitespace",
    "replacecomments": "replace_comments",
    "removecomments": "remove_comments",
    "htmlentitydecode": "html_entity_decode",
    "removewhitespace": "remove_whitespace",
}


def read(block: ConfigBlock) -> Parsed | None:
    """Every SecRule of the block."""
    engine = ENGINE.search(block.text)
    enforced = engine is None or engine[1].lower() == "on"
    note = "" if enforced else f"SecRuleEngine {engine[1] if engine else ''}: rules log, they do not block"
    rules = [r for line, text in _statements(block) if (r := _rule(block.file, line, text, enforced, note))]
    return Parsed(waf_rules=tuple(rules), note=note) if rules or engine else None


def _statements(block: ConfigBlock) -> list[tuple[int, str]]:
    """(first line, text) of every SecRule, continuation lines joined."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for n, raw in block.numbered:
        text = raw.strip()
        if pending is None and not text.startswith("SecRule "):
            continue
        line, joined = pending or (n, "")
        joined += " " + text.rstrip("\\").strip()
        pending = (line, joined) if text.endswith("\\") else None
        if pending is None:
            out.append((line, joined.strip()))
    return out


def _rule(file: str, line: int, text: str, enforced: bool, note: str) -> WafRule | None:
    try:
        parts = shlex.split(text, posix=True)
    except ValueError:
        return None
    if len(parts) < 3:
        return None
    variables, operator = parts[1], parts[2]
    actions = parts[3] if len(parts) > 3 else ""
    act = _actions(actions)
    return WafRule(
        NAME,
        str(act.get("id", f"line {line}")),
        _matcher(variables, operator, act.get("t", [])),
        file,
        line,
        action=next((a for a in ("deny", "block", "drop", "pass", "allow") if a in act), "pass"),
        description=str(act.get("msg", "")),
        enforced=enforced,
        note=note,
    )


def _actions(text: str) -> dict[str, str | list[str] | bool]:
    out: dict[str, str | list[str] | bool] = {"t": []}
    for item in re.findall(r"(?:[^,']|'[^']*')+", text):
        key, _, value = item.strip().partition(":")
        if key == "t":
            out["t"].append(value.lower())  # type: ignore[union-attr]
        else:
            out[key] = value.strip("'") if value else True
    return out


def _matcher(variables: str, operator: str, transforms: object) -> Matcher:
    names = [v.split(":")[0].lstrip("&!") for v in variables.split("|")]
    negated = operator.startswith("!")
    operator = operator.lstrip("!")
    name, _, argument = operator[1:].partition(" ") if operator.startswith("@") else ("rx", "", operator)
    if name not in OPERATORS:
        return Opaque(f"@{name} on {variables}")
    steps = (
        tuple(TRANSFORMS[t] for t in transforms if t in TRANSFORMS) if isinstance(transforms, list) else ()
    )
    parts: list[Matcher] = []
    for variable in dict.fromkeys(names):
        fields = VARIABLES.get(variable)
        if fields is None:
            continue
        decoded = ("urldecode",) if variable in DECODED and "urldecode" not in steps else ()
        parts.append(FieldMatch(fields, OPERATORS[name], argument, name != "pm", (*decoded, *steps), negated))
    if not parts:
        return Opaque(f"variables {variables}")
    return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))
