"""claimcheck's pytest plugins (the list lives in fixtures/__init__.py, shared with `claimcheck run`)."""

from fixtures import PLUGINS

pytest_plugins = list(PLUGINS)
