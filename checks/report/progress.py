"""Live progress on the console for `claimcheck run`: claims done of selected, the current category, elapsed
and estimated remaining time, each verdict as it lands, and load phases with achieved vs requested rate.

On a terminal it is a rich progress display. Anywhere else (CI, a pipe, a file) it is plain lines: one per
verdict, prefixed with the count, and a `progress:` line when the category changes or every STATUS_EVERY_S.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from checks.progress import LoadProgress, clock, remaining_estimate_s
from checks.verdicts import Verdict

CLAIM_ID = re.compile(r"\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]$")
COLOURS = {
    "PROVEN": "green",
    "DISPROVEN": "red",
    "ERROR": "magenta",
    "INCONCLUSIVE": "yellow",
    "NOT_APPLICABLE": "blue",
    "OUT_OF_SCOPE": "dim",
    "NOT_RUN": "dim",
}
STATUS_EVERY_S = 30.0


class RunState:
    """What the run has done so far, per category: the numbers both displays show."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.selected: Counter[str] = Counter()
        self.durations: dict[str, list[float]] = {}
        self.category: str | None = None

    @property
    def total(self) -> int:
        return sum(self.selected.values())

    @property
    def done(self) -> int:
        return sum(len(d) for d in self.durations.values())

    def finished(self, category: str, seconds: float) -> None:
        self.durations.setdefault(category, []).append(seconds)

    def remaining_s(self) -> float | None:
        left = {c: n - len(self.durations.get(c, [])) for c, n in self.selected.items()}
        return remaining_estimate_s(self.durations, {c: n for c, n in left.items() if n > 0})

    def status(self) -> str:
        """`120/449 claims (27%), category latency, elapsed 1m02s, remaining ~3m10s`."""
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        left = self.remaining_s()
        remaining = "unknown" if left is None else f"~{clock(left)}"
        return (
            f"{self.done}/{self.total} claims{share}, category {self.category or '-'}, "
            f"elapsed {clock(time.monotonic() - self.started)}, remaining {remaining}"
        )


def load_line(progress: LoadProgress) -> str:
    """`load api /health: requested 50 req/s for 30 s` or `... achieved 49.7 req/s of 50 requested (99%)`."""
    head = f"load {progress.label}: "
    if progress.achieved_rps is None:
        return f"{head}requested {progress.requested_rps:g} req/s for {progress.duration_s:g} s"
    share = progress.achieved_share or 0.0
    sent = "" if progress.sent is None else f", {progress.sent:,} sent"
    state = "done" if progress.done else f"{clock(progress.elapsed_s)} of {clock(progress.duration_s)}"
    return (
        f"{head}achieved {progress.achieved_rps:.1f} req/s of {progress.requested_rps:g} requested "
        f"({100 * share:.0f}%){sent}, {state}"
    )


