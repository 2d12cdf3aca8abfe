"""Connectors: one package per vendor, speaking that vendor's native API."""
