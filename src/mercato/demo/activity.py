"""Brings the loaded demo marketplace to life: a few consumers buy from the demo merchants' stores, pay in the
sandbox gateway, receive, review and ask for refunds, all through the capabilities' own use cases, on a clock that
walks the day before `now`; then the due jobs run, so ratings, store scores and credit scores exist.

Runs once: a database whose demo consumer already has orders is left alone.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from mercato import wiring
from mercato.accounts import service as accounts
from mercato.accounts.model import principal_of
from mercato.aftersales import service as aftersales
from mercato.catalog import service as catalog
from mercato.catalog.model import ProductStatus, SkuStatus
from mercato.credit import service as credit
from mercato.demo.generate_parties import DEMO_LOGINS, DOMAIN
from mercato.kernel import jobs
from mercato.kernel.clock import FixedClock
from mercato.kernel.db import make_engine
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.payments import service as payments
from mercato.reviews import service as reviews
from mercato.reviews.model import StoreScores
from mercato.settings import Settings
from mercato.stores import service as stores
from mercato.stores.model import StaffRole, StoreStatus
from mercato.trade import service as trade
from mercato.trade.model import AddressInput, OrderLine, PlacedOrder

STORY_SPAN = timedelta(hours=26)  # before `now`: no refund deadline has passed yet, and at most one night's credit
# pass falls inside the story (the first rating books it)
SHOPPERS = 3  # generated consumers who shop beside the demo consumer
WORKER = "demo"
CARRIERS = ("SF Express", "ZTO Express", "YTO Express", "JD Logistics")
PRAISE = (
    ("Exactly as described, well packed and quick to arrive.", 5),
    ("Good quality for the price; I would buy again.", 5),
    ("Fits well and looks great. 质量很好，物流很快。", 5),
    ("Nice, though the colour is a little darker than in the photos.", 4),
    ("Decent value; delivery took a day longer than promised.", 4),
    ("It does the job. 包装一般，但东西还可以。", 3),
)
COMPLAINT = ("Arrived damaged and not like the photos. 收到时已经损坏。", 2)


@dataclass(frozen=True, slots=True)
class Shop:
    """A store in the story: its owner acting as merchant and the in-stock SKUs shoppers pick from."""

    owner: Principal
    store_id: str
    skus: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cast:
    operator: Principal
    consumer: Principal  # the printed demo consumer login
    shoppers: tuple[Principal, ...]
    flagship: Shop  # the printed demo merchants' stores
    indie: Shop
    other: Shop  # one generated store


@dataclass
class ActivityReport:
    status: str  # played | already_played | no_demo
    orders: int = 0
    reviews: int = 0
    refunds: dict[str, int] = field(default_factory=dict)  # request status -> how many
    jobs: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        if self.status != "played":
            return "Demo activity: already there; nothing to do." if self.status == "already_played" \
                else "Demo activity: no demo consumer in this database; skipped."
        refunds = ", ".join(f"{count} {status}" for status, count in sorted(self.refunds.items()))
        return (f"Demo activity: {self.orders} orders, {self.reviews} reviews, refund requests ({refunds}), "
                f"{self.jobs} jobs run, a full credit pass queued, in {self.seconds:.1f} s")


class Story:
    """The runtime on a movable clock, the seeded choices, and what happened so far."""

    def __init__(self, rt: Runtime, clock: FixedClock, rng: random.Random) -> None:
        self.rt, self.clock, self.rng = rt, clock, rng
        self.report = ActivityReport("played")
        self.handlers = wiring.job_handlers()

    def at(self, instant: datetime) -> None:
        """Move the clock forward to `instant` and run every job due by then."""
        self.clock.set(max(instant, self.clock.now()))
        self.drain()

    def drain(self) -> None:
        while (ran := jobs.run_due(self.rt, self.handlers, WORKER)) > 0:
            self.report.jobs += ran


def play_demo_activity(settings: Settings, seed: int, now: datetime | None = None) -> ActivityReport:
    """Play the demo's shopping story in the database of `settings`, once; what it did."""
    engine = make_engine(settings.resolved_database_url(), pool_size=2)
    end = now or datetime.now(UTC)
    clock = FixedClock(end - STORY_SPAN)
    rt = Runtime(settings=settings, engine=engine, uow=UnitOfWorkFactory(engine), clock=clock,
                 events=wiring.event_bus(), segments=wiring.segment_sources())
    try:
        return play(Story(rt, clock, random.Random(f"mercato-demo-activity:{seed}")), end)
    finally:
        engine.dispose()


