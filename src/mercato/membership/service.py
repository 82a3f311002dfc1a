"""The membership use cases, one public surface: whether a consumer is a member now (trade's checkout asks)."""

from __future__ import annotations

from datetime import datetime

from mercato.kernel.uow import UnitOfWork
from mercato.membership.repo import MembershipRepo


def is_member_in(uow: UnitOfWork, consumer_id: str, now: datetime) -> bool:
    """A paid membership is in force for the consumer at `now`."""
    return MembershipRepo(uow.conn).in_force(consumer_id, now)
