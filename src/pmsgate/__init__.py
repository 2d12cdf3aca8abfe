"""pmsgate: a self-hostable unified API for property-management systems."""

__version__ = "0.1.0"