def play(story: Story, end: datetime) -> ActivityReport:
    """The story from the story clock's start to `end`, unless the demo consumer has shopped already."""
    started = time.perf_counter()
    consumer = _login(story.rt, DEMO_LOGINS[0].email)
    if consumer is None:
        return ActivityReport("no_demo")
    if trade.my_orders(story.rt, consumer, limit=1).items:
        return ActivityReport("already_played")
    cast = _cast(story, consumer)
    start = story.clock.now()
    baskets = _shop(story, cast)
    _fulfil(story, cast, baskets, start)
    story.at(start + timedelta(hours=6))
    _review(story, cast, baskets)
    _refunds(story, cast, baskets, start, end)
    story.at(end)
    _queue_full_credit_pass(story)
    story.report.seconds = time.perf_counter() - started
    return story.report


# --- the cast -----------------------------------------------------------------------------------------------------

def _login(rt: Runtime, email: str) -> Principal | None:
    user = accounts.find_user_by_email(rt, email)
    return principal_of(user, "session", "demo-activity") if user is not None else None


def _must_login(rt: Runtime, email: str) -> Principal:
    principal = _login(rt, email)
    if principal is None:
        raise LookupError(f"the demo has no account {email}")
    return principal


def _cast(story: Story, consumer: Principal) -> Cast:
    rt, rng = story.rt, story.rng
    numbers = sorted(rng.sample(range(1, 21), SHOPPERS))
    shoppers = tuple(_must_login(rt, f"consumer-{n:05d}@{DOMAIN}") for n in numbers)
    flagship = _own_shop(story, _must_login(rt, DEMO_LOGINS[1].email))
    indie = _own_shop(story, _must_login(rt, DEMO_LOGINS[2].email))
    return Cast(_must_login(rt, DEMO_LOGINS[3].email), consumer, shoppers, flagship, indie,
                _other_shop(story, {flagship.store_id, indie.store_id}))


def _own_shop(story: Story, owner: Principal) -> Shop:
    owned = [m.store for m in stores.my_stores(story.rt, owner) if m.role is StaffRole.OWNER and m.store.is_active]
    return _shop_of(story, owner, owned[0].id)


def _other_shop(story: Story, taken: set[str]) -> Shop:
    page = stores.list_stores(story.rt, status=StoreStatus.ACTIVE, limit=48)
    store = story.rng.choice([s for s in page.items if s.id not in taken])
    return _shop_of(story, principal_of(accounts.get_user(story.rt, store.owner_id), "session", "demo-activity"),
                    store.id)


def _shop_of(story: Story, owner: Principal, store_id: str) -> Shop:
    """A few of the store's listed SKUs with stock to spare, chosen by the story's seed."""
    products = catalog.list_store_products(story.rt, owner, store_id, status=ProductStatus.ACTIVE, limit=24).items
    skus: list[str] = []
    for product in story.rng.sample(list(products), min(len(products), 8)):
        _, stocked = catalog.get_product_for_merchant(story.rt, owner, product.id)
        ready = [s.sku.id for s in stocked if s.sku.status is SkuStatus.ACTIVE and s.available >= 5]
        if ready:
            skus.append(story.rng.choice(ready))
    return Shop(owner, store_id, tuple(skus))


# --- buying, paying, shipping, receiving ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Basket:
    """One consumer's checkout: the orders it placed (one per store)."""

    buyer: Principal
    placed: PlacedOrder

    def order_no(self, store_id: str) -> str:
        return next(ref.order_no for ref in self.placed.orders if ref.store_id == store_id)


def _shop(story: Story, cast: Cast) -> list[Basket]:
    """Each consumer fills a cart from two or three stores (always both demo merchants'), checks out and pays."""
    plans = [(cast.consumer, (cast.flagship, cast.flagship, cast.indie, cast.indie, cast.other))]
    for index, shopper in enumerate(cast.shoppers):
        extra = (cast.other,) if index % 2 == 0 else ()
        plans.append((shopper, (cast.flagship, cast.indie, *extra)))
    baskets = []
    for number, (buyer, shops) in enumerate(plans):
        _fill_cart(story, buyer, shops)
        baskets.append(Basket(buyer, _check_out_and_pay(story, buyer, number)))
        story.at(story.clock.now() + timedelta(minutes=7))
    story.report.orders = sum(len(b.placed.orders) for b in baskets)
    return baskets


