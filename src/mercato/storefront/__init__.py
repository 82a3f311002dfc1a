"""Browsing the marketplace: home, verticals, listings, product and store pages, composed from the capabilities below."""
