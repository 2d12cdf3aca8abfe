"""ORM tables. Importing this package registers every table on `Base.metadata`."""

from pmsgate.models import customers, integrations, jobs, records, sync
from pmsgate.models.base import Base

__all__ = ["Base", "customers", "integrations", "jobs", "records", "sync"]
