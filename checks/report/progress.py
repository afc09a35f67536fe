"""Live progress on the console for `claimcheck run`: one coloured line per verdict and a progress bar."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

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


class ProgressPlugin:
    """A pytest plugin object: counts claim items and prints each verdict as it lands."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.config: pytest.Config | None = None
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task: Any = None

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        from fixtures.budget import budgets_of, worst_case_line

        budgets = budgets_of(session.config)
        if budgets is not None:
            self.console.print(worst_case_line(budgets), highlight=False)
        self.progress.start()
        self.task = self.progress.add_task("judging claims", total=len(session.items))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "teardown" or self.task is None:
            return
        self.progress.advance(self.task)
        match = CLAIM_ID.search(report.nodeid)
        if match is None or self.config is None:
            return
        from fixtures.reporting import verdict_of

        verdict = verdict_of(self.config, match[1])
        if verdict is not None:
            colour = COLOURS.get(verdict.outcome.value, "white")
            line = Text.assemble(
                (f"{verdict.outcome.value:<14}", colour), f" {verdict.claim_id:<17} ", verdict.reason[:100]
            )
            self.progress.console.print(line, highlight=False)

    def pytest_sessionfinish(self) -> None:
        self.progress.stop()
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
                )
            )

    def pytest_internalerror(self, excrepr: object) -> None:
        self.progress.stop()
        self.console.print(f"[red]internal error[/]: {excrepr}")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.console.print(f"[red]collection error[/] in {report.nodeid}: {report.longreprtext[-800:]}")
