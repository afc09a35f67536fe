"""Planted defects: real faults put into the running sandbox to show that each check can fail.

`python -m sandbox.defects list|plant|unplant|selftest` (also `claimcheck sandbox plant|unplant|defects` and
`claimcheck selftest`). The catalog is data (catalog.yaml); the mechanisms are small modules beside it.
"""