def _fill_cart(story: Story, buyer: Principal, shops: Sequence[Shop]) -> None:
    chosen: list[str] = []
    for shop in shops:
        chosen.append(story.rng.choice([s for s in shop.skus if s not in chosen]))
    for sku_id in chosen:
        trade.add_to_cart(story.rt, buyer, sku_id, story.rng.choice((1, 1, 2)))


def _check_out_and_pay(story: Story, buyer: Principal, number: int) -> PlacedOrder:
    """Check out to the buyer's address, then pay as the browser does: open the sandbox checkout, approve it, and
    let the gateway's signed callback (a job, a second later) capture the money."""
    rt = story.rt
    address = _address_of(story, buyer)
    preview = trade.checkout_preview(rt, buyer)
    placed = trade.place_order(rt, buyer, address_id=address, fingerprint=preview.fingerprint,
                               idempotency_key=f"demo-activity-place-{number}")
    started = payments.start_payment(rt, buyer, placed.payment_id, idempotency_key=f"demo-activity-pay-{number}")
    session_id = started.redirect_url.rstrip("/").rsplit("/", 1)[-1]
    payments.gateway_decide(rt, buyer, session_id, approve=True)
    story.at(story.clock.now() + timedelta(seconds=rt.settings.sandbox_callback_delay_seconds + 2))
    return placed


def _address_of(story: Story, buyer: Principal) -> str:
    known = trade.addresses(story.rt, buyer)
    if known:
        return known[0].id
    street = f"{story.rng.randint(1, 300)} West Lake Road"
    draft = AddressInput(buyer.display_name[:40] or "Demo", f"138{story.rng.randint(0, 99_999_999):08d}",
                         "Zhejiang", "Hangzhou", street, "310000", make_default=True)
    return trade.add_address(story.rt, buyer, draft).id


def _fulfil(story: Story, cast: Cast, baskets: Sequence[Basket], start: datetime) -> None:
    """The merchants ship within the hour; the consumers confirm receipt a few hours later (the orders settle)."""
    owners = {shop.store_id: shop.owner for shop in (cast.flagship, cast.indie, cast.other)}
    story.at(start + timedelta(hours=1))
    for basket in baskets:
        for ref in basket.placed.orders:
            tracking = f"DM{story.rng.randint(10**9, 10**10 - 1)}"
            trade.ship_order(story.rt, owners[ref.store_id], ref.store_id, ref.order_no,
                             story.rng.choice(CARRIERS), tracking)
    story.at(start + timedelta(hours=5))
    for basket in baskets:
        for ref in basket.placed.orders:
            trade.confirm_receipt(story.rt, basket.buyer, ref.order_no)


# --- reviews ------------------------------------------------------------------------------------------------------

def _review(story: Story, cast: Cast, baskets: Sequence[Basket]) -> None:
    """Every item is rated and each order's first review scores the store; the items about to go back get a bad
    review. The merchants thank one happy reviewer each and shoppers find the demo consumer's reviews helpful."""
    unhappy = {baskets[0].order_no(cast.indie.store_id), baskets[1].order_no(cast.flagship.store_id)}
    happy: dict[str, list[str]] = {}
    for basket in baskets:
        for ref in basket.placed.orders:
            for index, line in enumerate(_lines(story, basket.buyer, ref.order_no)):
                complaint = index == 0 and ref.order_no in unhappy
                review = _rate(story, basket.buyer, ref.order_no, line, first=index == 0, complaint=complaint)
                story.report.reviews += 1
                if not complaint:
                    happy.setdefault(ref.store_id, []).append(review)
    for shop in (cast.flagship, cast.indie):
        reviews.reply(story.rt, shop.owner, shop.store_id, happy[shop.store_id][0],
                      "Thank you for your order and your kind words! 感谢您的支持！")
    for review_id in _reviews_of(story, cast.consumer)[:2]:
        for shopper in cast.shoppers[:2]:
            reviews.vote_helpful(story.rt, shopper, review_id)


