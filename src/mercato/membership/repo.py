"""Every query of membership: purchases (membership years and saving-card months share one shape), the price table
and operator settings, saving-card subscribers, invite codes, invitations and the consumers' address and payer keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from mercato.membership.model import (
    Invitation,
    InvitationStatus,
    MembershipStatus,
    PriceTier,
    Purchase,
)
from mercato.membership.tables import (
    consumer_keys,
    invitations,
    invite_codes,
    membership_price_tiers,
    membership_settings,
    memberships,
    saving_card_months,
    saving_card_subscribers,
)

ACTIVE, PENDING = MembershipStatus.ACTIVE.value, MembershipStatus.PENDING.value


def _insert(conn: Connection) -> Any:
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert


def _purchase(row: Any) -> Purchase:
    return Purchase(id=row.id, consumer_id=row.consumer_id, status=MembershipStatus(row.status), price=int(row.price),
                    payment_id=row.payment_id, starts_at=row.starts_at, ends_at=row.ends_at,
                    created_at=row.created_at)


class PurchaseRepo:
    """Membership years (`memberships`) or saving-card months (`saving_card_months`)."""

    def __init__(self, conn: Connection, table: sa.Table) -> None:
        self.conn, self.t = conn, table

    def insert(self, values: dict[str, Any]) -> None:
        self.conn.execute(self.t.insert().values(**values))

    def by_payment(self, payment_id: str) -> Purchase | None:
        row = self.conn.execute(sa.select(self.t).where(self.t.c.payment_id == payment_id)).first()
        return _purchase(row) if row is not None else None

    def get(self, purchase_id: str) -> Purchase | None:
        row = self.conn.execute(sa.select(self.t).where(self.t.c.id == purchase_id)).first()
        return _purchase(row) if row is not None else None

    def lock_consumer(self, consumer_id: str) -> None:
        """Lock the consumer's rows (PostgreSQL), so two activations extend one after the other."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(sa.select(self.t.c.id).where(self.t.c.consumer_id == consumer_id)
                              .order_by(self.t.c.id).with_for_update())

    def in_force(self, consumer_id: str, now: datetime) -> Purchase | None:
        row = self.conn.execute(sa.select(self.t).where(
            self.t.c.consumer_id == consumer_id, self.t.c.status == ACTIVE, self.t.c.starts_at <= now,
            self.t.c.ends_at > now).limit(1)).first()
        return _purchase(row) if row is not None else None

    def paid_until(self, consumer_id: str, now: datetime) -> datetime | None:
        """The end of the last paid period not yet over (periods bought while one is in force follow it)."""
        query = sa.select(sa.func.max(self.t.c.ends_at)).where(
            self.t.c.consumer_id == consumer_id, self.t.c.status == ACTIVE, self.t.c.ends_at > now)
        found: datetime | None = self.conn.execute(query).scalar_one()
        return found

    def last_paid(self, consumer_id: str, now: datetime) -> Purchase | None:
        """The paid period that ends last, if it is not over."""
        row = self.conn.execute(sa.select(self.t).where(
            self.t.c.consumer_id == consumer_id, self.t.c.status == ACTIVE, self.t.c.ends_at > now)
            .order_by(self.t.c.ends_at.desc()).limit(1)).first()
        return _purchase(row) if row is not None else None

    def pending(self, consumer_id: str) -> Purchase | None:
        row = self.conn.execute(sa.select(self.t).where(
            self.t.c.consumer_id == consumer_id, self.t.c.status == PENDING)
            .order_by(self.t.c.created_at.desc()).limit(1)).first()
        return _purchase(row) if row is not None else None

    def activate(self, purchase_id: str, starts_at: datetime, ends_at: datetime) -> bool:
        """pending -> active; False when it is not pending (a repeated capture changes nothing)."""
        return self._move(purchase_id, MembershipStatus.ACTIVE, starts_at=starts_at, ends_at=ends_at)

    def cancel(self, purchase_id: str) -> bool:
        return self._move(purchase_id, MembershipStatus.CANCELLED)

    def _move(self, purchase_id: str, target: MembershipStatus, **values: Any) -> bool:
        query = self.t.update().where(self.t.c.id == purchase_id, self.t.c.status == PENDING) \
            .values(status=target.value, **values)
        return self.conn.execute(query).rowcount == 1

    def mark_issued(self, purchase_id: str, now: datetime) -> bool:
        """Saving-card months only: the first caller issues the month's vouchers."""
        query = self.t.update().where(self.t.c.id == purchase_id, self.t.c.status == ACTIVE,
                                      self.t.c.issued_at.is_(None)).values(issued_at=now)
        return self.conn.execute(query).rowcount == 1

    def vouchers_of(self, purchase_id: str) -> list[list[Any]]:
        return list(self.conn.execute(sa.select(self.t.c.vouchers).where(self.t.c.id == purchase_id)).scalar_one())

    def later_than(self, consumer_id: str, moment: datetime) -> bool:
        """A period pending, or paid to end after `moment`, exists (a renewal was already made)."""
        query = sa.select(self.t.c.id).where(self.t.c.consumer_id == consumer_id, sa.or_(
            self.t.c.status == PENDING, sa.and_(self.t.c.status == ACTIVE, self.t.c.ends_at > moment))).limit(1)
        return self.conn.execute(query).first() is not None


