"""Charge codes, financial accounts, charges, payments, recurring charges and fees."""
