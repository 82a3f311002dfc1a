"""Splitting a discount over lines and a line's part between merchant and platform, to the fen.

Largest remainder (kernel.money.allocate): each part gets the floor of its exact share and the fen left over go to
the largest remainders, ties to the larger weight, then to the earlier line in line-id order (callers pass lines
sorted by id). A line never takes more than it has left: the excess passes to the other lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from mercato.kernel.money import allocate as largest_remainder
from mercato.pricing.model.types import BASIS_POINTS


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split `amount` (capped at the weights' sum) over lines whose amount left is `weights`."""
    amount = min(amount, sum(weights))
    if amount <= 0:
        return [0] * len(weights)
    parts = [min(p, w) for p, w in zip(largest_remainder(amount, weights), weights, strict=True)]
    left = amount - sum(parts)
    while left > 0:
        room = [w - p for p, w in zip(parts, weights, strict=True)]
        extra = largest_remainder(min(left, sum(room)), room)
        parts = [p + e for p, e in zip(parts, extra, strict=True)]
        left = amount - sum(parts)
    return parts


def split_funding(amount: int, platform_bp: int) -> tuple[int, int]:
    """(merchant part, platform part) of `amount`, the platform funding `platform_bp` basis points."""
    merchant, platform = largest_remainder(amount, [BASIS_POINTS - platform_bp, platform_bp])
    return merchant, platform
