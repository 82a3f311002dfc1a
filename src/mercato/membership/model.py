"""Membership as plain values: a purchase's status and validity, the price table by credit score, the saving card's
voucher set, and the invite-a-friend rules (who may collect a reward)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import pairwise

from mercato.credit.model import MAX_SCORE
from mercato.kernel.errors import DuplicateEntity, EntityNotFound, InputInvalid, StateConflict

MAX_PRICE = 10**9  # fen: ¥10,000,000, far above any membership
MAX_TIERS = 12
MAX_VOUCHER_KINDS = 10
MAX_VOUCHERS_EACH = 20


class MembershipStatus(StrEnum):
    PENDING = "pending"  # bought, awaiting payment
    ACTIVE = "active"
    CANCELLED = "cancelled"  # the payment closed unpaid


def in_force(status: MembershipStatus, starts_at: datetime | None, ends_at: datetime | None, now: datetime) -> bool:
    """Benefits start when the membership is paid and end at its expiry (exclusive)."""
    return (status is MembershipStatus.ACTIVE and starts_at is not None and ends_at is not None
            and starts_at <= now < ends_at)


# --- errors ---------------------------------------------------------------------------------------------------------

class PriceTableInvalid(InputInvalid):
    code = "price_table_invalid"
    title = "The price table is not valid: tiers start at score 0 and increase, prices are 0 or more"


class SavingCardPlanInvalid(InputInvalid):
    code = "saving_card_plan_invalid"
    title = "The saving card plan is not valid"


class InvitePlanInvalid(InputInvalid):
    code = "invite_plan_invalid"
    title = "The invite rewards are not valid"


class SavingCardNotOffered(StateConflict):
    code = "saving_card_not_offered"
    title = "The monthly saving card is not on sale"


class InviteCodeUnknown(EntityNotFound):
    code = "invite_code_unknown"
    title = "No such invite code"


class InviteSelf(InputInvalid):
    code = "invite_self"
    title = "You cannot accept your own invitation"


class InvitationExists(DuplicateEntity):
    code = "invitation_exists"
    title = "You have already accepted an invitation"


class InviteTooLate(StateConflict):
    code = "invite_too_late"
    title = "Invitations are for new customers: you have already paid for an order"


# --- dates ----------------------------------------------------------------------------------------------------------

def months_after(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months later; a day the month lacks becomes its last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def one_year_after(moment: datetime) -> datetime:
    return months_after(moment, 12)


def extended_start(now: datetime, current_end: datetime | None) -> datetime:
    """A purchase made while one is in force starts where it ends; otherwise at once."""
    return current_end if current_end is not None and current_end > now else now


# --- the price table by credit score --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PriceTier:
    min_score: int  # the consumer credit score (credit.model, 350-950) from which this price applies
    price: int  # fen


# One price per credit tier: below good, good (600), great (700), excellent (800).
DEFAULT_PRICE_TABLE: tuple[PriceTier, ...] = (
    PriceTier(0, 8800), PriceTier(600, 6800), PriceTier(700, 3800), PriceTier(800, 0))


def check_price_table(tiers: Sequence[PriceTier]) -> tuple[PriceTier, ...]:
    """The first tier starts at score 0, thresholds strictly increase up to the highest score, prices are between 0
    and MAX_PRICE."""
    ok = 1 <= len(tiers) <= MAX_TIERS and tiers[0].min_score == 0 and all(
        0 <= t.price <= MAX_PRICE and t.min_score <= MAX_SCORE for t in tiers) and all(
        a.min_score < b.min_score for a, b in pairwise(tiers))
    if not ok:
        raise PriceTableInvalid(field="tiers")
    return tuple(tiers)


def price_for(score: int, tiers: Sequence[PriceTier]) -> PriceTier:
    """The highest tier the credit score reaches."""
    reached = [tier for tier in tiers if tier.min_score <= score]
    return reached[-1] if reached else tiers[0]


def next_tier(score: int, tiers: Sequence[PriceTier]) -> PriceTier | None:
    """The first tier above the score (what a better credit rating would bring), if any."""
    return next((tier for tier in tiers if tier.min_score > score), None)


# --- views ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Purchase:
    """One membership year or saving-card month bought: pending until its payment is captured."""

    id: str
    consumer_id: str
    status: MembershipStatus
    price: int
    payment_id: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MembershipOverview:
    """What the consumer's membership page shows."""

    member_until: datetime | None  # the end of the last paid year in force, None when not a member
    score: int  # the credit score the price follows
    quote: PriceTier  # the price they would pay now
    next_tier: PriceTier | None
    pending: Purchase | None  # a purchase awaiting payment


@dataclass(frozen=True, slots=True)
class VoucherGrant:
    """Issue `quantity` vouchers of a platform promotion."""

    promotion_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class SavingCardPlan:
    price: int  # fen, per month; 0 means not on sale
    vouchers: tuple[VoucherGrant, ...]


