"""claimcheck's pytest plugins. Each lives in fixtures/ and owns one option group."""

pytest_plugins = [
    "fixtures.targets",
    "fixtures.claims",
    "fixtures.declared",
    "fixtures.safety",
    "fixtures.reporting",
    "fixtures.endpoints",
    "fixtures.load",
]
