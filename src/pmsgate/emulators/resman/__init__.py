"""An emulator of ResMan's classic partner API: form-encoded `POST /{Area}/{Method}` calls
authenticated by the partner's IntegrationPartnerID, ApiKey and the AccountID, answers in
ResMan's `Status` envelope as JSON or XML by `Accept`, MITS XML ledgers, partner transactions
held pending until approved (`/_control/approve`), and the shared faults behind /_control.
Which shapes are inferred is in docs/vendors/resman.md."""

from pmsgate.emulators.resman.app import DEFAULT_KEY, create_resman_app
from pmsgate.emulators.resman.store import PartnerKey, ResManStore

__all__ = ["DEFAULT_KEY", "PartnerKey", "ResManStore", "create_resman_app"]
