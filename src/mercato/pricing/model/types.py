"""The promotion engine's inputs as plain values: cart lines, the consumer's context and the promotions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

BASIS_POINTS = 10_000


class PromoClass(StrEnum):
    """Classes apply in this order: item, member, store, cross-store, platform voucher."""

    ITEM = "item"
    MEMBER = "member"
    STORE = "store"
    CROSS_STORE = "cross_store"
    PLATFORM_VOUCHER = "platform_voucher"


ALL_CLASSES: frozenset[PromoClass] = frozenset(PromoClass)
CLASS_ORDER: dict[PromoClass, int] = {c: i for i, c in enumerate(PromoClass)}


class Kind(StrEnum):
    ITEM_DISCOUNT = "item_discount"
    SPECIAL_PRICE = "special_price"
    SUBSIDY_PRICE = "subsidy_price"
    MEMBER_PRICE = "member_price"
    BUY_X_GET_Y = "buy_x_get_y"
    NTH_ITEM = "nth_item"
    BUNDLE = "bundle"
    STORE_REDUCTION = "store_reduction"
    STORE_COUPON = "store_coupon"
    CROSS_STORE_REDUCTION = "cross_store_reduction"
    PLATFORM_VOUCHER = "platform_voucher"


CLASS_OF: dict[Kind, PromoClass] = {
    Kind.ITEM_DISCOUNT: PromoClass.ITEM,
    Kind.SPECIAL_PRICE: PromoClass.ITEM,
    Kind.SUBSIDY_PRICE: PromoClass.ITEM,
    Kind.BUY_X_GET_Y: PromoClass.ITEM,
    Kind.NTH_ITEM: PromoClass.ITEM,
    Kind.BUNDLE: PromoClass.ITEM,
    Kind.MEMBER_PRICE: PromoClass.MEMBER,
    Kind.STORE_REDUCTION: PromoClass.STORE,
    Kind.STORE_COUPON: PromoClass.STORE,
    Kind.CROSS_STORE_REDUCTION: PromoClass.CROSS_STORE,
    Kind.PLATFORM_VOUCHER: PromoClass.PLATFORM_VOUCHER,
}
HELD_KINDS = frozenset({Kind.STORE_COUPON, Kind.PLATFORM_VOUCHER})
LINE_CLASSES = frozenset({PromoClass.ITEM, PromoClass.MEMBER})
DEFAULT_PLATFORM_BP: dict[Kind, int] = {Kind.SUBSIDY_PRICE: BASIS_POINTS, Kind.PLATFORM_VOUCHER: BASIS_POINTS}


class Requirement(StrEnum):
    NONE = "none"
    FIRST_PLATFORM_ORDER = "first_platform_order"
    FIRST_STORE_ORDER = "first_store_order"


@dataclass(frozen=True, slots=True)
class Line:
    """A cart line; `unit_price` is in fen."""

    line_id: str
    sku_id: str
    store_id: str
    vertical_id: str
    unit_price: int
    quantity: int

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class Held:
    """A coupon or voucher the consumer holds: its own id and the promotion it was issued from."""

    held_id: str
    promotion_id: str


@dataclass(frozen=True, slots=True)
class Context:
    is_member: bool = False
    first_platform_order: bool = False
    first_order_store_ids: frozenset[str] = frozenset()
    held: tuple[Held, ...] = ()


@dataclass(frozen=True, slots=True)
class Tier:
    threshold: int
    amount: int


@dataclass(frozen=True, slots=True)
class Scope:
    """Which lines a promotion covers; an empty set means any."""

    store_ids: frozenset[str] = frozenset()
    sku_ids: frozenset[str] = frozenset()
    vertical_ids: frozenset[str] = frozenset()

    def covers(self, line: Line) -> bool:
        return (
            (not self.store_ids or line.store_id in self.store_ids)
            and (not self.sku_ids or line.sku_id in self.sku_ids)
            and (not self.vertical_ids or line.vertical_id in self.vertical_ids)
        )


@dataclass(frozen=True, slots=True)
class Window:
    """Open from `starts_at` (inclusive) to `ends_at` (exclusive); None is unbounded."""

    starts_at: datetime | None = None
    ends_at: datetime | None = None

    def has_started(self, now: datetime) -> bool:
        return self.starts_at is None or now >= self.starts_at

    def has_ended(self, now: datetime) -> bool:
        return self.ends_at is not None and now >= self.ends_at


@dataclass(frozen=True, slots=True)
class Promotion:
    """One promotion. Which fields matter depends on `kind` (see `validation`).

    Threshold rules: `tiers` (tiered full reduction), `every` + `amount` (+ `cap`) (repeating full reduction),
    or `threshold` + `amount`, or `threshold` + `percent` (+ `cap`) (coupons and vouchers).
    Item rules: `percent` or `amount` per unit (item discount), `price` per unit (special and subsidy price),
    `buy` + `get`, `nth` + `percent` (the nth unit at `percent` off), `percent` (member price),
    `price` for one of each of `scope.sku_ids` in its one store (bundle; see `bundles`).
    Two promotions may both apply to a line only if each one's class is in the other's `combines_with`.
    Promotions sharing an `exclusive_group` are alternatives: the engine picks one of them.
    """

    promotion_id: str
    kind: Kind
    scope: Scope = Scope()
    window: Window = Window()
    platform_share_bp: int | None = None
    threshold: int = 0
    amount: int = 0
    percent: int = 0
    cap: int | None = None
    tiers: tuple[Tier, ...] = ()
    every: int = 0
    price: int = 0
    buy: int = 0
    get: int = 0
    nth: int = 0
    requirement: Requirement = Requirement.NONE
    combines_with: frozenset[PromoClass] = ALL_CLASSES
    exclusive_group: str = ""
    priority: int = 0
    stackable: bool = False
    promo_class: PromoClass = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "promo_class", CLASS_OF[self.kind])

    @property
    def platform_bp(self) -> int:
        if self.platform_share_bp is not None:
            return self.platform_share_bp
        return DEFAULT_PLATFORM_BP.get(self.kind, 0)

    @property
    def is_held(self) -> bool:
        return self.kind in HELD_KINDS

    @property
    def store_id(self) -> str:
        """The one store of a store-class promotion; empty for the others."""
        return next(iter(self.scope.store_ids)) if self.promo_class is PromoClass.STORE else ""


def combine(first: Promotion, second: Promotion) -> bool:
    return first.promo_class in second.combines_with and second.promo_class in first.combines_with


class Reason(StrEnum):
    APPLIED = "applied"
    BELOW_THRESHOLD = "below_threshold"
    NOT_ELIGIBLE = "not_eligible"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    NOT_MEMBER = "not_member"
    NOT_FIRST_ORDER = "not_first_order"
    SUPERSEDED_BY_BETTER_CHOICE = "superseded_by_better_choice"
    EXCLUSIVE_WITH = "exclusive_with"