NO_SAVING_CARD = SavingCardPlan(0, ())


def check_grants(grants: Iterable[VoucherGrant], error: type[InputInvalid]) -> tuple[VoucherGrant, ...]:
    """At most MAX_VOUCHER_KINDS distinct promotions, each issued 1..MAX_VOUCHERS_EACH times."""
    kept = tuple(grants)
    ids = [g.promotion_id for g in kept]
    if (len(kept) > MAX_VOUCHER_KINDS or len(set(ids)) != len(ids) or any(not i.strip() for i in ids)
            or any(not 1 <= g.quantity <= MAX_VOUCHERS_EACH for g in kept)):
        raise error(field="vouchers")
    return kept


def check_saving_card_plan(price: int, grants: Iterable[VoucherGrant]) -> SavingCardPlan:
    if not 0 <= price <= MAX_PRICE:
        raise SavingCardPlanInvalid(field="price")
    return SavingCardPlan(price, check_grants(grants, SavingCardPlanInvalid))


@dataclass(frozen=True, slots=True)
class NamedGrant:
    """A grant with its promotion's names, for showing."""

    promotion_id: str
    quantity: int
    name_en: str
    name_zh: str


@dataclass(frozen=True, slots=True)
class SavingCardOverview:
    plan: SavingCardPlan
    vouchers: tuple[NamedGrant, ...]  # the plan's grants, named
    current: Purchase | None  # the month in force now
    paid_until: datetime | None  # the end of the last paid month
    pending: Purchase | None  # a month bought (or renewed) awaiting payment
    auto_renew: bool


# --- invite a friend ------------------------------------------------------------------------------------------------

class InvitationStatus(StrEnum):
    ACCEPTED = "accepted"  # waiting for the friend's first paid order
    REWARDED = "rewarded"
    REFUSED = "refused"  # the first paid order matched an address or payer already rewarded or the inviter's


class RefusalReason(StrEnum):
    ADDRESS = "address_matches"
    PAYER = "payer_matches"


@dataclass(frozen=True, slots=True)
class InvitePlan:
    inviter: tuple[VoucherGrant, ...]
    invitee: tuple[VoucherGrant, ...]


NO_INVITE_REWARDS = InvitePlan((), ())


@dataclass(frozen=True, slots=True)
class Invitation:
    invitee_id: str
    inviter_id: str
    status: InvitationStatus
    reason: str | None
    accepted_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class InviteOverview:
    code: str
    invited: int  # friends who accepted
    rewarded: int
    accepted: Invitation | None  # the invitation this consumer accepted, if any


def normalise_key(*parts: str) -> str:
    """Case, width, spaces and punctuation do not make two addresses different."""
    text = unicodedata.normalize("NFKC", " ".join(parts)).casefold()
    return re.sub(r"[\W_]+", "", text)


def address_key(region: str, city: str, line1: str) -> str:
    """The key of a shipping address: where it is, not who receives it (a different name at the same door is the
    same household)."""
    return "addr:" + normalise_key(region, city, line1)


def refusal(address: str, payer: str | None, taken: set[str]) -> RefusalReason | None:
    """Why the friend's first paid order earns nothing: its address or payer is among `taken` (the inviter's own and
    those of the inviter's friends already rewarded)."""
    if address in taken:
        return RefusalReason.ADDRESS
    if payer is not None and payer in taken:
        return RefusalReason.PAYER
    return None


# --- the operator's forms -------------------------------------------------------------------------------------------

def _yuan(text: str) -> int:
    whole, _, frac = text.partition(".")
    if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
        raise ValueError(text)
    return int(whole) * 100 + int(frac.ljust(2, "0") or "0")


def parse_price_table(text: str) -> tuple[PriceTier, ...]:
    """One tier a line, "<credit score> <price in yuan>" (e.g. "600 68"), checked like any table."""
    tiers = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        parts = line.split()
        try:
            tiers.append(PriceTier(int(parts[0]), _yuan(parts[1])))
        except (ValueError, IndexError):
            raise PriceTableInvalid(field="tiers") from None
        if len(parts) != 2:
            raise PriceTableInvalid(field="tiers")
    return check_price_table(tiers)


def parse_grants(text: str, error: type[InputInvalid]) -> tuple[VoucherGrant, ...]:
    """One grant a line, "<promotion id> <quantity>"."""
    grants = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit() or len(parts[0]) > 26:
            raise error(field="vouchers")
        grants.append(VoucherGrant(parts[0], int(parts[1])))
    return check_grants(grants, error)


def parse_price(text: str, error: type[InputInvalid]) -> int:
    try:
        return _yuan(text.strip())
    except ValueError:
        raise error(field="price") from None
