"""claimcheck: turn the claims of infrastructure documents into verdicts backed by evidence."""

from __future__ import annotations

__version__ = "0.1.0"