def memberships_repo(conn: Connection) -> PurchaseRepo:
    return PurchaseRepo(conn, memberships)


def saving_months_repo(conn: Connection) -> PurchaseRepo:
    return PurchaseRepo(conn, saving_card_months)


class MembershipRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def in_force(self, consumer_id: str, now: datetime) -> bool:
        return memberships_repo(self.conn).in_force(consumer_id, now) is not None

    def in_force_among(self, consumer_ids: Sequence[str], now: datetime) -> set[str]:
        """Those of `consumer_ids` with a membership in force at `now`, in one statement."""
        if not consumer_ids:
            return set()
        query = sa.select(memberships.c.consumer_id).distinct().where(
            memberships.c.consumer_id.in_(list(consumer_ids)), memberships.c.status == ACTIVE,
            memberships.c.starts_at <= now, memberships.c.ends_at > now)
        return set(self.conn.execute(query).scalars())


class SettingsRepo:
    """The price table and the named operator settings."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def tiers(self) -> list[PriceTier]:
        query = sa.select(membership_price_tiers).order_by(membership_price_tiers.c.min_points)
        return [PriceTier(int(r.min_points), int(r.price)) for r in self.conn.execute(query)]  # min_points: a score

    def replace_tiers(self, tiers: Sequence[PriceTier], now: datetime) -> None:
        self.conn.execute(membership_price_tiers.delete())
        self.conn.execute(membership_price_tiers.insert(), [
            {"min_points": t.min_score, "price": t.price, "updated_at": now} for t in tiers])

    def get(self, name: str) -> Any:
        query = sa.select(membership_settings.c.value).where(membership_settings.c.name == name)
        return self.conn.execute(query).scalar_one_or_none()

    def put(self, name: str, value: Any, now: datetime) -> None:
        statement = _insert(self.conn)(membership_settings).values(name=name, value=value, updated_at=now)
        self.conn.execute(statement.on_conflict_do_update(index_elements=["name"],
                                                          set_={"value": value, "updated_at": now}))


class SubscriberRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def auto_renew(self, consumer_id: str) -> bool:
        query = sa.select(saving_card_subscribers.c.auto_renew).where(
            saving_card_subscribers.c.consumer_id == consumer_id)
        return bool(self.conn.execute(query).scalar_one_or_none())

    def set_auto_renew(self, consumer_id: str, on: bool, now: datetime) -> None:
        t = saving_card_subscribers
        statement = _insert(self.conn)(t).values(consumer_id=consumer_id, auto_renew=on, updated_at=now)
        self.conn.execute(statement.on_conflict_do_update(index_elements=["consumer_id"],
                                                          set_={"auto_renew": on, "updated_at": now}))


def _invitation(row: Any) -> Invitation:
    return Invitation(invitee_id=row.invitee_id, inviter_id=row.inviter_id, status=InvitationStatus(row.status),
                      reason=row.reason, accepted_at=row.accepted_at, decided_at=row.decided_at)


class InviteRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def code_of(self, consumer_id: str) -> str | None:
        query = sa.select(invite_codes.c.code).where(invite_codes.c.consumer_id == consumer_id)
        found: str | None = self.conn.execute(query).scalar_one_or_none()
        return found

    def owner_of(self, code: str) -> str | None:
        found: str | None = self.conn.execute(
            sa.select(invite_codes.c.consumer_id).where(invite_codes.c.code == code)).scalar_one_or_none()
        return found

    def add_code(self, consumer_id: str, code: str, now: datetime) -> bool:
        statement = _insert(self.conn)(invite_codes).values(consumer_id=consumer_id, code=code, created_at=now)
        claimed = statement.on_conflict_do_nothing().returning(invite_codes.c.code)
        return self.conn.execute(claimed).first() is not None

    def accept(self, invitee_id: str, inviter_id: str, now: datetime) -> bool:
        """False when the invitee accepted an invitation before (one per person, ever)."""
        statement = _insert(self.conn)(invitations).values(
            invitee_id=invitee_id, inviter_id=inviter_id, status=InvitationStatus.ACCEPTED.value, accepted_at=now)
        claimed = statement.on_conflict_do_nothing(index_elements=["invitee_id"]).returning(invitations.c.invitee_id)
        return self.conn.execute(claimed).first() is not None

    def of_invitee(self, invitee_id: str) -> Invitation | None:
        row = self.conn.execute(sa.select(invitations).where(invitations.c.invitee_id == invitee_id)).first()
        return _invitation(row) if row is not None else None

    def decide(self, invitee_id: str, status: InvitationStatus, reason: str | None, address_key: str,
               payer_key: str | None, now: datetime) -> bool:
        """accepted -> rewarded or refused, once."""
        query = invitations.update().where(invitations.c.invitee_id == invitee_id,
                                           invitations.c.status == InvitationStatus.ACCEPTED.value) \
            .values(status=status.value, reason=reason, address_key=address_key, payer_key=payer_key, decided_at=now)
        return self.conn.execute(query).rowcount == 1

    def mark_issued(self, invitee_id: str, now: datetime) -> bool:
        query = invitations.update().where(invitations.c.invitee_id == invitee_id,
                                           invitations.c.status == InvitationStatus.REWARDED.value,
                                           invitations.c.issued_at.is_(None)).values(issued_at=now)
        return self.conn.execute(query).rowcount == 1

    def counts(self, inviter_id: str) -> tuple[int, int]:
        """(friends who accepted, friends rewarded)."""
        rewarded = sa.func.sum(sa.case((invitations.c.status == InvitationStatus.REWARDED.value, 1), else_=0))
        row = self.conn.execute(sa.select(sa.func.count(), rewarded).where(
            invitations.c.inviter_id == inviter_id)).one()
        return int(row[0]), int(row[1] or 0)

    def rewarded_keys(self, inviter_id: str) -> set[str]:
        """The address and payer keys of the inviter's friends already rewarded."""
        query = sa.select(invitations.c.address_key, invitations.c.payer_key).where(
            invitations.c.inviter_id == inviter_id, invitations.c.status == InvitationStatus.REWARDED.value)
        return {key for row in self.conn.execute(query) for key in row if key}


class KeyRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, consumer_id: str, keys: Sequence[str], now: datetime) -> None:
        statement = _insert(self.conn)(consumer_keys).on_conflict_do_nothing()
        self.conn.execute(statement, [{"consumer_id": consumer_id, "key": key, "first_seen": now} for key in keys])

    def of(self, consumer_id: str) -> set[str]:
        query = sa.select(consumer_keys.c.key).where(consumer_keys.c.consumer_id == consumer_id)
        return set(self.conn.execute(query).scalars())
