"""The project's own tests: they never touch a target. `pytester` drives the plugins in a scratch dir."""

pytest_plugins = ["pytester"]
