"""The local reference target: real servers on loopback, started and stopped by the project.

Usage: `python -m sandbox up|down|status`.
"""
