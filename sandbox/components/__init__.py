"""Sandbox components: one module per server kind, each with start/stop/status."""
