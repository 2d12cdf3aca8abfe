"""Properties, units, residents and leases (read endpoints)."""
