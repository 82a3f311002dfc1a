"""Splitting a discount over lines and a line's part between merchant and platform, to the fen.

Largest remainder (as kernel.money.allocate): each part gets the floor of its exact share and the fen left over go to
the largest remainders, ties to the larger weight, then to the earlier line in line-id order (callers pass lines
sorted by id). A discount above what the lines have left is capped to it, and no line takes more than it has left.
"""

from __future__ import annotations

from collections.abc import Sequence

from mercato.kernel.money import allocate as largest_remainder
from mercato.pricing.model.types import BASIS_POINTS


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split `amount` (capped at the weights' sum) over lines whose amount left is `weights` (none negative).

    The same parts as `kernel.money.allocate`, written out for the search's inner loop. No part exceeds its weight:
    a floor of `amount * w / whole` equal to `w` means `amount == whole`, which leaves no fen over to add.
    """
    whole = sum(weights)
    amount = min(amount, whole)
    if amount <= 0:
        return [0] * len(weights)
    parts = [amount * w // whole for w in weights]
    leftover = amount - sum(parts)
    if leftover:
        order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % whole), -weights[i], i))
        for i in order[:leftover]:
            parts[i] += 1
    return parts


def split_funding(amount: int, platform_bp: int) -> tuple[int, int]:
    """(merchant part, platform part) of `amount`, the platform funding `platform_bp` basis points."""
    if amount < 0:
        merchant, platform = largest_remainder(amount, [BASIS_POINTS - platform_bp, platform_bp])
        return merchant, platform
    merchant_bp = BASIS_POINTS - platform_bp
    merchant, merchant_rest = divmod(amount * merchant_bp, BASIS_POINTS)
    platform, platform_rest = divmod(amount * platform_bp, BASIS_POINTS)
    if merchant + platform < amount:  # one fen over: the larger remainder, then the larger share, then the merchant
        if (merchant_rest, merchant_bp) >= (platform_rest, platform_bp):
            return merchant + 1, platform
        return merchant, platform + 1
    return merchant, platform
