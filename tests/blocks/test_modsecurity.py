from __future__ import annotations

from checks.blocks import modsecurity
from checks.blocks.model import Probe
from tests.blocks.conftest import block

RULES = """
SecRuleEngine On
SecRule ARGS|REQUEST_BODY "@rx union\\s+select" \\
    "id:942100,phase:2,deny,status:403,t:lowercase,msg:'SQL Injection Attack'"
SecRule REQUEST_URI "@contains /admin" "id:1001,phase:1,pass,log"
SecRule ARGS "@detectSQLi" "id:942101,phase:2,deny"
"""


def test_rules_with_transformations_and_continuations() -> None:
    parsed = modsecurity.read(block(RULES, "modsecurity"))
    assert parsed is not None
    sqli, admin, detect = parsed.waf_rules
    assert (sqli.name, sqli.line, sqli.action, sqli.description) == (
        "942100",
        2,
        "deny",
        "SQL Injection Attack",
    )
    assert sqli.matcher.matches(Probe(body="1 UNION  SELECT".replace("  ", " "))) is True
    assert sqli.matcher.matches(Probe(query="q=1%20union%20select")) is True
    assert not admin.blocks and detect.matcher.matches(Probe(body="x")) is None


def test_detection_only_blocks_nothing() -> None:
    parsed = modsecurity.read(block(RULES.replace("SecRuleEngine On", "SecRuleEngine DetectionOnly")))
    assert parsed is not None and not any(r.blocks for r in parsed.waf_rules)
    assert "DetectionOnly" in parsed.note
