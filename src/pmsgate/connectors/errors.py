"""What a connector can fail with, and whether trying again may help.

ConnectorError
 ├── AuthError            credentials refused; retrying will not help until they change
 ├── RateLimited          the vendor said slow down; retry after `retry_after` seconds
 │    └── Throttled       the wait (our budget or the vendor's Retry-After) is longer than a
 │                        worker may sleep: the work is deferred, and nothing was sent
 ├── TransientError       5xx, timeouts, connection resets; retry with backoff
 │    └── Unreachable     no connection to the PMS at all, after every retry: every other
 │                        request of the run would fail the same way, so a sync stops there
 ├── PermanentError       the vendor refused the request itself (4xx); do not retry
 │    └── VendorRejected  a write the vendor validated and refused, with its message
 └── OutcomeUnknown       a write may or may not have reached the vendor
"""

from __future__ import annotations


class ConnectorError(Exception):
    retriable = False

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


class AuthError(ConnectorError):
    pass


class RateLimited(ConnectorError):
    retriable = True

    def __init__(self, message: str, *, retry_after: float, status_code: int | None = 429) -> None:
        super().__init__(message, status_code=status_code)
        self.retry_after = retry_after


class Throttled(RateLimited):
    pass


class TransientError(ConnectorError):
    retriable = True


class Unreachable(TransientError):
    pass


class PermanentError(ConnectorError):
    pass


class VendorRejected(PermanentError):
    pass


class OutcomeUnknown(ConnectorError):
    pass
