"""`create_yardi_app`: Yardi Voyager's SOAP interfaces (the part pmsgate uses) as an ASGI app.

    POST /webservices/ItfResidentTransactions20.asmx           Billing & Payments
    POST /webservices/ItfResidentTransactions20_SysBatch.asmx  System Batch (charge batches)
    POST /webservices/ItfCommonData.asmx                       Common Data (GetResidentsByDate)
    GET  …/{interface}.asmx?WSDL                               the interface's WSDL

Before the SOAP layer, as a gateway would: the emulator's optional request rate (429 with
Retry-After) and the shared faults (429 bursts, 503s). Yardi's own refusals (login, licence,
rights, property access) come back inside a normal 200 SOAP response; see `store`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from pmsgate.connectors.yardi.service import CREDENTIALS, INTERFACES, XML_PARAMS, Interface, wsdl_document
from pmsgate.emulators.app import emulator_app
from pmsgate.emulators.yardi import documents
from pmsgate.emulators.yardi.control import CONTROL
from pmsgate.emulators.yardi.envelope import CONTENT_TYPE, SoapFault, fault, parse, result
from pmsgate.emulators.yardi.operations import HANDLERS, LostAnswer
from pmsgate.emulators.yardi.seed import generate
from pmsgate.emulators.yardi.store import Invalid, Login, Refused, YardiStore

DEFAULT_LOGIN = Login()


def _endpoint(interface: Interface) -> Callable[[Request], Awaitable[Response]]:
    """The handler of one interface's URL: ?WSDL on GET, SOAP calls on POST."""

    async def get(request: Request) -> Response:
        if not any(key.lower() == "wsdl" for key in request.query_params):
            return PlainTextResponse("Send ?WSDL for the service description", status_code=400)
        address = str(request.url.replace(query=""))
        return Response(wsdl_document(interface, address), media_type=CONTENT_TYPE)

    async def post(request: Request) -> Response:
        store: YardiStore = request.app.state.store
        outage = store.outage()
        if outage == 429:
            return PlainTextResponse("Too Many Requests", status_code=429, headers={"Retry-After": "1"})
        if outage == 503:
            return PlainTextResponse("Service Unavailable", status_code=503)
        try:
            call = parse(await request.body())
            known = {op.name for op in interface.operations}
            if call.namespace != interface.namespace or call.operation not in known:
                raise SoapFault("soap:Client", f"Server did not recognize the operation {call.operation!r}")
        except SoapFault as exc:
            return fault(exc)
        declared = interface.operation(call.operation)
        numeric = declared.result == "long"
        try:
            params = {name: call.text(name) for name in declared.params if name not in XML_PARAMS}
            store.check(
                call.operation, {k: v for k, v in params.items() if k in CREDENTIALS or "Propert" in k}
            )
            return result(call, HANDLERS[call.operation](store, call))
        except Refused as exc:
            return result(call, exc.code if numeric else documents.messages("Error", exc.message))
        except Invalid as exc:
            return result(call, 0 if numeric else documents.messages("Error", str(exc)))
        except SoapFault as exc:
            return fault(exc)
        except LostAnswer:
            return fault(SoapFault("soap:Server", "Server was unable to process request. Timeout expired"))

    async def endpoint(request: Request) -> Response:
        return await (get(request) if request.method == "GET" else post(request))

    return endpoint


ROUTES = [Route(i.path, _endpoint(i), methods=["GET", "POST"]) for i in INTERFACES.values()]


def create_yardi_app(
    *,
    records: int = 200,
    seed: int = 7,
    login: Login = DEFAULT_LOGIN,
    requests_per_second: float | None = None,
) -> Starlette:
    """Yardi Voyager with about `records` tenants of deterministic data, accepting only `login`
    (None rate: unlimited; Yardi publishes no figure). State: `app.state.store`."""
    return emulator_app(ROUTES, YardiStore(generate(records, seed), login, requests_per_second), CONTROL)
