from __future__ import annotations

from checks.blocks import scripts
from tests.blocks.conftest import block


def test_scripts_and_listings_are_read_by_the_method_analyzer() -> None:
    assert scripts.read(block("echo ok", "bash")) is not None
    assert scripts.read(block("x = 1", "python")) is not None
    assert scripts.read(block("SELECT 1;", "sql")) is None
