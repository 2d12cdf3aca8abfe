"""SOAP 1.1 on the wire, as an ASMX service speaks it: a request envelope in, the
`{Operation}Response/{Operation}Result` element out, and `soap:Fault` (HTTP 500) for a request
the service cannot read."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from starlette.responses import Response

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CONTENT_TYPE = "text/xml; charset=utf-8"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class SoapFault(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Call:
    operation: str
    namespace: str
    body: etree._Element  # the operation element

    def text(self, name: str) -> str | None:
        child = self.body.find(f"{{{self.namespace}}}{name}")
        return None if child is None else (child.text or "")

    def document(self, name: str) -> etree._Element | None:
        """The MITS document inside an `any` parameter (TransactionXml)."""
        holder = self.body.find(f"{{{self.namespace}}}{name}")
        if holder is None:
            return None
        return next(iter(holder.iterchildren(etree.Element)), None)


def parse(content: bytes) -> Call:
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SoapFault("soap:Client", f"Server was unable to read request. {exc}") from None
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise SoapFault("soap:VersionMismatch", "Possible SOAP version mismatch: not a SOAP 1.1 envelope")
    body = root.find(f"{{{SOAP_ENV}}}Body")
    operation = None if body is None else next(iter(body.iterchildren(etree.Element)), None)
    if operation is None:
        raise SoapFault("soap:Client", "Server did not recognize the value of the request body")
    qname = etree.QName(operation)
    return Call(qname.localname, qname.namespace or "", operation)


def envelope(content: etree._Element) -> Response:
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    etree.SubElement(root, f"{{{SOAP_ENV}}}Body").append(content)
    return Response(etree.tostring(root, xml_declaration=True, encoding="utf-8"), media_type=CONTENT_TYPE)


def result(call: Call, value: etree._Element | int | str) -> Response:
    """`<{op}Response><{op}Result>value</…></…>` in the interface's namespace."""
    ns = call.namespace
    # A prefix, not a default namespace: the documents inside are in no namespace (or MITS's),
    # and lxml would not undeclare a default one for them.
    response = etree.Element(f"{{{ns}}}{call.operation}Response", nsmap={"y": ns})
    holder = etree.SubElement(response, f"{{{ns}}}{call.operation}Result")
    if isinstance(value, etree._Element):
        holder.append(value)
    else:
        holder.text = str(value)
    return envelope(response)


def fault(error: SoapFault) -> Response:
    node = etree.Element(f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(node, "faultcode").text = error.code
    etree.SubElement(node, "faultstring").text = error.message
    response = envelope(node)
    response.status_code = 500
    return response
