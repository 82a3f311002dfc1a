"""Every query of membership."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.membership.model import MembershipStatus
from mercato.membership.tables import memberships


class MembershipRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def in_force(self, consumer_id: str, now: datetime) -> bool:
        query = sa.select(memberships.c.id).where(
            memberships.c.consumer_id == consumer_id, memberships.c.status == MembershipStatus.ACTIVE.value,
            memberships.c.starts_at <= now, memberships.c.ends_at > now).limit(1)
        return self.conn.execute(query).first() is not None
