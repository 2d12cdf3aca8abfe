"""Read endpoints of the `properties`, `units`, `residents` and `leases` tags."""

from __future__ import annotations

from pmsgate.canonical.enums import LeaseStatus
from pmsgate.canonical.registry import Model
from pmsgate.records import expand
from pmsgate.records.filters import (
    INTEGRATION,
    LOCATION,
    PROPERTY,
    UNIT,
    BoolIs,
    Equals,
    LeaseMoveDates,
    LinkedTo,
    PhoneIs,
    RequiresAlso,
    VendorIs,
)
from pmsgate.records.routes import RecordResource, record_router

PROPERTIES = RecordResource(
    Model.PROPERTIES,
    "property",
    id_param="id",
    filters=(
        Equals("x_id", "The external property id"),
        Equals("x_property_id", "Deprecated: Use x_id instead", column="x_id"),
        LOCATION,
        INTEGRATION,
        VendorIs(),
        BoolIs("is_active", "Active status of the property"),
    ),
    hidden=frozenset({"x_location_id", "location_id"}),
    leading={"property_id": (str, ...)},
    trailing={"x_property_id": (str, ...)},
    expand=expand.aliases(property_id="id", x_property_id="x_id"),
)

UNITS = RecordResource(
    Model.UNITS,
    "unit",
    id_param="id",
    filters=(
        Equals("x_id", "The external unit id"),
        Equals("x_property_id", "Deprecated: Use the Propexo property_id instead"),
        LOCATION,
        PROPERTY,
        INTEGRATION,
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
    Model.RESIDENTS,
    "resident",
    id_param="id",
    filters=(
        Equals("x_id", "The external resident id"),
        Equals("x_property_id", "Deprecated: Use Propexo property_id instead"),
        LOCATION,
        PROPERTY,
        LinkedTo("lease_id", "The Propexo lease id", link_column="lease_id", own_column="resident_id"),
        INTEGRATION,
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
    Model.LEASES,
    "lease",
    filters=(
        Equals("x_id", "The external lease id"),
        Equals("x_property_id", "Deprecated: Use the Propexo property_id instead"),
        Equals("x_unit_id", "Deprecated: Use the Propexo unit_id instead"),
        LOCATION,
        UNIT,
        LeaseMoveDates(),
        PROPERTY,
        INTEGRATION,
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

router = record_router(
    ("properties", (PROPERTIES,)), ("units", (UNITS,)), ("residents", (RESIDENTS,)), ("leases", (LEASES,))
)
