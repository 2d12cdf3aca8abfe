"""Customers, API keys, bearer authentication and per-customer rate limits."""
