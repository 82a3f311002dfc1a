"""Every payments query. State changes are conditional UPDATEs whose row count is the decision; the ledger is only
ever inserted into."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from mercato.kernel.idgen import new_id
from mercato.payments.model import (
    ESCROW,
    MERCHANT_DEBT,
    MERCHANT_PREFIX,
    AccountBalance,
    AdvanceView,
    LedgerEntry,
    LedgerLine,
    PartFigures,
    PartStatus,
    PartView,
    PaymentPart,
    PaymentStatus,
    PaymentView,
    PayoutView,
    PostedEntry,
    RefundMoved,
)
from mercato.payments.tables import (
    ledger_entries,
    ledger_lines,
    merchant_balances,
    merchant_debts,
    payment_callbacks,
    payment_parts,
    payments,
    payouts,
    quick_refund_advances,
    refund_movements,
    sandbox_sessions,
    sandbox_transfers,
)


def _insert(conn: Connection) -> Any:
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert


def _part(row: Any) -> PartView:
    return PartView(order_id=row.order_id, store_id=row.store_id, amount=row.amount, commission=row.commission,
                    status=PartStatus(row.status), updated_at=row.updated_at, refunded=int(row.refunded))


# What escrow holds of a held part: what was paid less what was refunded while held.
HELD_AMOUNT = payment_parts.c.amount - payment_parts.c.escrow_refunded


def _locked(conn: Connection, query: Any) -> Any:
    """The query's rows locked until the end of the transaction (SQLite: the single writer already is)."""
    return query.with_for_update() if conn.dialect.name == "postgresql" else query


def _payment(row: Any, parts: Sequence[PartView] = ()) -> PaymentView:
    return PaymentView(id=row.id, consumer_id=row.consumer_id, amount=row.amount, currency=row.currency,
                       status=PaymentStatus(row.status), provider=row.provider, created_at=row.created_at,
                       expires_at=row.expires_at, captured_at=row.captured_at, closed_at=row.closed_at,
                       parts=tuple(parts))


class PaymentRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, payment_id: str, consumer_id: str, parts: Sequence[PaymentPart], amount: int, currency: str,
               provider: str, now: datetime, expires_at: datetime) -> None:
        self.conn.execute(payments.insert().values(
            id=payment_id, consumer_id=consumer_id, amount=amount, currency=currency, status=PaymentStatus.OPEN.value,
            provider=provider, created_at=now, expires_at=expires_at))
        self.conn.execute(payment_parts.insert(), [
            {"payment_id": payment_id, "order_id": p.order_id, "store_id": p.store_id, "amount": p.amount,
             "status": PartStatus.PENDING.value, "updated_at": now} for p in parts])

    def get(self, payment_id: str, *, with_parts: bool = True) -> PaymentView | None:
        row = self.conn.execute(sa.select(payments).where(payments.c.id == payment_id)).first()
        if row is None:
            return None
        return _payment(row, self.parts_of(payment_id) if with_parts else ())

    def lock(self, payment_id: str) -> PaymentView | None:
        """The payment, its row locked until the end of the transaction (SQLite: the single writer already is)."""
        query = sa.select(payments).where(payments.c.id == payment_id)
        if self.conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return _payment(row) if row is not None else None

    def parts_of(self, payment_id: str) -> list[PartView]:
        query = sa.select(payment_parts).where(payment_parts.c.payment_id == payment_id) \
            .order_by(payment_parts.c.store_id, payment_parts.c.order_id)
        return [_part(row) for row in self.conn.execute(query)]

    def part(self, order_id: str) -> tuple[str, PartView] | None:
        """(payment_id, part) of the order."""
        row = self.conn.execute(sa.select(payment_parts).where(payment_parts.c.order_id == order_id)).first()
        return (row.payment_id, _part(row)) if row is not None else None

    def capture(self, payment_id: str, amount: int, now: datetime) -> bool:
        """open -> captured, only for the amount due."""
        result = self.conn.execute(payments.update().where(
            payments.c.id == payment_id, payments.c.status == PaymentStatus.OPEN.value, payments.c.amount == amount)
            .values(status=PaymentStatus.CAPTURED.value, captured_at=now))
        return result.rowcount == 1

    def close(self, payment_id: str, now: datetime) -> bool:
        """open -> closed."""
        result = self.conn.execute(payments.update().where(
            payments.c.id == payment_id, payments.c.status == PaymentStatus.OPEN.value)
            .values(status=PaymentStatus.CLOSED.value, closed_at=now))
        return result.rowcount == 1

    def reduce_open(self, payment_id: str, amount: int) -> int | None:
        """Take `amount` off an open payment; the amount left, or None when the payment is not open."""
        query = (payments.update().where(payments.c.id == payment_id, payments.c.status == PaymentStatus.OPEN.value,
                                         payments.c.amount >= amount)
                 .values(amount=payments.c.amount - amount).returning(payments.c.amount))
        left = self.conn.execute(query).scalar_one_or_none()
        return int(left) if left is not None else None

    def move_parts(self, order_ids: Iterable[str], source: PartStatus, target: PartStatus, now: datetime,
                   **values: Any) -> list[PartView]:
        """Move the parts among `order_ids` that are in `source` to `target`; those moved."""
        ids = list(order_ids)
        if not ids:
            return []
        query = (payment_parts.update()
                 .where(payment_parts.c.order_id.in_(ids), payment_parts.c.status == source.value)
                 .values(status=target.value, updated_at=now, **values).returning(*payment_parts.c))
        return sorted((_part(row) for row in self.conn.execute(query)), key=lambda p: p.order_id)

    def move_payment_parts(self, payment_id: str, source: PartStatus, target: PartStatus,
                           now: datetime) -> list[PartView]:
        query = (payment_parts.update()
                 .where(payment_parts.c.payment_id == payment_id, payment_parts.c.status == source.value)
                 .values(status=target.value, updated_at=now).returning(*payment_parts.c))
        return sorted((_part(row) for row in self.conn.execute(query)), key=lambda p: p.order_id)

    def held_by_order(self) -> dict[str, int]:
        query = sa.select(payment_parts.c.order_id, HELD_AMOUNT.label("held")) \
            .where(payment_parts.c.status == PartStatus.HELD.value)
        return {row.order_id: int(row.held) for row in self.conn.execute(query)}

    def escrow_refunded_by_order(self) -> dict[str, int]:
        """What was refunded from escrow per order, for the orders with such a refund."""
        query = sa.select(payment_parts.c.order_id, payment_parts.c.escrow_refunded) \
            .where(payment_parts.c.escrow_refunded > 0)
        return {row.order_id: int(row.escrow_refunded) for row in self.conn.execute(query)}

    def refunded_by_order(self) -> dict[str, int]:
        """What each part counts as refunded in all (from escrow and after settlement), for parts with a refund."""
        query = sa.select(payment_parts.c.order_id, payment_parts.c.refunded).where(payment_parts.c.refunded > 0)
        return {row.order_id: int(row.refunded) for row in self.conn.execute(query)}

    def held_total(self, store_id: str | None = None) -> int:
        query = sa.select(sa.func.coalesce(sa.func.sum(HELD_AMOUNT), 0)) \
            .where(payment_parts.c.status == PartStatus.HELD.value)
        if store_id is not None:
            query = query.where(payment_parts.c.store_id == store_id)
        return int(self.conn.execute(query).scalar_one())

    def settled_by_store(self) -> dict[str, int]:
        """What settlement brought each store: the amount released from escrow less commission plus the platform
        subsidy, over its settled parts."""
        net = sa.func.sum(HELD_AMOUNT - sa.func.coalesce(payment_parts.c.commission, 0)
                          + sa.func.coalesce(payment_parts.c.subsidy, 0))
        query = sa.select(payment_parts.c.store_id, net).where(payment_parts.c.status == PartStatus.SETTLED.value) \
            .group_by(payment_parts.c.store_id)
        return {store_id: int(total) for store_id, total in self.conn.execute(query)}

    def settled_subsidy(self) -> int:
        """What the platform paid merchants for the discounts it funds, over every settled part."""
        query = sa.select(sa.func.coalesce(sa.func.sum(payment_parts.c.subsidy), 0)) \
            .where(payment_parts.c.status == PartStatus.SETTLED.value)
        return int(self.conn.execute(query).scalar_one())

    def settled_commission(self, exclude_store: str) -> int:
        """The commission settlement took over every settled part (but `exclude_store`'s: platform sales)."""
        query = sa.select(sa.func.coalesce(sa.func.sum(payment_parts.c.commission), 0)).where(
            payment_parts.c.status == PartStatus.SETTLED.value, payment_parts.c.store_id != exclude_store)
        return int(self.conn.execute(query).scalar_one())

    def figures(self, order_id: str, *, lock: bool = False) -> PartFigures | None:
        """The order's part with its payment's payer and provider; its row locked when `lock`."""
        query = sa.select(payment_parts, payments.c.consumer_id, payments.c.provider) \
            .join(payments, payments.c.id == payment_parts.c.payment_id).where(payment_parts.c.order_id == order_id)
        if lock and self.conn.dialect.name == "postgresql":
            query = query.with_for_update(of=payment_parts)
        row = self.conn.execute(query).first()
        if row is None:
            return None
        return PartFigures(row.payment_id, row.consumer_id, row.provider, row.order_id, row.store_id,
                           PartStatus(row.status), int(row.amount), int(row.refunded), int(row.escrow_refunded),
                           int(row.refunded_commission), int(row.refunded_subsidy), int(row.commission or 0),
                           int(row.subsidy or 0))

    def add_refund(self, order_id: str, status: PartStatus, amount: int, now: datetime, *, held: bool,
                   commission_share: int = 0, platform_share: int = 0, target: PartStatus | None = None) -> bool:
        """Count a refund on the part, only while it is in `status` and the refund fits what is left; while held it
        is also counted as refunded from escrow, with its shares (and the part moves to `target` when given)."""
        c = payment_parts.c
        values: dict[str, Any] = {"refunded": c.refunded + amount, "updated_at": now}
        if held:
            values |= {"escrow_refunded": c.escrow_refunded + amount,
                       "refunded_commission": c.refunded_commission + commission_share,
                       "refunded_subsidy": c.refunded_subsidy + platform_share}
        if target is not None:
            values["status"] = target.value
        result = self.conn.execute(payment_parts.update().where(
            c.order_id == order_id, c.status == status.value, c.refunded + amount <= c.amount).values(**values))
        return result.rowcount == 1

    def captured_without_entry(self) -> list[tuple[str, int]]:
        """Captured payments (id, amount) with no `capture:` ledger entry."""
        source = sa.literal("capture:") + payments.c.id
        missing = ~sa.exists().where(ledger_entries.c.source == source)
        query = sa.select(payments.c.id, payments.c.amount).where(
            payments.c.status == PaymentStatus.CAPTURED.value, missing).order_by(payments.c.id)
        return [(row.id, int(row.amount)) for row in self.conn.execute(query)]

    def page(self, *, status: str | None, consumer_id: str | None, before: str | None,
             limit: int) -> list[PaymentView]:
        """Payments newest first (ids grow with time), `limit` of them after the id `before`."""
        query = sa.select(payments)
        if status is not None:
            query = query.where(payments.c.status == status)
        if consumer_id is not None:
            query = query.where(payments.c.consumer_id == consumer_id)
        if before is not None:
            query = query.where(payments.c.id < before)
        rows = list(self.conn.execute(query.order_by(payments.c.id.desc()).limit(limit)))
        parts = self._parts_of_many([row.id for row in rows])
        return [_payment(row, parts.get(row.id, [])) for row in rows]

    def _parts_of_many(self, payment_ids: list[str]) -> dict[str, list[PartView]]:
        if not payment_ids:
            return {}
        found: dict[str, list[PartView]] = {}
        query = sa.select(payment_parts).where(payment_parts.c.payment_id.in_(payment_ids)) \
            .order_by(payment_parts.c.store_id, payment_parts.c.order_id)
        for row in self.conn.execute(query):
            found.setdefault(row.payment_id, []).append(_part(row))
        return found


class LedgerRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def post(self, entry: LedgerEntry, now: datetime) -> bool:
        """Insert the entry and its lines; False (and nothing written) when its source is already posted."""
        entry_id = new_id()
        inserted = self.conn.execute(
            _insert(self.conn)(ledger_entries).values(id=entry_id, source=entry.source, kind=entry.kind.value,
                                                     memo=entry.memo, created_at=now)
            .on_conflict_do_nothing(index_elements=["source"]).returning(ledger_entries.c.id)).first()
        if inserted is None:
            return False
        self.conn.execute(ledger_lines.insert(), [
            {"id": new_id(), "entry_id": entry_id, "account": line.account, "store_id": line.store_id,
             "amount": line.amount} for line in entry.lines])
        return True

    def exists(self, source: str) -> bool:
        query = sa.select(ledger_entries.c.id).where(ledger_entries.c.source == source)
        return self.conn.execute(query).first() is not None

    def balances(self) -> list[AccountBalance]:
        query = sa.select(ledger_lines.c.account, sa.func.sum(ledger_lines.c.amount)) \
            .group_by(ledger_lines.c.account).order_by(ledger_lines.c.account)
        return [AccountBalance(account, int(total)) for account, total in self.conn.execute(query)]

    def balance(self, account: str) -> int:
        query = sa.select(sa.func.coalesce(sa.func.sum(ledger_lines.c.amount), 0)) \
            .where(ledger_lines.c.account == account)
        return int(self.conn.execute(query).scalar_one())

    def escrow_balance(self) -> int:
        return self.balance(ESCROW)

    def debts_by_store(self) -> dict[str, int]:
        """The merchant debt account's balance per store (from the lines' store ids), stores with lines only."""
        query = sa.select(ledger_lines.c.store_id, sa.func.sum(ledger_lines.c.amount)) \
            .where(ledger_lines.c.account == MERCHANT_DEBT).group_by(ledger_lines.c.store_id)
        return {str(store_id): int(total) for store_id, total in self.conn.execute(query)}

    def merchant_credits(self) -> dict[str, int]:
        """Each merchant account's credit balance (what the platform owes the store), by store id."""
        query = sa.select(ledger_lines.c.account, sa.func.sum(ledger_lines.c.amount)) \
            .where(ledger_lines.c.account.startswith(MERCHANT_PREFIX)).group_by(ledger_lines.c.account)
        return {account[len(MERCHANT_PREFIX):]: -int(total) for account, total in self.conn.execute(query)}

    def entry_sums(self) -> list[tuple[str, int]]:
        """(source, sum of lines) of every entry, entries with no lines summing to 0 as well (they have none)."""
        total = sa.func.coalesce(sa.func.sum(ledger_lines.c.amount), 0)
        query = sa.select(ledger_entries.c.source, total) \
            .select_from(ledger_entries.outerjoin(ledger_lines, ledger_lines.c.entry_id == ledger_entries.c.id)) \
            .group_by(ledger_entries.c.id, ledger_entries.c.source).order_by(ledger_entries.c.source)
        return [(source, int(value)) for source, value in self.conn.execute(query)]

    def orphan_line_total(self) -> int:
        """The sum of lines whose entry is missing (a foreign key should make it 0)."""
        missing = ~sa.exists().where(ledger_entries.c.id == ledger_lines.c.entry_id)
        query = sa.select(sa.func.coalesce(sa.func.sum(ledger_lines.c.amount), 0)).where(missing)
        return int(self.conn.execute(query).scalar_one())

    def entries(self, *, before: str | None, limit: int, account: str | None = None) -> list[PostedEntry]:
        """Journal entries newest first, with their lines."""
        query = sa.select(ledger_entries)
        if before is not None:
            query = query.where(ledger_entries.c.id < before)
        if account is not None:
            query = query.where(sa.exists().where(ledger_lines.c.entry_id == ledger_entries.c.id,
                                                  ledger_lines.c.account == account))
        rows = list(self.conn.execute(query.order_by(ledger_entries.c.id.desc()).limit(limit)))
        lines = self._lines_of([row.id for row in rows])
        return [PostedEntry(row.id, row.source, row.kind, row.memo, row.created_at, tuple(lines.get(row.id, [])))
                for row in rows]

    def entry(self, source: str) -> PostedEntry | None:
        row = self.conn.execute(sa.select(ledger_entries).where(ledger_entries.c.source == source)).first()
        if row is None:
            return None
        return PostedEntry(row.id, row.source, row.kind, row.memo, row.created_at,
                           tuple(self._lines_of([row.id]).get(row.id, [])))

    def _lines_of(self, entry_ids: list[str]) -> dict[str, list[LedgerLine]]:
        if not entry_ids:
            return {}
        found: dict[str, list[LedgerLine]] = {}
        query = sa.select(ledger_lines).where(ledger_lines.c.entry_id.in_(entry_ids)).order_by(ledger_lines.c.id)
        for row in self.conn.execute(query):
            found.setdefault(row.entry_id, []).append(LedgerLine(row.account, int(row.amount), row.store_id))
        return found


