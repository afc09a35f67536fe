"""The exit codes of `claimcheck` (see checks/cli.py): one place, imported by the CLI and the runner."""

from __future__ import annotations

EXIT_OK, EXIT_DISPROVEN, EXIT_CONFIG, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
