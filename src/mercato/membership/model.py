"""Membership as plain values: a membership's status and whether it is in force at a moment."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class MembershipStatus(StrEnum):
    PENDING = "pending"  # bought, awaiting payment
    ACTIVE = "active"
    CANCELLED = "cancelled"


def in_force(status: MembershipStatus, starts_at: datetime | None, ends_at: datetime | None, now: datetime) -> bool:
    """Benefits start when the membership is paid and end at its expiry (exclusive)."""
    return (status is MembershipStatus.ACTIVE and starts_at is not None and ends_at is not None
            and starts_at <= now < ends_at)