class BalanceRepo:
    """merchant_balances: the available balance per store, changed only by conditional updates."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def credit(self, store_id: str, amount: int, now: datetime) -> None:
        insert = _insert(self.conn)(merchant_balances).values(store_id=store_id, available=amount, updated_at=now)
        self.conn.execute(insert.on_conflict_do_update(
            index_elements=["store_id"],
            set_={"available": merchant_balances.c.available + insert.excluded.available, "updated_at": now}))

    def debit(self, store_id: str, amount: int, now: datetime, *, keep_owed: bool = False) -> bool:
        """Take `amount` only if that much is available: two concurrent payouts can never overdraw. With
        `keep_owed`, what the store owes (merchant_debts) is not available to take."""
        available: sa.ColumnElement[Any] = merchant_balances.c.available
        if keep_owed:
            owed = sa.select(merchant_debts.c.owed).where(merchant_debts.c.store_id == store_id).scalar_subquery()
            available = available - sa.func.coalesce(owed, 0)
        result = self.conn.execute(merchant_balances.update().where(
            merchant_balances.c.store_id == store_id, available >= amount)
            .values(available=merchant_balances.c.available - amount, updated_at=now))
        return result.rowcount == 1

    def lock_available(self, store_id: str) -> int:
        """The available balance, its row locked until the end of the transaction (0 when the store has none)."""
        query = _locked(self.conn, sa.select(merchant_balances.c.available)
                        .where(merchant_balances.c.store_id == store_id))
        value = self.conn.execute(query).scalar_one_or_none()
        return int(value) if value is not None else 0

    def available(self, store_id: str) -> int:
        query = sa.select(merchant_balances.c.available).where(merchant_balances.c.store_id == store_id)
        value = self.conn.execute(query).scalar_one_or_none()
        return int(value) if value is not None else 0

    def all(self) -> dict[str, int]:
        query = sa.select(merchant_balances.c.store_id, merchant_balances.c.available)
        return {store_id: int(available) for store_id, available in self.conn.execute(query)}


class DebtRepo:
    """merchant_debts: what each store owes the platform, changed only by conditional updates."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, store_id: str, amount: int, now: datetime) -> None:
        insert = _insert(self.conn)(merchant_debts).values(store_id=store_id, owed=amount, updated_at=now)
        self.conn.execute(insert.on_conflict_do_update(
            index_elements=["store_id"], set_={"owed": merchant_debts.c.owed + insert.excluded.owed,
                                               "updated_at": now}))

    def owed(self, store_id: str) -> int:
        query = sa.select(merchant_debts.c.owed).where(merchant_debts.c.store_id == store_id)
        value = self.conn.execute(query).scalar_one_or_none()
        return int(value) if value is not None else 0

    def lock_owed(self, store_id: str) -> int:
        """What the store owes, its row locked until the end of the transaction."""
        query = _locked(self.conn, sa.select(merchant_debts.c.owed).where(merchant_debts.c.store_id == store_id))
        value = self.conn.execute(query).scalar_one_or_none()
        return int(value) if value is not None else 0

    def reduce(self, store_id: str, amount: int, now: datetime) -> bool:
        result = self.conn.execute(merchant_debts.update().where(
            merchant_debts.c.store_id == store_id, merchant_debts.c.owed >= amount)
            .values(owed=merchant_debts.c.owed - amount, updated_at=now))
        return result.rowcount == 1

    def all(self) -> dict[str, int]:
        query = sa.select(merchant_debts.c.store_id, merchant_debts.c.owed)
        return {store_id: int(owed) for store_id, owed in self.conn.execute(query)}


