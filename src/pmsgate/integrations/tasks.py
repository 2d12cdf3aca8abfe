"""`integration.check_data_access`: which models the credentials can read."""

from __future__ import annotations

import logging

from pmsgate.canonical.enums import Vendor
from pmsgate.connectors import connect
from pmsgate.connectors.base import Connector
from pmsgate.connectors.errors import AuthError, ConnectorError
from pmsgate.integrations import access as access_report
from pmsgate.integrations.repository import IntegrationRepository
from pmsgate.kit.db import session_factory, unit_of_work
from pmsgate.kit.timeutil import utcnow

log = logging.getLogger(__name__)


def check_data_access(integration_id: str, builder: connect.ConnectorBuilder | None = None) -> None:
    factory = session_factory()
    with unit_of_work(factory) as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        if integration is None or integration.is_archived:
            return
        context = connect.context_for(integration)
        vendor = Vendor(integration.vendor)
    connector = (builder or connect.default_builder)(context)
    can_authenticate, models = probe_data_access(connector, integration_id, vendor)
    with unit_of_work(factory) as session:
        integration = IntegrationRepository.from_session(session).get(integration_id)
        if integration is None:
            return
        integration.data_access = models
        integration.can_authenticate = can_authenticate
        integration.last_data_access_check = utcnow()
        integration.data_access_check_in_process = False


def probe_data_access(connector: Connector, label: str, vendor: Vendor) -> tuple[bool, dict[str, object]]:
    """Asks the PMS whether the credentials authenticate and which models they can read; closes
    the connector. Shared by the data-access task and the connect page's live check."""
    models: dict[str, object] = {}
    can_authenticate = False
    try:
        connector.check_credentials()
        can_authenticate = True
        access = connector.data_access()
        models = access_report.report(vendor, access)
    except AuthError as exc:
        models = access_report.failed(vendor, connector.supported_models(), exc.message)
    except ConnectorError as exc:
        log.warning("data access check of %s failed: %s", label, exc.message)
        models = access_report.failed(vendor, connector.supported_models(), exc.message)
    finally:
        connector.close()
    return can_authenticate, models
