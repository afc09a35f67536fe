"""Every mechanism module; importing this package registers them all (sandbox/defects/mechanism.py)."""

from sandbox.defects.mechanisms import app, cloud, network, nginx, postgres, prometheus, replication

__all__ = ["app", "cloud", "network", "nginx", "postgres", "prometheus", "replication"]
