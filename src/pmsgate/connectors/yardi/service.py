"""Yardi's SOAP interfaces as pmsgate uses them, declared as data, and the WSDL built from them.

Yardi serves one ASMX endpoint per interface (`…/webservices/ItfResidentTransactions20.asmx`),
document/literal SOAP 1.1, every body carrying the login (UserName, Password, ServerName,
Database, Platform) and the interface licence (InterfaceEntity, InterfaceLicense). Parameter
order matters (each body is an `xs:sequence`), so each operation lists its parameters in Yardi's
order; results are either a MITS XML document (`any`) or a number (SysBatch's batch ids and
negative return codes).

pmsgate does not ship Yardi's WSDLs: `wsdl_document` writes a minimal one from these
declarations (only the operations pmsgate calls). The connector builds its zeep client from it
(no `?WSDL` round trip per job, and the same contract whichever Voyager build a client runs) and
the emulator serves it at `?WSDL`. Tests check both sides against Yardi's published WSDLs.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

LOGIN = ("UserName", "Password", "ServerName", "Database", "Platform")
ENTITY = ("InterfaceEntity", "InterfaceLicense")
CREDENTIALS = LOGIN + ENTITY
XSD_TYPES = {
    "FromDate": "s:dateTime",
    "ToDate": "s:dateTime",
    "PostMonth": "s:dateTime",
    "ModifiedSinceDate": "s:dateTime",
    "BatchId": "s:long",
}
XML_PARAMS = frozenset({"TransactionXml"})  # mixed content holding a MITS document


@dataclass(frozen=True)
class Operation:
    name: str
    params: tuple[str, ...]
    result: str = "any"  # "any" (a MITS document) or "long"

    @property
    def property_scoped(self) -> bool:
        return "YardiPropertyId" in self.params


@dataclass(frozen=True)
class Interface:
    name: str
    namespace: str
    description: str
    operations: tuple[Operation, ...]

    @property
    def path(self) -> str:
        return f"/webservices/{self.name}.asmx"

    def operation(self, name: str) -> Operation:
        for op in self.operations:
            if op.name == name:
                return op
        raise KeyError(f"{self.name} has no operation {name!r}")


_PROPERTY = (*LOGIN, "YardiPropertyId", *ENTITY)

BILLING = Interface(
    name="ItfResidentTransactions20",
    namespace="http://tempuri.org/YSI.Interfaces.WebServices/ItfResidentTransactions20",
    description="Yardi Billing & Payments (MITS Resident Transactions 2.0), as pmsgate calls it",
    operations=(
        Operation("GetPropertyConfigurations", CREDENTIALS),
        Operation("GetUnitInformation_Login", _PROPERTY),
        Operation("GetChargeTypes_Login", CREDENTIALS),
        Operation("ExportChartOfAccounts", (*CREDENTIALS, "PropertyId")),
        Operation("GetResidentTransactions_Login", _PROPERTY),
        Operation("GetResidentTransactions_ByChargeDate_Login", (*_PROPERTY, "FromDate", "ToDate")),
        Operation("GetResidentsLeaseCharges_Login", (*LOGIN, "YardiPropertyId", "PostMonth", *ENTITY)),
        Operation("ImportCharge_Login", (*CREDENTIALS, "TransactionXml")),
        Operation("ImportReceipt_Login", (*CREDENTIALS, "TransactionXml")),
        Operation("ImportResidentTransactions_Login", (*CREDENTIALS, "TransactionXml")),
    ),
)

SYSBATCH = Interface(
    name="ItfResidentTransactions20_SysBatch",
    namespace="http://tempuri.org/YSI.Interfaces.WebServices/ResidentTransactions20_SysBatch",
    description="Yardi System Batch (charge batches), as pmsgate calls it",
    operations=(
        Operation("OpenChargeBatch", (*_PROPERTY, "BatchDescription"), result="long"),
        Operation("AddChargesToBatch", (*CREDENTIALS, "BatchId", "TransactionXml")),
        Operation("PostChargeBatch", (*CREDENTIALS, "BatchId")),
        Operation("CancelChargeBatch", (*CREDENTIALS, "BatchId")),
    ),
)

# Common Data: residents changed since a date (the only incremental read pmsgate needs there).
COMMON = Interface(
    name="ItfCommonData",
    namespace="http://tempuri.org/YSI.Interfaces.WebServices/ItfCommonData",
    description="Yardi Common Data, as pmsgate calls it",
    operations=(
        Operation("GetResidentsByDate", (*CREDENTIALS, "YardiPropertyId", "Status", "ModifiedSinceDate")),
    ),
)

INTERFACES = {i.name: i for i in (BILLING, SYSBATCH, COMMON)}

_WSDL = "http://schemas.xmlsoap.org/wsdl/"
_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
_XS = "http://www.w3.org/2001/XMLSchema"


def soap_action(interface: Interface, operation: str) -> str:
    return f"{interface.namespace}/{operation}"


def wsdl_document(interface: Interface, address: str) -> bytes:
    """A WSDL 1.1 document (document/literal, SOAP 1.1) of `interface` served at `address`."""
    nsmap = {"wsdl": _WSDL, "soap": _SOAP, "s": _XS, "tns": interface.namespace}
    root = etree.Element(f"{{{_WSDL}}}definitions", nsmap=nsmap, targetNamespace=interface.namespace)
    etree.SubElement(root, f"{{{_WSDL}}}documentation").text = interface.description
    schema = etree.SubElement(
        etree.SubElement(root, f"{{{_WSDL}}}types"),
        f"{{{_XS}}}schema",
        elementFormDefault="qualified",
        targetNamespace=interface.namespace,
    )
    for op in interface.operations:
        _request_element(schema, op)
        _response_element(schema, op)
    port_type = etree.Element(f"{{{_WSDL}}}portType", name=f"{interface.name}Soap")
    binding = etree.Element(
        f"{{{_WSDL}}}binding", name=f"{interface.name}Soap", type=f"tns:{interface.name}Soap"
    )
    etree.SubElement(binding, f"{{{_SOAP}}}binding", transport="http://schemas.xmlsoap.org/soap/http")
    for op in interface.operations:
        for suffix, element in (("SoapIn", op.name), ("SoapOut", f"{op.name}Response")):
            message = etree.SubElement(root, f"{{{_WSDL}}}message", name=f"{op.name}{suffix}")
            etree.SubElement(message, f"{{{_WSDL}}}part", name="parameters", element=f"tns:{element}")
        pt_op = etree.SubElement(port_type, f"{{{_WSDL}}}operation", name=op.name)
        etree.SubElement(pt_op, f"{{{_WSDL}}}input", message=f"tns:{op.name}SoapIn")
        etree.SubElement(pt_op, f"{{{_WSDL}}}output", message=f"tns:{op.name}SoapOut")
        b_op = etree.SubElement(binding, f"{{{_WSDL}}}operation", name=op.name)
        etree.SubElement(
            b_op, f"{{{_SOAP}}}operation", soapAction=soap_action(interface, op.name), style="document"
        )
        for direction in ("input", "output"):
            etree.SubElement(
                etree.SubElement(b_op, f"{{{_WSDL}}}{direction}"), f"{{{_SOAP}}}body", use="literal"
            )
    root.append(port_type)
    root.append(binding)
    service = etree.SubElement(root, f"{{{_WSDL}}}service", name=interface.name)
    port = etree.SubElement(
        service, f"{{{_WSDL}}}port", name=f"{interface.name}Soap", binding=f"tns:{interface.name}Soap"
    )
    etree.SubElement(port, f"{{{_SOAP}}}address", location=address)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _sequence(parent: etree._Element, name: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{_XS}}}element", name=name)
    return etree.SubElement(etree.SubElement(element, f"{{{_XS}}}complexType"), f"{{{_XS}}}sequence")


def _any_holder(sequence: etree._Element, name: str) -> None:
    holder = etree.SubElement(sequence, f"{{{_XS}}}element", minOccurs="0", maxOccurs="1", name=name)
    inner = etree.SubElement(holder, f"{{{_XS}}}complexType", mixed="true")
    etree.SubElement(etree.SubElement(inner, f"{{{_XS}}}sequence"), f"{{{_XS}}}any")


def _request_element(schema: etree._Element, op: Operation) -> None:
    sequence = _sequence(schema, op.name)
    for param in op.params:
        if param in XML_PARAMS:
            _any_holder(sequence, param)
            continue
        kind = XSD_TYPES.get(param, "s:string")
        required = "0" if kind == "s:string" else "1"  # .NET value types are always sent
        etree.SubElement(
            sequence, f"{{{_XS}}}element", minOccurs=required, maxOccurs="1", name=param, type=kind
        )


def _response_element(schema: etree._Element, op: Operation) -> None:
    sequence = _sequence(schema, f"{op.name}Response")
    result = f"{op.name}Result"
    if op.result == "long":
        etree.SubElement(
            sequence, f"{{{_XS}}}element", minOccurs="1", maxOccurs="1", name=result, type="s:long"
        )
    else:
        _any_holder(sequence, result)
