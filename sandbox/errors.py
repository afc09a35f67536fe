"""Errors raised while orchestrating the sandbox."""

from __future__ import annotations

from checks.errors import ClaimcheckError


class SandboxError(ClaimcheckError):
    """A sandbox component could not be started, checked or stopped; the message names it."""

    def __init__(self, component: str, message: str) -> None:
        self.component = component
        super().__init__(f"sandbox component {component}: {message}")


class StartupFailed(SandboxError):
    """Waiting is pointless (e.g. the process exited): polling loops stop at once on this error."""