def _advance(row: Any) -> AdvanceView:
    return AdvanceView(row.source, row.consumer_id, row.order_id, int(row.amount), int(row.repaid),
                       int(row.clawed_back))


class RefundRepo:
    """refund_movements (one row per after-sales money movement, keyed by its source) and quick_refund_advances."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def moved(self, source: str) -> RefundMoved | None:
        """The movement already made under `source`, as a repeat; None when there is none."""
        row = self.conn.execute(sa.select(refund_movements).where(refund_movements.c.source == source)).first()
        if row is None:
            return None
        return RefundMoved(row.source, int(row.amount), int(row.from_escrow), int(row.from_merchant),
                           int(row.merchant_debt), repeated=True)

    def insert(self, source: str, kind: str, now: datetime, **values: Any) -> bool:
        """Record a movement; False (nothing written) when its source is already recorded."""
        figures = {"from_escrow": 0, "from_merchant": 0, "merchant_debt": 0, "commission_share": 0,
                   "platform_share": 0, "advance_repaid": 0} | values
        query = (_insert(self.conn)(refund_movements).values(source=source, kind=kind, created_at=now, **figures)
                 .on_conflict_do_nothing(index_elements=["source"]).returning(refund_movements.c.source))
        return self.conn.execute(query).first() is not None

    def shares_after_settlement(self, order_id: str) -> tuple[int, int]:
        """(commission shares, platform shares) of the order's refunds made after settlement."""
        c = refund_movements.c
        query = sa.select(sa.func.coalesce(sa.func.sum(c.commission_share), 0),
                          sa.func.coalesce(sa.func.sum(c.platform_share), 0)).where(
            c.order_id == order_id, c.kind == "refund", c.from_escrow == 0)
        commission, platform = self.conn.execute(query).one()
        return int(commission), int(platform)

    def insert_advance(self, source: str, consumer_id: str, order_id: str, amount: int, now: datetime) -> bool:
        query = (_insert(self.conn)(quick_refund_advances)
                 .values(source=source, consumer_id=consumer_id, order_id=order_id, amount=amount, repaid=0,
                         clawed_back=0, created_at=now, updated_at=now)
                 .on_conflict_do_nothing(index_elements=["source"]).returning(quick_refund_advances.c.source))
        return self.conn.execute(query).first() is not None

    def lock_advance(self, source: str) -> AdvanceView | None:
        query = _locked(self.conn, sa.select(quick_refund_advances).where(quick_refund_advances.c.source == source))
        row = self.conn.execute(query).first()
        return _advance(row) if row is not None else None

    def close_advance(self, source: str, now: datetime, *, repaid: int = 0, clawed_back: int = 0) -> bool:
        """Count a repayment or a clawback on the advance, only if it fits what is outstanding."""
        c = quick_refund_advances.c
        result = self.conn.execute(quick_refund_advances.update().where(
            c.source == source, c.repaid + c.clawed_back + repaid + clawed_back <= c.amount)
            .values(repaid=c.repaid + repaid, clawed_back=c.clawed_back + clawed_back, updated_at=now))
        return result.rowcount == 1

    def outstanding(self, *, consumer_id: str | None = None, order_id: str | None = None) -> int:
        """The sum of advances not yet repaid or clawed back: the consumer's, the order's, or everyone's."""
        c = quick_refund_advances.c
        query = sa.select(sa.func.coalesce(sa.func.sum(c.amount - c.repaid - c.clawed_back), 0))
        if consumer_id is not None:
            query = query.where(c.consumer_id == consumer_id)
        if order_id is not None:
            query = query.where(c.order_id == order_id)
        return int(self.conn.execute(query).scalar_one())

    # --- for ledger verify ------------------------------------------------------------------------------------

    def taken_by_store(self) -> dict[str, int]:
        """What refunds after settlement and debt recoveries took from each store's balance."""
        c = refund_movements.c
        taken = sa.case((c.kind == "recovery", c.amount), else_=c.from_merchant)
        query = sa.select(c.store_id, sa.func.sum(taken)).where(c.kind.in_(["refund", "recovery"])) \
            .group_by(c.store_id)
        return {store_id: int(total) for store_id, total in self.conn.execute(query) if int(total)}

    def debt_by_store(self) -> dict[str, int]:
        """Debts created less recovered, per store."""
        c = refund_movements.c
        owed = sa.case((c.kind == "recovery", -c.amount), else_=c.merchant_debt)
        query = sa.select(c.store_id, sa.func.sum(owed)).where(c.kind.in_(["refund", "recovery"])) \
            .group_by(c.store_id)
        return {store_id: int(total) for store_id, total in self.conn.execute(query) if int(total)}

    def shares_after_settlement_total(self) -> tuple[int, int]:
        """(commission shares, platform shares) of every refund made after settlement."""
        c = refund_movements.c
        query = sa.select(sa.func.coalesce(sa.func.sum(c.commission_share), 0),
                          sa.func.coalesce(sa.func.sum(c.platform_share), 0)).where(
            c.kind == "refund", c.from_escrow == 0)
        commission, platform = self.conn.execute(query).one()
        return int(commission), int(platform)

    def escrow_refunded_by_order(self) -> dict[str, int]:
        """What refunds (partial, and a paid order's cancellation) took from escrow, per order."""
        c = refund_movements.c
        query = sa.select(c.order_id, sa.func.sum(c.from_escrow)).where(c.kind.in_(["refund", "cancel"]),
                                                                         c.from_escrow > 0) \
            .group_by(c.order_id)
        return {order_id: int(total) for order_id, total in self.conn.execute(query)}

    def refunded_by_order(self) -> dict[str, int]:
        """What refund and cancel movements gave back per order (repaying an advance counts: it is the order's)."""
        c = refund_movements.c
        query = sa.select(c.order_id, sa.func.sum(c.amount)).where(c.kind.in_(["refund", "cancel"])) \
            .group_by(c.order_id)
        return {order_id: int(total) for order_id, total in self.conn.execute(query) if int(total)}

    def amounts_by_source(self, kinds: Sequence[str]) -> dict[str, int]:
        """Every movement of these kinds: its amount by its source."""
        c = refund_movements.c
        query = sa.select(c.source, c.amount).where(c.kind.in_(sorted(kinds)))
        return {row.source: int(row.amount) for row in self.conn.execute(query)}

    def advance_mismatches(self) -> list[tuple[str, int, int, int, int]]:
        """Advances whose repaid or clawed-back figures differ from their movements:
        (source, repaid, repaid by movements, clawed back, clawed back by movements)."""
        c, a = refund_movements.c, quick_refund_advances.c
        repaid = sa.select(sa.func.coalesce(sa.func.sum(c.advance_repaid), 0)) \
            .where(c.advance_source == a.source, c.kind == "refund").scalar_subquery()
        clawed = sa.select(sa.func.coalesce(sa.func.sum(c.amount), 0)) \
            .where(c.advance_source == a.source, c.kind == "clawback").scalar_subquery()
        query = sa.select(a.source, a.repaid, repaid.label("moved_repaid"), a.clawed_back,
                          clawed.label("moved_clawed")).where(sa.or_(a.repaid != repaid, a.clawed_back != clawed))
        return [(r.source, int(r.repaid), int(r.moved_repaid), int(r.clawed_back), int(r.moved_clawed))
                for r in self.conn.execute(query.order_by(a.source))]

    def without_entry(self) -> list[tuple[str, int]]:
        """Movements (source, amount) with no ledger entry of their source."""
        missing = ~sa.exists().where(ledger_entries.c.source == refund_movements.c.source)
        query = sa.select(refund_movements.c.source, refund_movements.c.amount).where(missing) \
            .order_by(refund_movements.c.source)
        return [(row.source, int(row.amount)) for row in self.conn.execute(query)]


