"""Live progress: claims done of selected, the current category, elapsed and estimated remaining time, and
load phases with achieved vs requested rate. Plain lines when not on a terminal (CI), tested through a real
`claimcheck run` whose output is a pipe; the rich display only smoke-tested (it needs a terminal)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest
from rich.console import Console

from checks.ledger import default_ledger
from checks.progress import LoadProgress, clock, remaining_estimate_s
from checks.report.progress import ProgressPlugin, load_line
from fixtures.load import load_phase
from tests.commands import ROOT


def test_remaining_time_uses_each_categorys_own_pace() -> None:
    durations = {"declared": [0.1, 0.1], "latency": [30.0]}
    assert remaining_estimate_s(durations, {"declared": 10, "latency": 2}) == pytest.approx(61.0)


def test_a_category_not_started_is_estimated_at_the_overall_pace() -> None:
    assert remaining_estimate_s({"declared": [1.0, 3.0]}, {"dr": 3}) == pytest.approx(6.0)
    assert remaining_estimate_s({}, {"dr": 3}) is None


def test_durations_read_as_a_clock() -> None:
    assert [clock(s) for s in (4.4, 190, 3725)] == ["4s", "3m10s", "1h02m05s"]


def test_a_load_phase_shows_the_requested_rate_then_the_achieved_one() -> None:
    assert load_line(LoadProgress("api /health", 50, 30)) == "load api /health: requested 50 req/s for 30 s"
    done = LoadProgress("api /health", 50, 30, 30.2, 1491, 49.7, done=True)
    assert load_line(done) == "load api /health: achieved 49.7 req/s of 50 requested (99%), 1,491 sent, done"
    live = LoadProgress("api /health", 50, 30, 12, 600, 50.0)
    assert load_line(live).endswith("(100%), 600 sent, 12s of 30s")


def test_load_phase_reports_its_start_and_what_it_achieved() -> None:
    events: list[LoadProgress] = []
    config: Any = SimpleNamespace(
        hook=SimpleNamespace(pytest_claimcheck_load_progress=lambda config, progress: events.append(progress))
    )
    samples: Any = SimpleNamespace(elapsed_s=30.4, sent=1480, achieved_rate=49.3)
    assert load_phase(config, "api /h", 50.0, 30.0, lambda: samples) is samples
    assert [(e.done, e.achieved_rps, e.sent) for e in events] == [(False, None, None), (True, 49.3, 1480)]


TEST_FILE = """
from checks.progress import LoadProgress

def test_a_load_phase(request):
    for progress in (LoadProgress("api /h", 10, 1), LoadProgress("api /h", 10, 1, 1.0, 10, 9.8, done=True)):
        request.config.hook.pytest_claimcheck_load_progress(config=request.config, progress=progress)
"""


@pytest.mark.parametrize("live", [False, True])
def test_the_hook_reaches_the_display_in_a_pytest_session(pytester: pytest.Pytester, live: bool) -> None:
    pytester.makepyfile(TEST_FILE)
    out = io.StringIO()
    console = Console(file=out, force_terminal=live, width=120)
    plugin = ProgressPlugin(console, live=live)
    result = pytester.runpytest_inprocess("-p", "fixtures.load", "-p", "no:randomly", plugins=[plugin])
    result.assert_outcomes(passed=1)
    assert "load api /h: achieved 9.8 req/s of 10 requested (98%), 10 sent, done" in out.getvalue()
    if not live:
        assert "load api /h: requested 10 req/s for 1 s" in out.getvalue()


def _one_claim_per_category(n: int) -> list[str]:
    chosen: dict[str, str] = {}
    for claim in default_ledger():
        if not claim.is_waived and claim.category not in chosen:
            chosen[claim.category] = claim.id
    return list(chosen.values())[:n]


def test_a_run_in_ci_prints_plain_progress_lines(tmp_path: Any) -> None:
    claims = _one_claim_per_category(3)
    argv = [sys.executable, "-m", "checks.cli", "run", "--target", "none", "--no-html"]
    argv += ["--reports-dir", str(tmp_path)] + [a for c in claims for a in ("--claim", c)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    lines = done.stdout.splitlines()
    assert done.returncode in (0, 1, 3), done.stderr[-2000:]
    assert "\x1b[" not in done.stdout  # no terminal codes in a log
    assert any(re.fullmatch(r"progress: 3 claims selected \(.+ 1, .+ 1, .+ 1\)", line) for line in lines)
    status = [line for line in lines if re.match(r"progress: \d/3 claims", line)]
    assert status[0].startswith("progress: 0/3 claims (0%), category ") and "remaining unknown" in status[0]
    assert status[-1].startswith("progress: 3/3 claims (100%)") and "elapsed " in status[-1]
    assert len(status) >= 4  # one per category change, and the last
    verdicts = [line for line in lines if re.match(r"[123]/3 [A-Z_]+ +\S+ ", line)]
    assert sorted(line.split()[2] for line in verdicts) == sorted(claims)
