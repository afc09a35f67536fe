"""A draft ledger for one document: an entry per checkable line and per config block, waiver stubs for lines
that look non-technical. Pure: text in, entries out (checks/draft/__init__.py reads and writes the files).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.blocks import BlockReading, read_blocks
from checks.blocks.model import RateLimitRule, WafRule, duration_s
from checks.collect.documents import ConfigBlock, ConfigObject, parse_document
from checks.coverage import is_checkable
from checks.draft.classify import Topic, topic_of, waiver_reason
from checks.draft.quantities import Quantity, cells, durations, parse_line
from checks.registry import CHECKS

AREAS = {
    "latency": "LAT",
    "geo-latency": "GEO",
    "throughput": "THR",
    "capacity": "CAP",
    "autoscaling": "SCALE",
    "dr": "DR",
    "availability": "AVL",
    "caching": "CACHE",
    "compliance": "COMP",
    "security": "SEC",
    "integration": "INT",
    "monitoring": "MON",
    "data": "DATA",
    "deployment": "DEP",
    "process": "PROC",
    "ml": "ML",
    "isolation": "ISO",
    "business": "W",
}
SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}")
MARKUP = re.compile(r"\*\*|__|`|^\s*(?:[-*+]|\d+\.)\s+|^\s*#+\s*|^\s*=+\s*|\s*\|\s*")
FROM_TO = re.compile(r"from\s+(\d+)\s+to\s+(\d+)", re.IGNORECASE)
ROUTE = re.compile(r"(?<![\w.])(/[a-z0-9_{}\-]+(?:/[a-z0-9_{}\-]+)*/?)", re.IGNORECASE)
WINDOW = re.compile(
    r"\b(monthly|per month|30[- ]day|annual|per year|yearly|weekly|per week)\b", re.IGNORECASE
)
WINDOWS = {
    "monthly": "30d",
    "per month": "30d",
    "30-day": "30d",
    "30 day": "30d",
    "annual": "1y",
    "per year": "1y",
    "yearly": "1y",
    "weekly": "7d",
    "per week": "7d",
}


@dataclass
class Entry:
    """One draft ledger entry: its fields (in ledger order) and the comments a reviewer reads above it."""

    fields: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    area: str = ""

    @property
    def id(self) -> str:
        return str(self.fields["id"])


def statement_of(text: str) -> str:
    """A line as a plain sentence: Markdown marks removed, cells joined (at least 5 characters)."""
    plain = MARKUP.sub(" ", text)
    plain = re.sub(r"\s+", " ", plain).strip(" :-")
    if len(plain) < 5:
        plain = f"The document states: {text.strip()}"
    return (plain[:197] + "...") if len(plain) > 200 else plain


def quote_of(text: str) -> str:
    """An exact substring of the line, short enough to read."""
    stripped = text.strip()
    return stripped if len(stripped) <= 100 else stripped[:100].rstrip()


def _source(file: str, line: int, text: str, end: int | None = None) -> dict[str, Any]:
    source: dict[str, Any] = {"file": file, "line": line}
    if end is not None and end > line:
        source["end_line"] = end
    source["quote"] = quote_of(text)
    return source


def _claim_fields(topic: Topic, quantity: Quantity | None, text: str) -> dict[str, Any]:
    out: dict[str, Any] = {"category": topic.category, "metric": topic.metric}
    if quantity is not None and not quantity.empty:
        if quantity.bound is not None:
            out["comparator"] = topic.comparator or quantity.comparator
            out["bound"] = quantity.bound
        if quantity.unit:
            out["unit"] = quantity.unit
        if quantity.stated is not None:
            out["stated_value"] = quantity.stated
    else:
        out["comparator"] = "present"
        out["bound"] = statement_of(text)[:80] or "as stated"
    return out


TLS = re.compile(r"\bTLS\s*v?(1\.[0-3])(\+| or (?:higher|later|above|newer))?", re.IGNORECASE)
COMPONENT = re.compile(r"\bfor (?:the |all |our )?([A-Za-z][\w -]{2,40}?)\s*(?:[.,;]|$)")


def _property(topic: Topic, text: str) -> dict[str, Any]:
    """Properties stated in words: a TLS version ("TLS 1.3 only", "TLS 1.2 or higher")."""
    tls = TLS.search(text) if topic.metric == "tls_version" else None
    if tls is None:
        return {}
    return {"comparator": ">=" if tls[2] else "==", "bound": tls[1]}


def _scope(topic: Topic, quantity: Quantity | None, text: str) -> dict[str, Any]:
    scope: dict[str, Any] = {}
    component = COMPONENT.search(text)
    if component and topic.category in ("availability", "dr", "latency", "data"):
        scope["component"] = component[1].strip()
    if quantity is not None and quantity.statistic and topic.category in ("latency", "geo-latency"):
        scope["statistic"] = quantity.statistic
    window = WINDOW.search(text)
    if window and topic.metric in ("uptime", "error_rate"):
        scope["window"] = WINDOWS[window[1].lower().replace("-", " ").replace("30 day", "30 day")]
    if topic.per_client or topic.metric == "rate_limit":
        scope["per"] = "client"
    route = ROUTE.search(text)
    if route and topic.category in ("latency", "security", "throughput", "caching"):
        scope["route"] = route[1]
    return scope


CLAUSE = re.compile(r";\s+|\.\s+(?=[A-Z])|,\s+with\s+(?=an?\s)")
STATED_AS_BOUND = ("mttr", "mtbf")  # a mean is a statement of fact: the error-budget analyzer reads the value


def line_entries(file: str, number: int, text: str, header: list[str] | None) -> list[Entry]:
    """The draft entries of one checkable line outside the blocks: one per checkable clause of a sentence
    ("RTO: 4 hours; RPO: 5 minutes." is two claims), one per table row."""
    if text.lstrip().startswith("|"):
        return [line_entry(file, number, text, header)]
    clauses = [c for c in CLAUSE.split(text) if is_checkable(c) and len(c.strip()) >= 3]
    if len(clauses) < 2:
        return [line_entry(file, number, text, header)]
    return [line_entry(file, number, c, None) for c in clauses]


HEADING = re.compile(r"^\s*(#+|=+)\s+\S|^\s*\d+(\.\d+)*\.?\s+[A-Z0-9][A-Z0-9 &/()-]*$")


def line_entry(file: str, number: int, text: str, header: list[str] | None) -> Entry:
    """The draft entry for one checkable line (or clause of one) outside the blocks."""
    why = waiver_reason(text)
    if why is not None:
        return waiver_entry(file, number, text, why)
    quantity = parse_line(text, header)
    if HEADING.match(text) and (quantity is None or quantity.empty):
        return waiver_entry(
            file, number, text, "a section heading; the lines of its section carry the claims"
        )
    topic = _adjusted(topic_of(text), quantity)
    if topic.category == "autoscaling" and FROM_TO.search(text) and durations(text):
        topic = Topic("autoscaling", "autoscaling.time_to_scale", "scale_up_time", None, topic.per_client)
        quantity = durations(text)[0]
    statement = _table_statement(text, header) or statement_of(text) or quote_of(text)
    fields: dict[str, Any] = {"statement": statement, "sources": [_source(file, number, text)]}
    fields.update(_claim_fields(topic, quantity, text))
    fields.update(_property(topic, text))
    if topic.metric in STATED_AS_BOUND and "bound" in fields and "stated_value" not in fields:
        fields["stated_value"] = fields["bound"]
    scope = _scope(topic, quantity, text)
    if scope:
        fields["scope"] = scope
    fields["check"] = topic.check
    params = _params(topic, text)
    if params:
        fields["params"] = params
    fields["method"] = CHECKS[topic.check].description
    entry = Entry(fields, area=AREAS[topic.category])
    if (quantity is None or quantity.empty) and fields["comparator"] == "present":
        entry.notes.append(
            "no number found: a property claim (comparator present); state the bound if one applies"
        )
    return entry


def _table_statement(text: str, header: list[str] | None) -> str | None:
    """A table row as "first cell: header value, header value" ("Checkout p95: Target <250 ms, ...")."""
    if not header or not text.lstrip().startswith("|"):
        return None
    values = cells(text)
    named = [f"{h} {v}" for h, v in zip(header[1:], values[1:], strict=False) if v]
    return statement_of(f"{values[0]}: {', '.join(named)}") if values and named else None


def _adjusted(topic: Topic, quantity: Quantity | None) -> Topic:
    """A scaling line counting pods is about bounds, one counting seconds about time to scale."""
    unit = quantity.unit if quantity is not None else None
    if topic.metric == "scale_up_time" and unit in ("pods", "replicas", "count"):
        return Topic("autoscaling", "autoscaling.bounds", "replica_count", None, topic.per_client)
    if topic.metric == "replica_count" and unit in ("s", "min", "ms", "h"):
        return Topic("autoscaling", "autoscaling.time_to_scale", "scale_up_time", None, topic.per_client)
    return topic


def _params(topic: Topic, text: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    span = FROM_TO.search(text)
    if span and topic.category == "autoscaling":
        params["from_replicas"], params["to_replicas"] = int(span[1]), int(span[2])
    route = ROUTE.search(text)
    if route and topic.metric == "rate_limit":
        params["route"] = route[1]
    return params


def waiver_entry(file: str, number: int, text: str, why: str, end: int | None = None) -> Entry:
    """A waiver stub: the reviewer confirms the reason or turns it into a claim."""
    fields = {
        "category": "business",
        "statement": statement_of(text) or quote_of(text),
        "sources": [_source(file, number, text, end)],
        "metric": "non_technical",
        "check": "waived",
        "waiver": f"{why[0].upper()}{why[1:]}.",
        "method": "None; not a property of the running system.",
    }
    entry = Entry(fields, area="W")
    entry.notes.append("waiver stub: confirm the reason, or make it a claim if the line is technical")
    return entry


def _first_meaningful(block: ConfigBlock) -> tuple[int, str]:
    return next(((n, t) for n, t in block.numbered if t.strip()), (block.start, block.text or "block"))


def block_entries(reading: BlockReading) -> list[Entry]:
    """Entries for one block: what its parsers read, the first citing the whole block range."""
    block = reading.block
    derived = [
        *(rate_entry(block, r) for r in reading.rate_limits),
        *(waf_entry(block, r) for r in reading.waf_rules),
        *(e for o in block.objects for e in object_entries(block, o)),
    ]
    line, text = _first_meaningful(block)
    whole = _source(block.file, line, text, block.end)
    if not derived:
        derived = [_plain_block_entry(reading, whole)]
    first = derived[0]
    first.fields["sources"] = [whole, *[s for s in first.fields["sources"] if s["line"] != line]]
    return derived


def _plain_block_entry(reading: BlockReading, whole: dict[str, Any]) -> Entry:
    block = reading.block
    if not reading.understood and not reading.not_understood:
        return waiver_entry(
            block.file,
            whole["line"],
            whole["quote"],
            f"a {block.kind} listing, not a claim",
            whole.get("end_line"),
        )
    topic = topic_of(block.text)
    fields = {
        "category": topic.category if topic.category != "integration" else "process",
        "statement": f"The document's {block.kind} block at lines {block.start}-{block.end} holds as listed.",
        "sources": [whole],
        "metric": "declared_block",
        "comparator": "present",
        "bound": "as listed",
        "check": "declared.document",
        "method": "The document's own listing, read by the declared analyzers that understand it.",
    }
    entry = Entry(fields, area=AREAS.get(str(fields["category"]), "PROC"))
    entry.notes.append(f"block {reading.status}")
    return entry


def _rate_bound(rule: RateLimitRule) -> tuple[float | int, str]:
    for period, unit in ((1.0, "rps"), (60.0, "requests/min"), (3600.0, "requests/hour")):
        if abs(rule.period_s - period) < 1e-9:
            return _tidy(rule.limit), unit
    return _tidy(rule.per_second * 60), "requests/min"


def _tidy(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 4)


def rate_entry(block: ConfigBlock, rule: RateLimitRule) -> Entry:
    bound, unit = _rate_bound(rule)
    who = "per client" if rule.per_client else f"shared ({rule.key})"
    text = next((t for n, t in block.numbered if n == rule.line), rule.name)
    fields: dict[str, Any] = {
        "category": "security",
        "statement": f"{rule.parser} rule {rule.name} limits requests to {bound} {unit} {who} "
        f"on {rule.scope.text}.",
        "sources": [_source(block.file, rule.line, text)],
        "metric": "rate_limit",
        "comparator": "<=",
        "bound": bound,
        "unit": unit,
        "scope": {"per": "client"} if rule.per_client else {},
        "check": "http.rate_limit",
        "params": {"config_block": f"{block.file}:{rule.line}-{rule.line}"},
        "method": CHECKS["http.rate_limit"].description,
    }
    if rule.scope.prefixes:
        fields["params"]["route"] = rule.scope.prefixes[0]
    if not fields["scope"]:
        del fields["scope"]
    entry = Entry(fields, area="SEC")
    if not rule.enforced:
        entry.notes.append(f"declared but not enforced: {rule.note}")
    return entry


def waf_entry(block: ConfigBlock, rule: WafRule) -> Entry:
    text = next((t for n, t in block.numbered if n == rule.line), rule.name)
    sqli = "sql" in f"{rule.name} {rule.description}".lower() or "injection" in rule.description.lower()
    fields: dict[str, Any] = {
        "category": "security",
        "statement": f"WAF rule {rule.name} ({rule.parser}, action {rule.action}): "
        f"{rule.description or rule.matcher.text}.",
        "sources": [_source(block.file, rule.line, text)],
        "metric": "waf_sqli_rule" if sqli else "waf_rule",
        "comparator": "present",
        "bound": "SQL injection payloads blocked" if sqli else f"{rule.action} as declared",
        "check": "security.headers",
        "method": "Send attack and benign probes; any attack not blocked disproves the claim.",
    }
    return Entry(fields, area="SEC")


def object_entries(block: ConfigBlock, obj: ConfigObject) -> list[Entry]:
    """Entries for the Kubernetes and Prometheus objects the analyzers read."""
    if obj.kind == "HorizontalPodAutoscaler":
        return _hpa_entries(block, obj)
    if obj.kind == "PrometheusRules":
        return _alert_entries(block, obj)
    if obj.kind == "NetworkPolicy":
        line = obj.line
        text = next((t for n, t in obj.lines if n == line), "kind: NetworkPolicy")
        fields = {
            "category": "isolation",
            "statement": f"NetworkPolicy {obj.name} restricts traffic as declared.",
            "sources": [_source(block.file, line, text)],
            "metric": "network_policy",
            "comparator": "present",
            "bound": "as declared",
            "check": "isolation.network",
            "params": {"config_block": f"{block.file}:{obj.start}-{obj.end}"},
            "method": CHECKS["isolation.network"].description,
        }
        return [Entry(fields, area="ISO")]
    return []


def _hpa_entries(block: ConfigBlock, obj: ConfigObject) -> list[Entry]:
    spec = obj.body.get("spec") or {}
    out = []
    for key, metric in (("minReplicas", "hpa_min_replicas"), ("maxReplicas", "hpa_max_replicas")):
        if key not in spec:
            continue
        line = obj.find_line(key) or obj.line
        text = next((t for n, t in obj.lines if n == line), key)
        fields = {
            "category": "autoscaling",
            "statement": f"HPA {obj.name} has {key} {spec[key]}.",
            "sources": [_source(block.file, line, text)],
            "metric": metric,
            "comparator": "==",
            "bound": spec[key],
            "unit": "replicas",
            "scope": {"component": obj.name} if obj.name else {},
            "check": "autoscaling.bounds",
            "method": CHECKS["autoscaling.bounds"].description,
        }
        if not fields["scope"]:
            del fields["scope"]
        out.append(Entry(fields, area="SCALE"))
    return out


def _alert_entries(block: ConfigBlock, obj: ConfigObject) -> list[Entry]:
    out = []
    for group in obj.body.get("groups") or []:
        for rule in (group or {}).get("rules") or [] if isinstance(group, dict) else []:
            if not isinstance(rule, dict) or "alert" not in rule or "for" not in rule:
                continue
            line = obj.find_line(f"alert: {rule['alert']}") or obj.line
            text = next((t for n, t in obj.lines if n == line), str(rule["alert"]))
            value, unit = _prom_duration(str(rule["for"]))
            fields = {
                "category": "monitoring",
                "statement": f"Alert {rule['alert']} waits {rule['for']} before firing.",
                "sources": [_source(block.file, line, text)],
                "metric": "alert_for_duration",
                "comparator": "==",
                "bound": value,
                "unit": unit,
                "check": "monitoring.alerting",
                "method": CHECKS["monitoring.alerting"].description,
            }
            out.append(Entry(fields, area="MON"))
    return out


def _prom_duration(text: str) -> tuple[float | int | str, str | None]:
    seconds = duration_s(text)
    if seconds is None:
        return text, None
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return int(seconds // size), unit
    return _tidy(seconds), "s"


def _table_headers(lines: Sequence[str]) -> dict[int, list[str]]:
    """Line number (1-based) of each table row -> the cells of its table's header row."""
    out: dict[int, list[str]] = {}
    header: list[str] | None = None
    for index, text in enumerate(lines):
        if not text.lstrip().startswith("|"):
            header = None
            continue
        if SEPARATOR.match(text):
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if header is None and SEPARATOR.match(following):
            header = cells(text)
            continue
        if header is not None:
            out[index + 1] = header
    return out


