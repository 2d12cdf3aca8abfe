"""Admin API of integrations: CRUD, syncs on demand, property configurations, data access,
job schedules."""
