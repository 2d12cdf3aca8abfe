"""Reading the common data model: scoping, filters, order-by, serialization.

The tenancy and billing domains declare their endpoints with these parts.
"""
