"""An emulator of Entrata's JSON-RPC API: one POST endpoint per service keyed on `method.name`,
API-key or HTTP Basic auth, Entrata's error envelope and codes, per-method rate limits with
X-RateLimit-* headers, page_no/per_page paging of lease lists, Mountain Time dates, lease AR
transaction and scheduled-charge writes, and the shared faults behind /_control."""

from pmsgate.emulators.entrata.app import BASE_PATH, DEFAULT_KEY, create_entrata_app
from pmsgate.emulators.entrata.store import ApiKey, EntrataStore

__all__ = ["BASE_PATH", "DEFAULT_KEY", "ApiKey", "EntrataStore", "create_entrata_app"]
