"""credit model: the pure, explainable credit score.

The score is `BASE` plus a sum of bounded contributions, one per fact, clamped to [MIN_SCORE, MAX_SCORE]. Every
contribution is a saturating curve `cap * x / (x + half)` in integer arithmetic: 0 at x = 0, `cap / 2` at
x = `half`, never above `cap`; good facts add, bad facts subtract, so the score is monotone in each fact and the
factors behind it are the contributions themselves (largest first).

One large order cannot jump tiers: spend counts with diminishing returns, and only the *counted spend* reaches the
curve: at most `SPEND_PER_ORDER` per completed order (so reaching the spend factor's cap takes many orders), and
the part of the largest order above `SPEND_PER_ORDER` is left out. The spend factor as a whole is worth less than a
tier's width minus what one more completed, paid order adds through the other factors (`MAX_ONE_ORDER_GAIN` <
`TIER_WIDTH`), so one order, of any size, moves the tier by at most one.

The quick-refund caps are the tier's, limited while the recent history is thin (`quick_refund_terms`): a tier reached
on account age with few orders in the past 12 months earns small advances only, until the shopping behind it is there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from enum import StrEnum

MIN_SCORE, MAX_SCORE, BASE = 350, 950, 500  # a consumer with no history starts at the floor of fair
TIER_WIDTH = 100
SPEND_PER_ORDER = 50_000  # fen (¥500): the most one order adds to the counted spend
FACTS_WINDOW = timedelta(days=365)  # "the past 12 months" of the facts
RECORD_WINDOW = timedelta(days=730)  # misconduct (lost disputes, returns never shipped, clawbacks) stays two years


class CreditTier(StrEnum):
    LOW = "low"
    FAIR = "fair"
    GOOD = "good"
    GREAT = "great"
    EXCELLENT = "excellent"


TIER_FLOORS: tuple[tuple[CreditTier, int], ...] = (
    (CreditTier.EXCELLENT, 800), (CreditTier.GREAT, 700), (CreditTier.GOOD, 600), (CreditTier.FAIR, 500),
    (CreditTier.LOW, MIN_SCORE))
TIER_ORDER: tuple[CreditTier, ...] = tuple(reversed([tier for tier, _ in TIER_FLOORS]))


def tier_of(value: int) -> CreditTier:
    """The highest tier whose floor the score reaches."""
    return next(tier for tier, floor in TIER_FLOORS if value >= floor)


def tier_floor(tier: CreditTier | str) -> int:
    return dict(TIER_FLOORS)[CreditTier(tier)]


def tier_rank(tier: CreditTier | str) -> int:
    """0 for low up to 4 for excellent."""
    return TIER_ORDER.index(CreditTier(tier))


# --- facts ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CreditFacts:
    """The consumer's own history (money in fen): shopping and refunds over the past 12 months (FACTS_WINDOW), lost
    disputes, returns never shipped back and clawbacks over the past two years (RECORD_WINDOW), helpful reviews and
    violations as reviews counts them."""

    account_age_days: int = 0
    completed_orders_12m: int = 0
    spend_12m: int = 0
    largest_order_12m: int = 0
    orders_paid: int = 0
    orders_unpaid_timeout: int = 0  # orders left unpaid until the timeout cancelled them
    refunds_12m: int = 0
    refunds_buyer_fault_12m: int = 0  # refunds for the buyer's own reasons (changed mind, wear-and-return, ...)
    disputes_lost: int = 0
    returns_never_shipped: int = 0
    clawbacks: int = 0  # quick refunds taken back because the return never arrived
    helpful_reviews: int = 0
    violations: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, int]) -> CreditFacts:
        known = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in data.items() if k in known})


GOOD_FACTS = ("account_age_days", "completed_orders_12m", "spend_12m", "orders_paid", "helpful_reviews")
BAD_FACTS = ("orders_unpaid_timeout", "refunds_12m", "refunds_buyer_fault_12m", "disputes_lost",
             "returns_never_shipped", "clawbacks", "violations")


@dataclass(frozen=True, slots=True)
class OrderFact:
    """One completed order as the facts count it."""

    amount: int  # fen paid, refunds not deducted


def order_facts(orders: Iterable[OrderFact]) -> tuple[int, int, int]:
    """(completed orders, spend, largest order) of a sequence of orders, whatever its order."""
    amounts = [max(o.amount, 0) for o in orders]
    return len(amounts), sum(amounts), max(amounts, default=0)


# --- the curves -----------------------------------------------------------------------------------------------------

def saturating(x: int, cap: int, half: int) -> int:
    """round(cap * x / (x + half)) for x >= 0, exactly (integers only): monotone, 0 at 0, at most cap."""
    x = max(x, 0)
    return (2 * cap * x + x + half) // (2 * (x + half))


def counted_spend(facts: CreditFacts) -> int:
    """The spend the score believes: at most SPEND_PER_ORDER per completed order, without the largest order's
    excess over SPEND_PER_ORDER (one big purchase is not a shopping history)."""
    spend = max(facts.spend_12m, 0)
    excess = max(min(facts.largest_order_12m, spend) - SPEND_PER_ORDER, 0)
    return min(spend - excess, SPEND_PER_ORDER * max(facts.completed_orders_12m, 0))


def excess_refunds(facts: CreditFacts) -> int:
    """Refunds of any reason beyond what an ordinary shopper asks for, in tenths: one refund, plus one in ten
    orders, is normal (goods do arrive broken or not as described; the buyer's own reasons weigh separately)."""
    return max(10 * facts.refunds_12m - max(facts.completed_orders_12m, 0) - 10, 0)


@dataclass(frozen=True, slots=True)
class Factor:
    """One contribution to the score: `points` added (negative: taken away) and the key of its explanation."""

    name: str
    points: int
    key: str


# name, cap (negative: a bad fact, which takes points away), half (where the curve gives half its cap)
_CURVES: tuple[tuple[str, int, int], ...] = (
    ("account_age", 60, 180),
    ("completed_orders", 120, 8),
    ("spend", 50, 300_000),
    ("paying_on_time", 50, 4),
    ("helpful_reviews", 40, 5),
    ("unpaid_orders", -60, 3),
    ("refund_rate", -150, 10),
    ("refunds_buyer_fault", -200, 2),
    ("disputes_lost", -200, 2),
    ("returns_never_shipped", -300, 1),
    ("clawbacks", -300, 1),
    ("violations", -300, 2),
)


def _inputs(facts: CreditFacts) -> dict[str, int]:
    return {
        "account_age": facts.account_age_days, "completed_orders": facts.completed_orders_12m,
        "spend": counted_spend(facts), "paying_on_time": facts.orders_paid,
        "helpful_reviews": facts.helpful_reviews, "unpaid_orders": facts.orders_unpaid_timeout,
        "refund_rate": excess_refunds(facts), "refunds_buyer_fault": facts.refunds_buyer_fault_12m,
        "disputes_lost": facts.disputes_lost, "returns_never_shipped": facts.returns_never_shipped,
        "clawbacks": facts.clawbacks, "violations": facts.violations,
    }


def _one_order_gain() -> int:
    """The most one completed, paid order can add: the whole spend factor, plus one step of the order count, of
    paying on time and of the refund allowance (each curve is steepest at 0), plus rounding at each step."""
    caps = {name: abs(cap) for name, cap, _ in _CURVES}
    halves = {name: half for name, _, half in _CURVES}
    steps = sum(saturating(1, caps[name], halves[name]) for name in ("completed_orders", "paying_on_time"))
    steps += saturating(1, caps["refund_rate"], halves["refund_rate"])  # one order: a tenth more allowance
    return caps["spend"] + steps + 4


MAX_ONE_ORDER_GAIN = _one_order_gain()
assert MAX_ONE_ORDER_GAIN < TIER_WIDTH


@dataclass(frozen=True, slots=True)
class CreditScore:
    value: int
    tier: CreditTier
    factors: tuple[Factor, ...]  # non-zero contributions, largest first

    def top(self, n: int = 5) -> tuple[Factor, ...]:
        return self.factors[:n]


def factors_of(facts: CreditFacts) -> tuple[Factor, ...]:
    """Every non-zero contribution, largest first (ties by name, so the order never depends on the input)."""
    values = _inputs(facts)
    found = []
    for name, cap, half in _CURVES:
        points = saturating(values[name], abs(cap), half) * (1 if cap > 0 else -1)
        if points:
            found.append(Factor(name, points, f"credit.factor.{name}"))
    return tuple(sorted(found, key=lambda f: (-abs(f.points), f.name)))


def score(facts: CreditFacts) -> CreditScore:
    """The bounded score, its tier and the factors behind it."""
    factors = factors_of(facts)
    value = min(max(BASE + sum(f.points for f in factors), MIN_SCORE), MAX_SCORE)
    return CreditScore(value, tier_of(value), factors)


def score_for_tier(tier: CreditTier | str) -> CreditScore:
    """A score at the floor of `tier` with no factors (for seeding a consumer into a tier, e.g. in tests)."""
    value = tier_floor(tier)
    return CreditScore(value, CreditTier(tier), ())


# --- quick-refund terms ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuickRefundTerms:
    """What a tier earns: a quick refund up to `per_order_max` per order, and at most `outstanding_max` advanced
    and not yet recovered at once (fen)."""

    tier: str
    per_order_max: int
    outstanding_max: int


QUICK_REFUND_TERMS: dict[CreditTier, QuickRefundTerms] = {
    CreditTier.GOOD: QuickRefundTerms(CreditTier.GOOD.value, 50_000, 100_000),
    CreditTier.GREAT: QuickRefundTerms(CreditTier.GREAT.value, 150_000, 300_000),
    CreditTier.EXCELLENT: QuickRefundTerms(CreditTier.EXCELLENT.value, 500_000, 1_000_000),
}


def terms_for(tier: CreditTier | str) -> QuickRefundTerms | None:
    """The tier's quick-refund caps; None below good."""
    return QUICK_REFUND_TERMS.get(CreditTier(tier))


# A thin recent history: fewer completed orders than this over the past 12 months. Abusers who slip through the
# tiers do so in a quiet stretch (a few clean orders on an old account already reach good); honest thin histories
# keep small quick refunds, the size of an ordinary order.
THIN_HISTORY_ORDERS = 8
THIN_HISTORY_CAP = 20_000  # fen (¥200): per order and outstanding, whatever the tier


def thin_history(facts: CreditFacts) -> bool:
    return facts.completed_orders_12m < THIN_HISTORY_ORDERS


def quick_refund_terms(tier: CreditTier | str, facts: CreditFacts | None) -> QuickRefundTerms | None:
    """The quick-refund caps a consumer earns: the tier's (`terms_for`), each at most THIN_HISTORY_CAP while the
    facts show a thin recent history. `facts` None (a score stored without the facts behind it, e.g. seeded into a
    tier) is taken at its tier's caps."""
    terms = terms_for(tier)
    if terms is None or facts is None or not thin_history(facts):
        return terms
    return replace(terms, per_order_max=min(terms.per_order_max, THIN_HISTORY_CAP),
                   outstanding_max=min(terms.outstanding_max, THIN_HISTORY_CAP))


# --- advice ---------------------------------------------------------------------------------------------------------

# What to do about each factor, for the "how to raise it" list: the bad factors present, then the good ones with room.
ADVICE: dict[str, str] = {
    "completed_orders": "credit.advice.shop",
    "paying_on_time": "credit.advice.pay_on_time",
    "helpful_reviews": "credit.advice.review",
    "unpaid_orders": "credit.advice.pay_on_time",
    "refund_rate": "credit.advice.fewer_refunds",
    "refunds_buyer_fault": "credit.advice.fewer_refunds",
    "disputes_lost": "credit.advice.disputes",
    "returns_never_shipped": "credit.advice.ship_returns",
    "clawbacks": "credit.advice.ship_returns",
    "violations": "credit.advice.rules",
}


def advice_for(factors: Sequence[Factor]) -> tuple[str, ...]:
    """The advice keys for raising the score: fix what takes points away first, then what can still add."""
    bad = [ADVICE[f.name] for f in factors if f.points < 0 and f.name in ADVICE]
    present = {f.name: f.points for f in factors}
    room = [ADVICE[name] for name, cap, _ in _CURVES
            if cap > 0 and name in ADVICE and present.get(name, 0) < cap * 3 // 4]
    return tuple(dict.fromkeys(bad + room))


# --- views ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StoredScore:
    """A consumer's current score as stored, with the facts it was computed from and when."""

    score: CreditScore
    facts: CreditFacts | None  # None: stored without the facts behind it (seeded into a tier)
    computed_at: datetime


@dataclass(frozen=True, slots=True)
class CreditOverview:
    """What the consumer's "my credit" page and `GET /me/credit` show; `score` is None before the first rating."""

    score: CreditScore | None
    facts: CreditFacts | None
    computed_at: datetime | None
    terms: QuickRefundTerms | None
    advice: tuple[str, ...]  # advice keys, most useful first