def _payout(row: Any) -> PayoutView:
    return PayoutView(id=row.id, store_id=row.store_id, amount=int(row.amount), status=row.status,
                      requested_by=row.requested_by, created_at=row.created_at)


class PayoutRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, payout: PayoutView) -> None:
        self.conn.execute(payouts.insert().values(
            id=payout.id, store_id=payout.store_id, amount=payout.amount, status=payout.status,
            requested_by=payout.requested_by, created_at=payout.created_at))

    def get(self, payout_id: str) -> PayoutView | None:
        row = self.conn.execute(sa.select(payouts).where(payouts.c.id == payout_id)).first()
        return _payout(row) if row is not None else None

    def page(self, store_id: str, *, before: str | None, limit: int) -> list[PayoutView]:
        query = sa.select(payouts).where(payouts.c.store_id == store_id)
        if before is not None:
            query = query.where(payouts.c.id < before)
        return [_payout(row) for row in self.conn.execute(query.order_by(payouts.c.id.desc()).limit(limit))]

    def total(self, store_id: str) -> int:
        query = sa.select(sa.func.coalesce(sa.func.sum(payouts.c.amount), 0)).where(payouts.c.store_id == store_id)
        return int(self.conn.execute(query).scalar_one())

    def totals(self) -> dict[str, int]:
        query = sa.select(payouts.c.store_id, sa.func.sum(payouts.c.amount)).group_by(payouts.c.store_id)
        return {store_id: int(total) for store_id, total in self.conn.execute(query)}


class CallbackRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def first_sight(self, provider: str, event_id: str, event_type: str, payment_id: str, now: datetime) -> bool:
        """Record the event; False when it was seen before (a duplicate delivery)."""
        query = (_insert(self.conn)(payment_callbacks)
                 .values(provider=provider, event_id=event_id, type=event_type, payment_id=payment_id,
                         outcome="received", received_at=now)
                 .on_conflict_do_nothing(index_elements=["provider", "event_id"])
                 .returning(payment_callbacks.c.event_id))
        return self.conn.execute(query).first() is not None

    def seen(self, provider: str, event_id: str) -> bool:
        c = payment_callbacks.c
        query = sa.select(c.event_id).where(c.provider == provider, c.event_id == event_id)
        return self.conn.execute(query).first() is not None

    def set_outcome(self, provider: str, event_id: str, outcome: str) -> None:
        self.conn.execute(payment_callbacks.update().where(
            payment_callbacks.c.provider == provider, payment_callbacks.c.event_id == event_id).values(outcome=outcome))

    def of_payment(self, payment_id: str) -> list[tuple[str, str, str, datetime]]:
        """(event_id, type, outcome, received_at) of the payment's callbacks, oldest first."""
        query = sa.select(payment_callbacks).where(payment_callbacks.c.payment_id == payment_id) \
            .order_by(payment_callbacks.c.received_at, payment_callbacks.c.event_id)
        return [(row.event_id, row.type, row.outcome, row.received_at) for row in self.conn.execute(query)]


