"""Every query of credit: the stored scores, one row per consumer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from mercato.credit.model import CreditFacts, CreditScore, CreditTier, Factor, StoredScore
from mercato.credit.tables import credit_scores as t


def _stored(row: Any) -> StoredScore:
    factors = tuple(Factor(str(name), int(points), str(key)) for name, points, key in row.factors)
    return StoredScore(CreditScore(int(row.score), CreditTier(row.tier), factors),
                       CreditFacts.from_dict(row.facts) if row.facts else None, row.computed_at)


class CreditRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def save(self, consumer_id: str, score: CreditScore, now: datetime,
             facts: CreditFacts | None = None) -> bool:
        """Store the consumer's score (replacing the last); whether anything changed."""
        values = {"score": score.value, "tier": score.tier.value, "computed_at": now,
                  "factors": [[f.name, f.points, f.key] for f in score.factors],
                  "facts": facts.as_dict() if facts is not None else {}}  # {}: stored without its facts
        current = self.get(consumer_id)
        if current is not None and current.score == score and current.facts == facts:
            return False
        insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        stmt = insert(t).values(consumer_id=consumer_id, **values)
        self.conn.execute(stmt.on_conflict_do_update(index_elements=[t.c.consumer_id], set_=values))
        return True

    def get(self, consumer_id: str, *, lock: bool = False) -> StoredScore | None:
        query = sa.select(t).where(t.c.consumer_id == consumer_id)
        row = self.conn.execute(query.with_for_update() if lock else query).first()
        return _stored(row) if row is not None else None

    def tier(self, consumer_id: str) -> str | None:
        """The stored tier alone (the quick-refund decision's one indexed read)."""
        return self.conn.execute(sa.select(t.c.tier).where(t.c.consumer_id == consumer_id)).scalar_one_or_none()

    def tiers(self, consumer_ids: Sequence[str]) -> dict[str, str]:
        rows = self.conn.execute(sa.select(t.c.consumer_id, t.c.tier).where(t.c.consumer_id.in_(consumer_ids)))
        return {row.consumer_id: row.tier for row in rows}
