"""Read endpoints of the `properties`, `units`, `residents` and `leases` tags."""

from __future__ import annotations

from fastapi import APIRouter

from pmsgate.canonical.enums import LeaseStatus
from pmsgate.canonical.registry import Model
from pmsgate.records import expand
from pmsgate.records.filters import BoolIs, Equals, LeaseMoveDates, LinkedTo, PhoneIs, RequiresAlso, VendorIs
from pmsgate.records.routes import RecordResource, add_record_routes

_LOCATION = Equals(
    "location_id",
    "The Propexo unique identifier for the location associated with the property (exclusive to Rent Manager)",
)
_INTEGRATION = Equals("integration_id", "The Propexo unique identifier for the integration")
_PROPERTY = Equals("property_id", "The Propexo unique identifier for the property")

PROPERTIES = RecordResource(
    path="/v1/properties/",
    model=Model.PROPERTIES,
    id_param="id",
    name="Property",
    noun="property",
    filters=(
        Equals("x_id", "The external property id"),
        Equals("x_property_id", "Deprecated: Use x_id instead", column="x_id"),
        _LOCATION,
        _INTEGRATION,
        VendorIs(),
        BoolIs("is_active", "Active status of the property"),
    ),
    hidden=frozenset({"x_location_id", "location_id"}),
    leading={"property_id": (str, ...)},
    trailing={"x_property_id": (str, ...)},
    expand=expand.aliases(property_id="id", x_property_id="x_id"),
)

UNITS = RecordResource(
    path="/v1/units/",
    model=Model.UNITS,
    id_param="id",
    name="Unit",
    noun="unit",
    filters=(
        Equals("x_id", "The external unit id"),
        Equals("x_property_id", "Deprecated: Use the Propexo property_id instead"),
        _LOCATION,
        _PROPERTY,
        _INTEGRATION,
        VendorIs(),
        RequiresAlso(
            "unit_number",
            column="number",
            needs="property_id",
            description="The number of the unit. When using this, the Propexo `property_id` filter "
            "must be added as well.",
        ),
    ),
    hidden=frozenset({"x_location_id", "location_id"}),
)

RESIDENTS = RecordResource(
    path="/v1/residents/",
    model=Model.RESIDENTS,
    id_param="id",
    name="Resident",
    noun="resident",
    filters=(
        Equals("x_id", "The external resident id"),
        Equals("x_property_id", "Deprecated: Use Propexo property_id instead"),
        _LOCATION,
        _PROPERTY,
        LinkedTo("lease_id", "The Propexo lease id", link_column="lease_id", own_column="resident_id"),
        _INTEGRATION,
        VendorIs(),
        Equals("email_1", "The primary email address associated with the resident"),
        PhoneIs("phone_1", "Filter by phone number (10 digit format only)"),
    ),
    hidden=frozenset({"x_location_id", "location_id", "x_property_id"}),
    trailing={"leases_meta_data": (list[expand.ResidentLeaseMeta], ...)},
    expand=expand.chain(
        expand.link_meta("resident_id", "lease_id", "leases_meta_data"),
        expand.child_system_fields("pets", "vehicles"),
    ),
)

LEASES = RecordResource(
    path="/v1/leases/",
    model=Model.LEASES,
    id_param="lease_id",
    name="Lease",
    noun="lease",
    filters=(
        Equals("x_id", "The external lease id"),
        Equals("x_property_id", "Deprecated: Use the Propexo property_id instead"),
        Equals("x_unit_id", "Deprecated: Use the Propexo unit_id instead"),
        _LOCATION,
        Equals("unit_id", "The Propexo unique identifier for the unit"),
        LeaseMoveDates(),
        _PROPERTY,
        _INTEGRATION,
        VendorIs(),
        Equals("status_normalized", "The normalized status for the lease", type_=LeaseStatus | None),
        Equals("status_raw", "The raw status associated with the lease"),
        RequiresAlso(
            "unit_number",
            column="unit_number",
            needs="property_id",
            description="The unit number of the lease. When using this, the Propexo `property_id` "
            "filter must be added as well.",
        ),
    ),
    hidden=frozenset({"x_location_id", "location_id"}),
    trailing={"residents_meta_data": (list[expand.LeaseResidentMeta], ...)},
    expand=expand.link_meta("lease_id", "resident_id", "residents_meta_data"),
)

router = APIRouter()
for _resource, _tag in (
    (PROPERTIES, "properties"),
    (UNITS, "units"),
    (RESIDENTS, "residents"),
    (LEASES, "leases"),
):
    _sub = APIRouter(tags=[_tag])
    add_record_routes(_sub, _resource)
    router.include_router(_sub)
