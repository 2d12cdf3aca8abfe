"""The router list, and nothing else."""

from __future__ import annotations

from fastapi import APIRouter

from pmsgate.billing.endpoints import router as billing
from pmsgate.connectlinks.endpoints import router as connect_links
from pmsgate.integrations.endpoints import router as integrations
from pmsgate.integrations.limits import router as integration_limits
from pmsgate.integrations.sync_runs import router as sync_runs
from pmsgate.sync.endpoints import router as data_diffs
from pmsgate.tenancy.endpoints import router as tenancy
from pmsgate.webhooks.endpoints import events_router as event_feed
from pmsgate.webhooks.endpoints import router as webhooks
from pmsgate.writes.endpoints import routers as write_routers


def routers() -> list[APIRouter]:
    return [
        integrations,
        integration_limits,
        connect_links,
        data_diffs,
        sync_runs,
        billing,
        tenancy,
        *write_routers(),
        webhooks,
        event_feed,
    ]