ADOC_TABLE = re.compile(r"^\|===\s*$")


@dataclass(frozen=True)
class Row:
    """One table row of an AsciiDoc table: its lines, its text as a Markdown row, its table's header."""

    first: int
    last: int
    text: str
    header: list[str]


def _adoc_rows(lines: Sequence[str]) -> list[Row]:
    """AsciiDoc `|===` tables, whose rows may spread their cells over several lines."""
    rows: list[Row] = []
    inside = False
    header: list[str] = []
    pending: list[tuple[int, str]] = []
    for index, text in enumerate(lines, start=1):
        if ADOC_TABLE.match(text):
            inside, header, pending = not inside, [], []
            continue
        if not inside or not text.strip():
            continue
        found = [c.strip() for c in text.strip().lstrip("|").split("|")]
        if not header:
            header = found
            continue
        pending.extend((index, c) for c in found)
        if len(pending) >= len(header):
            cells_text = "| " + " | ".join(c for _, c in pending) + " |"
            rows.append(Row(pending[0][0], pending[-1][0], cells_text, header))
            pending = []
    return rows


def _row_entry(file: str, row: Row, lines: Sequence[str]) -> Entry:
    entry = line_entry(file, row.first, row.text, row.header)
    entry.fields["sources"] = [_source(file, row.first, lines[row.first - 1], row.last)]
    return entry


