"""Emulators: stand-ins for property-management systems we cannot reach from tests.

Each emulator is an ASGI app that speaks one vendor's *native* API (its URLs, field names, date
and money formats, pagination and error bodies), never pmsgate's own shapes, so a connector is
tested against the same translation work it does in production. An emulator:

- holds its state in memory (`app.state.store`), seeded deterministically from `(records, seed)`
  so two runs, or two machines, see identical data;
- accepts the vendor's writes and validates them the way the vendor does;
- injects faults on demand (429 bursts, 5xx, slow pages, malformed records, writes whose answer
  is lost) through unauthenticated `/_control/*` endpoints (see `pmsgate.emulators.faults` and
  `pmsgate.emulators.control`).

A vendor's package brings its routes, store, seed and `Control`; `pmsgate.emulators.app`
puts them together the same way for every vendor.

They run in-process (httpx's ASGI transport) for speed or over a real socket
(`pmsgate.emulators.server.serve_in_thread`) where the wire matters. The demo integrations
(vendors SAMPLE1 and SAMPLE2) and the benchmarks run against `pmsgate.emulators.sample`.
"""
