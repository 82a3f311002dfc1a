"""Pricing: the promotion engine and the promotions, coupons and vouchers it reads."""
