"""Connect links: a single-use, expiring page where a property manager enters PMS credentials."""
