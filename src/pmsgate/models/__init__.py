"""ORM tables. Importing this package registers every table on `Base.metadata`."""

from pmsgate.models import console, customers, integrations, jobs, records, sync, webhooks
from pmsgate.models.base import Base

__all__ = ["Base", "console", "customers", "integrations", "jobs", "records", "sync", "webhooks"]
