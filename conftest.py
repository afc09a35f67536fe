"""claimcheck's pytest plugins. Each lives in fixtures/ and owns one option group."""

pytest_plugins = [
    "fixtures.targets",
    "fixtures.claims",
    "fixtures.safety",
    "fixtures.budget",
    "fixtures.reporting",
    "fixtures.endpoints",
    "fixtures.load",
]
