"""Errors that carry enough context for a user to fix their input or their target."""

from __future__ import annotations


class ClaimcheckError(Exception):
    """Base of every error claimcheck raises on purpose."""


class ConfigError(ClaimcheckError):
    """A broken input file (ledger, targets.yaml): names the file, the entry and the key."""

    def __init__(self, file: str, message: str, *, entry: str | None = None, key: str | None = None) -> None:
        self.file = file
        self.entry = entry
        self.key = key
        where = file
        if entry:
            where += f" [{entry}]"
        if key:
            where += f" key '{key}'"
        super().__init__(f"{where}: {message}")


class CollectionError(ClaimcheckError):
    """Evidence could not be collected. Never swallowed into 'nothing wrong': it becomes ERROR."""

    def __init__(self, endpoint: str, message: str) -> None:
        self.endpoint = endpoint
        super().__init__(f"{endpoint}: {message}")


class TargetUnreachable(CollectionError):
    """The endpoint did not answer at all (refused, timed out, DNS)."""


class AccessDenied(CollectionError):
    """The endpoint answered but refused our credentials (401/403)."""


class DeadlineExceeded(TargetUnreachable):
    """The endpoint gave no complete answer within the call's total deadline (connect, read and total)."""


class ResponseTooLarge(CollectionError):
    """The answer was larger than the target's `max_response_bytes`: not read further, never judged."""


class StopConditionBreached(CollectionError):
    """The target's steady state breached the profile's stop condition during load or a drill: the run
    stops at once, the drill's undo runs, and verdicts.json says `aborted: "stop condition: ..."`."""


class ReportWriteError(ClaimcheckError):
    """The reports directory cannot be written (read-only, full, not a directory): exit 3, nothing partial."""


class EndpointGivenUp(TargetUnreachable):
    """The endpoint gave no answer earlier in this run and is not asked again (see collect/deadline.py)."""


class BudgetExceeded(ClaimcheckError):
    """A suite item ran past its wall-clock budget (the profile's `item_budget_s`): it ends as ERROR."""
