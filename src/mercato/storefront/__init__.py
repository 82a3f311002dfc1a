"""Browsing the marketplace: home, categories, listings, product and store pages, composed from the layers below."""
