"""One run of each drill per test session, shared by every claim of its kind (a short certification run)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from checks.collect.steady import SteadyWatch, breach_raises_in_main
from checks.drills.catalog import DRILLS
from checks.drills.harness import planned, run_drill
from checks.drills.topology import DrillEnv, drill_env
from checks.errors import StopConditionBreached
from checks.evidence.drills import DrillCapabilities
from checks.targets import Target


@dataclass(frozen=True)
class DryRun:
    """A drill that was not run: what it would have touched."""

    drill: str
    would: tuple[str, ...]


@dataclass(frozen=True)
class NotRun:
    """A drill that could not even start (the target lacks its part, or an earlier run left state behind)."""

    drill: str
    reason: str


class DrillSession:
    """Runs each drill at most once and hands the same evidence to every claim that asks."""

    def __init__(
        self,
        target_name: str,
        target: Target,
        run_id: str,
        dry_run: bool,
        watch: Callable[[str], SteadyWatch | None] | None = None,
    ) -> None:
        self.target_name, self.target, self.run_id, self.dry_run = target_name, target, run_id, dry_run
        self._watch = watch  # the profile's stop condition for one drill (None: no stop condition)
        self._env: DrillEnv | None = None
        self._env_loaded = False
        self._results: dict[str, Any] = {}

    @property
    def env(self) -> DrillEnv | None:
        if not self._env_loaded:
            self._env, self._env_loaded = drill_env(self.target_name, self.target), True
        return self._env

    def capabilities(self) -> DrillCapabilities:
        """What this target lets drills exercise."""
        return DrillCapabilities() if self.env is None else self.env.capabilities()

    def result(self, drill: str) -> Any:
        """The drill's evidence (run on first use), a DryRun, or NotRun. DrillInterrupted propagates."""
        if drill not in self._results:
            self._results[drill] = self._run(drill)
        return self._results[drill]

    def _run(self, name: str) -> Any:
        env = self.env
        if env is None:
            return NotRun(name, f"target {self.target_name} has no drills binding")
        try:
            drill = DRILLS[name](env, self.run_id)
            if self.dry_run:
                return DryRun(name, tuple(planned(drill)))
            return self._watched(name, lambda: run_drill(drill))
        except StopConditionBreached:
            raise  # the run is aborted; the drill's undo has run
        except Exception as exc:
            return NotRun(name, f"{type(exc).__name__}: {exc}")

    def _watched(self, name: str, body: Callable[[], Any]) -> Any:
        """Run a drill under the profile's stop condition: a breach interrupts it at once (its undo runs),
        and StopConditionBreached is raised once the drill is back."""
        watch = self._watch(name) if self._watch else None
        if watch is None:
            return body()
        with watch, breach_raises_in_main(watch, f"drill {name}"):
            result = body()
        watch.raise_if_breached(f"drill {name}")
        return result