def _lines(story: Story, buyer: Principal, order_no: str) -> tuple[OrderLine, ...]:
    return trade.my_order(story.rt, buyer, order_no).lines


def _rate(story: Story, buyer: Principal, order_no: str, line: OrderLine, *, first: bool, complaint: bool) -> str:
    text, stars = COMPLAINT if complaint else story.rng.choice(PRAISE)
    scores = StoreScores(*(min(5, stars + story.rng.choice((0, 0, 1, -1))) for _ in range(3))) if first else None
    return reviews.submit_review(story.rt, buyer, order_no, line.id, stars, text, scores).id


def _reviews_of(story: Story, consumer: Principal) -> list[str]:
    return [review.id for review in reviews.my_reviews(story.rt, consumer, limit=10).items]


# --- refunds ------------------------------------------------------------------------------------------------------

def _refunds(story: Story, cast: Cast, baskets: Sequence[Basket], start: datetime, end: datetime) -> None:
    """The demo consumer gets one return refunded (indie) and has one waiting (flagship); a shopper's return is
    refused and escalated to the platform (flagship); another shopper's waits for the indie merchant."""
    mine, first, second = baskets[0], baskets[1], baskets[2]
    _returned_and_refunded(story, mine, cast.indie, start + timedelta(hours=7))
    _refused_and_escalated(story, first, cast.flagship, start + timedelta(hours=10))
    story.at(end - timedelta(hours=3))
    _ask(story, mine, cast.flagship, "quality", "The stitching came loose after one wear.")
    story.at(end - timedelta(hours=2))
    _ask(story, second, cast.indie, "changed_mind", "Bought the wrong size by mistake.")
    story.report.refunds = _refund_counts(story, cast)


def _returned_and_refunded(story: Story, basket: Basket, shop: Shop, at: datetime) -> None:
    """Asked, agreed, shipped back an hour later, received two hours after that: the money goes back."""
    story.at(at)
    request_no = _ask(story, basket, shop, "damaged", "The box was crushed and the item is scratched.")
    aftersales.agree(story.rt, shop.owner, shop.store_id, request_no)
    story.at(at + timedelta(hours=1))
    aftersales.ship_back(story.rt, basket.buyer, request_no, "SF Express", f"SF{story.rng.randint(10**9, 10**10 - 1)}")
    story.at(at + timedelta(hours=3))
    aftersales.confirm_received(story.rt, shop.owner, shop.store_id, request_no)


def _refused_and_escalated(story: Story, basket: Basket, shop: Shop, at: datetime) -> None:
    """Asked, refused an hour later, escalated with evidence an hour after that: the operator's dispute."""
    story.at(at)
    request_no = _ask(story, basket, shop, "not_as_described", "The material is not what the page says.")
    story.at(at + timedelta(hours=1))
    aftersales.refuse(story.rt, shop.owner, shop.store_id, request_no,
                      "The item matches the description; the photos show the same material.")
    story.at(at + timedelta(hours=2))
    aftersales.escalate(story.rt, basket.buyer, request_no,
                        "Photos of the label attached: it says 60% cotton, the page promised 100%.")


def _ask(story: Story, basket: Basket, shop: Shop, reason: str, note: str) -> str:
    """A return and refund of one unit of the order's first line; the request's number."""
    order_no = basket.order_no(shop.store_id)
    line = _lines(story, basket.buyer, order_no)[0]
    request = aftersales.request_refund(story.rt, basket.buyer, order_no=order_no, order_line_id=line.id, units=1,
                                        kind="return_refund", reason=reason, note=note,
                                        idempotency_key=f"demo-activity-refund-{order_no}")
    return request.request_no


def _refund_counts(story: Story, cast: Cast) -> dict[str, int]:
    counts: dict[str, int] = {}
    for shop in (cast.flagship, cast.indie):
        for request in aftersales.store_requests(story.rt, shop.owner, shop.store_id, limit=50).items:
            counts[request.status.value] = counts.get(request.status.value, 0) + 1
    return counts


def _queue_full_credit_pass(story: Story) -> None:
    """As `mercato credit rescore --all` does: every consumer is rated by the server's worker."""
    with story.rt.uow() as uow:
        credit.request_full_pass_in(uow, story.clock.now())
        uow.commit()
