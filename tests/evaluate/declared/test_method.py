"""Method validity: scripts that print success whatever happened, and figures measured from elsewhere."""

from __future__ import annotations

from checks.evaluate.declared import method
from checks.evaluate.declared.method import is_script, script_issues
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import DAY14, claim, real_blocks, real_config, yaml_config


def _issues(start: int) -> dict[int, str]:
    block = next(b for b in real_blocks() if b.file == DAY14 and b.start == start)
    assert is_script(block)
    return {i.line: i.kind for i in script_issues(block)}


def test_document_004_performance_script_reports_results_in_comments() -> None:
    issues = _issues(119)
    assert issues[139] == "comment_result" and issues[128] == "comment_result"
    assert issues[148] == "single_vantage"


def test_document_004_dr_script_issues() -> None:
    issues = _issues(265)
    assert issues[297] == "literal_echo" and issues[312] == "literal_echo"
    assert issues[301] == "dry_run" and issues[311] == "computed_from"


def test_rto_from_the_restore_time_is_named() -> None:
    block = next(b for b in real_blocks() if b.file == DAY14 and b.start == 265)
    rto = next(i for i in script_issues(block) if i.line == 311)
    assert "reported as RTO but measures restore_time" in rto.explanation
    assert "duration of lines 273-282" in rto.explanation and "rounds down" in rto.explanation


def test_bullet_lists_fenced_as_bash_are_not_scripts() -> None:
    prose = next(b for b in real_blocks() if b.file.startswith("001_") and b.start == 51)
    assert not is_script(prose)


def test_a_strict_script_with_a_guarded_echo_has_no_issue() -> None:
    text = (
        "#!/bin/bash\nset -e\nkubectl rollout status deploy/web\ncurl -f http://x/health && echo ✅ healthy\n"
    )
    (block,) = yaml_config(text, kind="bash").blocks
    assert script_issues(block) == []


def test_claims_citing_such_lines_stay_open_never_proven() -> None:
    failover = claim(
        "BP-T-B0",
        metric="failover_time",
        comparator="<",
        bound=5,
        unit="min",
        line=297,
        check="dr.rollout",
        category="dr",
    )
    (verdict,) = method.analyze([failover], real_config())
    assert verdict.outcome == Outcome.INCONCLUSIVE
    assert f"{DAY14}:297: an unconditional echo with a literal figure after a fixed sleep (line 291)" in (
        verdict.reason
    )


def test_literals_in_code_listings_are_not_measurements() -> None:
    uptime = claim("BP-T-B1", metric="uptime", comparator=">=", bound=99.9, unit="%", line=560)
    (verdict,) = method.analyze([uptime], real_config())
    assert "literal typed into a code listing" in verdict.reason


def test_claims_citing_plain_text_get_nothing() -> None:
    assert method.analyze([claim("BP-T-B2", line=10)], real_config()) == []


def _users(claim_id: str, bound: int, **fields: object) -> Claim:
    return claim(
        claim_id,
        metric="concurrent_users",
        comparator=">=",
        bound=bound,
        unit="users",
        check="http.concurrency",
        category="capacity",
        **fields,
    )


def test_a_capacity_beyond_the_tested_load_rests_on_extrapolation() -> None:
    tested = _users("BP-T-B3", 2800, stated_value=2800, params={"tested_load_users": 2800}, line=145)
    (verdict,) = method.untested_capacity([_users("BP-T-B4", 10000, line=17), tested])
    assert verdict.outcome == Outcome.INCONCLUSIVE and verdict.claim_id == "BP-T-B4"
    assert "reached 2,800 concurrent users" in verdict.reason and "28% of the 10,000" in verdict.reason


def test_a_capacity_within_the_tested_load_is_not_flagged() -> None:
    tested = _users("BP-T-B3", 12000, params={"tested_load_users": 12000}, line=145)
    assert method.untested_capacity([_users("BP-T-B4", 10000, line=17), tested]) == []