class SandboxRepo:
    """The sandbox gateway's own books: checkout sessions and the transfers (refunds, payouts) it made."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def open_session(self, session_id: str, payment_id: str, amount: int, currency: str, now: datetime) -> None:
        self.conn.execute(sandbox_sessions.insert().values(
            id=session_id, payment_id=payment_id, amount=amount, currency=currency, status="open", created_at=now))

    def session(self, session_id: str) -> Any:
        return self.conn.execute(sa.select(sandbox_sessions).where(sandbox_sessions.c.id == session_id)).first()

    def decide(self, session_id: str, payment_id: str, status: str, now: datetime) -> bool:
        """open -> succeeded | failed; a payment has at most one succeeded session (the caller locks the payment)."""
        other = sandbox_sessions.alias("other")
        succeeded = sa.select(other.c.id).where(other.c.payment_id == payment_id,
                                                other.c.status == "succeeded").exists()
        condition = [sandbox_sessions.c.id == session_id, sandbox_sessions.c.status == "open"]
        if status == "succeeded":
            condition.append(~succeeded)
        result = self.conn.execute(sandbox_sessions.update().where(*condition).values(status=status, decided_at=now))
        return result.rowcount == 1

    def expire_open(self, payment_id: str, now: datetime) -> None:
        self.conn.execute(sandbox_sessions.update().where(
            sandbox_sessions.c.payment_id == payment_id, sandbox_sessions.c.status == "open")
            .values(status="expired", decided_at=now))

    def transfer(self, kind: str, reference: str, amount: int, now: datetime) -> bool:
        query = (_insert(self.conn)(sandbox_transfers)
                 .values(id=new_id(), kind=kind, reference=reference, amount=amount, created_at=now)
                 .on_conflict_do_nothing(index_elements=["reference"]).returning(sandbox_transfers.c.id))
        return self.conn.execute(query).first() is not None

    def transfers(self) -> list[tuple[str, str, int]]:
        query = sa.select(sandbox_transfers).order_by(sandbox_transfers.c.id)
        return [(row.kind, row.reference, int(row.amount)) for row in self.conn.execute(query)]
