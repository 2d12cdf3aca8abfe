"""Normalized enums of the common model. Each has OTHER for values we cannot place."""

from __future__ import annotations

from enum import StrEnum


class Vendor(StrEnum):
    SAMPLE1 = "SAMPLE1"
    SAMPLE2 = "SAMPLE2"
    BUILDIUM = "BUILDIUM"
    ENTRATA = "ENTRATA"
    MRI = "MRI"
    PROPERTYWARE = "PROPERTYWARE"
    PROPERTYWARE_REST = "PROPERTYWARE_REST"
    REALPAGE = "REALPAGE"
    REALPAGE_RPX = "REALPAGE_RPX"
    RENTMANAGER = "RENTMANAGER"
    RENTVINE = "RENTVINE"
    RESMAN = "RESMAN"
    YARDI = "YARDI"


class LeaseStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    PENDING = "PENDING"
    EVICTED = "EVICTED"
    OTHER = "OTHER"


class ResidentType(StrEnum):
    PRIMARY = "PRIMARY"
    OTHER = "OTHER"


class Frequency(StrEnum):
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    OTHER = "OTHER"


class PhoneType(StrEnum):
    FAX = "FAX"
    HOME = "HOME"
    MOBILE = "MOBILE"
    WORK = "WORK"
    OTHER = "OTHER"


class PropertyType(StrEnum):
    MULTI_FAMILY = "MULTI_FAMILY"
    SINGLE_FAMILY = "SINGLE_FAMILY"
    COMMERCIAL = "COMMERCIAL"
    OTHER = "OTHER"