def document_entries(file: str, text: str) -> tuple[list[Entry], tuple[BlockReading, ...]]:
    """Every draft entry of a document, in line order, and what the parsers made of its blocks."""
    blocks = parse_document(file, text)
    readings = read_blocks(blocks)
    lines = text.splitlines()
    inside = {n for b in blocks for n in range(b.start, b.end + 1)}
    headers = _table_headers(lines)
    entries = [e for r in readings for e in block_entries(r)]
    rows = [r for r in _adoc_rows(lines) if is_checkable(r.text)] if file.lower().endswith(".adoc") else []
    entries.extend(_row_entry(file, r, lines) for r in rows)
    inside |= {n for r in rows for n in range(r.first, r.last + 1)}
    for number, line in enumerate(lines, start=1):
        if number not in inside and is_checkable(line) and not SEPARATOR.match(line):
            entries.extend(line_entries(file, number, line, headers.get(number)))
    entries.sort(key=lambda e: min(s["line"] for s in e.fields["sources"]))
    link_blocks(entries, readings)
    return entries, readings


def link_blocks(entries: Iterable[Entry], readings: Sequence[BlockReading]) -> None:
    """Name the one block a prose claim is about (`params.config_block`) when the document has exactly one
    block of the kind its analyzer reads; an autoscaling span without a start count starts at minReplicas."""
    kinds = {
        "rate_limit": [r.block for r in readings if r.rate_limits],
        "waf_sqli_rule": [r.block for r in readings if r.waf_rules],
        "alert_latency": [
            r.block for r in readings if any(o.kind == "PrometheusRules" for o in r.block.objects)
        ],
        "network_policy": [
            r.block for r in readings if any(o.kind == "NetworkPolicy" for o in r.block.objects)
        ],
    }
    hpas = [(r.block, o) for r in readings for o in r.block.objects if o.kind == "HorizontalPodAutoscaler"]
    for entry in entries:
        fields = entry.fields
        params = fields.setdefault("params", {})
        candidates = kinds.get(str(fields["metric"]), [])
        if len(candidates) == 1 and "config_block" not in params and fields["check"] != "waived":
            params["config_block"] = candidates[0].cite
        if fields["category"] == "autoscaling" and len(hpas) == 1 and fields["metric"] != "hpa_min_replicas":
            _link_hpa(fields, params, *hpas[0])
        if not params:
            del fields["params"]


def _link_hpa(fields: dict[str, Any], params: dict[str, Any], block: ConfigBlock, hpa: ConfigObject) -> None:
    spec = hpa.body.get("spec") or {}
    if fields["metric"] in ("replica_count", "scale_up_time") and "to_replicas" not in params:
        bound = fields.get("bound")
        if isinstance(bound, int) and fields.get("unit") in ("pods", "replicas"):
            params["from_replicas"], params["to_replicas"] = int(spec.get("minReplicas", 1)), bound
    if "to_replicas" in params:
        params.setdefault("config_block", f"{block.file}:{hpa.start}-{hpa.end}")
