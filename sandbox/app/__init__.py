"""The sandbox's booking API: a small multi-tenant BarberPro-like service (Starlette, PostgreSQL, Redis).

Run it with `python -m sandbox.app --config PATH --port P`; provision its database with
`sandbox.app.provision.provision_database`. See sandbox/README.md for the config format.
"""