class ProgressPlugin:
    """A pytest plugin object: counts claim items and prints each verdict as it lands."""

    def __init__(self, console: Console, *, live: bool | None = None) -> None:
        self.console = console
        self.live = console.is_terminal if live is None else live
        self.config: pytest.Config | None = None
        self.state = RunState()
        self.item_started: float | None = None
        self.categories: dict[str, str] = {}  # node id -> the category of its claim
        self.last_status = 0.0
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[note]}"),
            console=console,
            transient=True,
        )
        self.task: Any = None
        self.load_task: Any = None

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        from fixtures.budget import budgets_of, worst_case_line
        from fixtures.claims import claim_of

        budgets = budgets_of(session.config)
        if budgets is not None:  # stated before the first item starts
            self.console.print(worst_case_line(budgets), highlight=False)

        for item in session.items:
            claim = claim_of(item)
            self.categories[item.nodeid] = claim.category if claim else "other"
            self.state.selected[self.categories[item.nodeid]] += 1
        self.state.started = time.monotonic()
        if self.live:
            self.progress.start()
            self.task = self.progress.add_task("judging claims", total=len(session.items), note="")
            return
        per = ", ".join(f"{c} {n}" for c, n in sorted(self.state.selected.items()))
        self._plain(f"progress: {self.state.total} claims selected ({per})")

    def pytest_runtest_logstart(self, nodeid: str, location: object) -> None:
        self.item_started = time.monotonic()
        category = self.categories.get(nodeid, "other")
        if category != self.state.category:
            self.state.category = category
            if not self.live:
                self._status()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "teardown":
            return
        elapsed = time.monotonic() - (self.item_started or time.monotonic())
        self.state.finished(self.state.category or "other", elapsed)
        if self.live and self.task is not None:
            left = self.state.remaining_s()
            note = f"{self.state.category}" + ("" if left is None else f", ~{clock(left)} left")
            self.progress.update(
                self.task, advance=1, description=f"judging {self.state.category}", note=note
            )
        self._verdict_line(report.nodeid)
        if not self.live and time.monotonic() - self.last_status >= STATUS_EVERY_S:
            self._status()

    def pytest_claimcheck_load_progress(self, config: pytest.Config, progress: LoadProgress) -> None:
        """A load phase: a second bar on a terminal, a line in plain mode."""
        if not self.live:
            self._plain(load_line(progress))
            return
        if self.load_task is None:
            self.load_task = self.progress.add_task(
                f"load {progress.label}", total=progress.duration_s, note=""
            )
        note = load_line(progress).split(": ", 1)[1]
        self.progress.update(self.load_task, completed=progress.elapsed_s, note=note)
        if progress.done:
            self.progress.remove_task(self.load_task)
            self.load_task = None
            self.progress.console.print(load_line(progress), highlight=False, markup=False)

    def _verdict_line(self, nodeid: str) -> None:
        match = CLAIM_ID.search(nodeid)
        if match is None or self.config is None:
            return
        from fixtures.reporting import verdict_of

        verdict = verdict_of(self.config, match[1])
        if verdict is not None:
            self._print_verdict(verdict)

    def _print_verdict(self, verdict: Verdict) -> None:
        outcome = verdict.outcome.value
        if not self.live:
            count = f"{self.state.done:>{len(str(self.state.total))}}/{self.state.total}"
            self._plain(f"{count} {outcome:<14} {verdict.claim_id:<17} {verdict.reason[:100]}")
            return
        line = Text.assemble(
            (f"{outcome:<14}", COLOURS.get(outcome, "white")),
            f" {verdict.claim_id:<17} ",
            verdict.reason[:100],
        )
        self.progress.console.print(line, highlight=False)

    def replay(self, settled: Sequence[tuple[str, Verdict]]) -> None:
        """The lines of a run whose claims were settled without their suites (checks/fastpath.py): each
        (category, verdict) in run order, as if its item had just finished."""
        self.state.selected.update(category for category, _ in settled)
        per = ", ".join(f"{c} {n}" for c, n in sorted(self.state.selected.items()))
        self._plain(f"progress: {self.state.total} claims selected ({per})")
        for category, verdict in settled:
            if category != self.state.category:
                self.state.category = category
                if not self.live:
                    self._status()
            self.state.finished(category, 0.0)
            self._print_verdict(verdict)
        self._status()

    def _status(self) -> None:
        self.last_status = time.monotonic()
        self._plain(f"progress: {self.state.status()}")

    def _plain(self, line: str) -> None:
        self.console.print(line, highlight=False, markup=False, soft_wrap=True)

    def pytest_sessionfinish(self) -> None:
        if self.live:
            self.progress.stop()
        else:
            self._status()
        if self.config is None:
            return
        from fixtures.reporting import TIMES_KEY

        times = self.config.stash.get(TIMES_KEY, {})
        if times:
            self.console.print(
                "time per category: "
                + ", ".join(
                    f"{category} {seconds:.1f} s"
                    for category, seconds in sorted(times.items(), key=lambda kv: -kv[1])
                ),
                soft_wrap=True,
            )

    def pytest_internalerror(self, excrepr: object) -> None:
        if self.live:
            self.progress.stop()
        self.console.print(f"[red]internal error[/]: {excrepr}")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.console.print(f"[red]collection error[/] in {report.nodeid}: {report.longreprtext[-800:]}")
