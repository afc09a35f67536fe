"""Collectors that try to break tenant isolation from inside a tenant (database, API, network, edge,
webhooks).

Every probe pairs a forbidden attempt with an allowed one (own rows, own resource, own service), so a dead
network or a broken credential shows up as "could not measure", never as isolation.
"""
