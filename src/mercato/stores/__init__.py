"""Merchants: brands, store applications, stores of both kinds, staff, tags, brand authorisations."""
