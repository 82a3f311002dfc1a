"""Industries (the category tree), listing rules, commission rates, products (SPU) and SKUs."""
