"""Stock per SKU and its movements; never negative."""
