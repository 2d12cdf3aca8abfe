"""An emulator of Yardi Voyager's SOAP interfaces (Billing & Payments, System Batch, Common
Data): SOAP 1.1 envelopes, `?WSDL`, the interface login and licence in every body, Yardi's
negative return codes, MITS ResidentTransactions documents in and out, the 31-day rule on
date-ranged ledger reads, charge batches (≤ 500 per add) and the shared faults behind /_control."""

from pmsgate.emulators.yardi.app import DEFAULT_LOGIN, create_yardi_app
from pmsgate.emulators.yardi.store import Login, YardiStore

__all__ = ["DEFAULT_LOGIN", "Login", "YardiStore", "create_yardi_app"]
