"""Vocabulary the seed draws from: names, places, charge codes, accounts. Data only."""

from __future__ import annotations

# fmt: off
SITE_NAMES = (
    "Maple Court", "Cedar Ridge", "Lakeview Commons", "Riverside Lofts", "Oak Hollow", "Prairie Point",
    "Willow Bend", "Harbor View", "Elm Street Flats", "Summit Place", "Birchwood", "Northgate",
    "Stonebridge", "Aspen Grove", "Magnolia Terrace", "Granite Park",
)
CITIES = (
    ("Chicago", "IL", "606"), ("Evanston", "IL", "602"), ("Madison", "WI", "537"), ("Milwaukee", "WI", "532"),
    ("Dallas", "TX", "752"), ("Austin", "TX", "787"), ("Kansas City", "MO", "641"), ("Omaha", "NE", "681"),
)
STREETS = (
    "Main St", "Oak Ave", "Lake Shore Dr", "Park Blvd", "Washington St", "Elm Rd", "Hill Ct", "Grand Ave",
)
GIVEN_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Maria",
    "Wei", "Aisha", "Noah", "Olivia", "Liam", "Emma", "Mateo", "Sofia", "Kenji", "Priya",
)
FAMILY_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Nguyen", "Patel", "Kim", "O'Brien", "Novak", "Kowalski", "Okafor", "Schmidt", "Rossi",
)
PET_KINDS = (("dog", ("Labrador", "Beagle", "Poodle", "Mixed")), ("cat", ("Tabby", "Siamese", "Mixed")))
PET_NAMES = ("Max", "Bella", "Luna", "Charlie", "Milo", "Daisy", "Rocky", "Cleo")
CARS = (
    ("Toyota", "Camry"), ("Honda", "Civic"), ("Ford", "F-150"), ("Subaru", "Outback"), ("Tesla", "Model 3"),
)
COLORS = ("Black", "White", "Silver", "Blue", "Red", "Gray")
PLATE_STATES = ("IL", "WI", "TX", "MO", "NE", "IN")

# (number, title, kind): the first three exist at every site, extras are drawn per site.
GL_REQUIRED = (
    ("1010", "Operating Cash", "bank"), ("4000", "Rent Income", "income"),
    ("2200", "Security Deposits Held", "liability"),
)
GL_EXTRA = (
    ("1020", "Reserve Cash", "bank"), ("4100", "Fee Income", "income"),
    ("4200", "Utility Reimbursement", "income"), ("4300", "Late Fee Income", "income"),
    ("2300", "Prepaid Rent", "liability"),
)
RECEIVABLE_ACCOUNT = "1200"

# (code, label, credit account number, amount range in dollars); RENT and CONC exist at every site.
CODE_REQUIRED = (("RENT", "Rent", "4000", (0, 0)), ("CONC", "Concession", "4000", (25, 150)))
CODE_EXTRA = (
    ("PARK", "Parking", "4100", (35, 120)), ("PET", "Pet Rent", "4100", (25, 60)),
    ("UTIL", "Utilities", "4200", (40, 180)), ("LATE", "Late Fee", "4300", (50, 100)),
    ("DEP", "Security Deposit", "2200", (250, 800)), ("CLEAN", "Cleaning Fee", "4100", (75, 250)),
    ("STOR", "Storage", "4100", (20, 75)), ("AMEN", "Amenity Fee", "4100", (15, 50)),
    ("TRASH", "Trash Service", "4200", (10, 30)), ("KEY", "Key Replacement", "4100", (25, 75)),
)
SITE_FEES = (("Application Fee", "50.00"), ("Administrative Fee", "150.00"), ("Pet Deposit", "300.00"))
SPACE_FEES = (("Premium View", "75.00"), ("Reserved Parking", "45.00"), ("Garage", "125.00"))

# Weights, kept as data so the proportions are easy to read and change.
LEASE_STATES = (("current", 60), ("past", 20), ("notice", 8), ("future", 7), ("evicted", 5))
OCCUPANT_ROLES = (("co", 60), ("occupant", 30), ("guarantor", 10))
HOUSEHOLD_SIZES = ((1, 55), (2, 35), (3, 10))
METHODS = (("ach", 45), ("card", 20), ("check", 20), ("cash", 5), ("money_order", 5), ("other", 5))
FREQUENCIES = (("month", 85), ("week", 7), ("year", 5), ("day", 3))
# fmt: on
