"""The demo marketplace generator: pure and deterministic (the same seed gives the same rows, ids included).

`generate(seed, size)` returns the reference rows (people, stores, categories, ...) in foreign-key order and a
plan that yields the goods in chunks. No database, clock or system randomness is touched here.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from mercato.demo.generate_goods import GoodsBatch, GoodsPlan
from mercato.demo.generate_parties import DEMO_LOGINS, OPERATOR_EMAIL, PartyCounts, build_parties
from mercato.demo.generate_promotions import build_promotions
from mercato.demo.generate_taxonomy import build_taxonomy
from mercato.demo.records import DEMO_AS_OF, DemoLogin, Row
from mercato.kernel.errors import InputInvalid

__all__ = ["DEMO_AS_OF", "OPERATOR_EMAIL", "SIZES", "DemoSize", "DemoSizeUnknown", "Marketplace", "generate"]


class DemoSizeUnknown(InputInvalid):
    code = "demo_size_unknown"
    title = "The demo size must be small, medium or large"


@dataclass(frozen=True, slots=True)
class DemoSize:
    name: str
    flagship: int
    independent: int
    products: int
    consumers: int


SIZES: dict[str, DemoSize] = {
    "small": DemoSize("small", flagship=20, independent=80, products=2_000, consumers=50),
    "medium": DemoSize("medium", flagship=60, independent=1_000, products=100_000, consumers=2_000),
    "large": DemoSize("large", flagship=60, independent=6_000, products=1_000_000, consumers=20_000),
}


@dataclass(frozen=True)
class Marketplace:
    seed: int
    size: DemoSize
    as_of: datetime
    reference: tuple[tuple[str, list[Row]], ...]  # (table name, rows) in an order foreign keys accept
    goods: GoodsPlan
    logins: tuple[DemoLogin, ...]

    def reference_rows(self) -> int:
        return sum(len(rows) for _, rows in self.reference)

    def batches(self) -> Iterator[GoodsBatch]:
        """Products with their SKUs, stock and stock movements, a chunk at a time, oldest first."""
        for chunk in range(self.goods.chunks()):
            yield self.goods.batch(chunk)

    def table(self, name: str) -> list[Row]:
        return next(rows for table, rows in self.reference if table == name)


FLAT_FEES = (600, 800, 1000, 1200)  # minor units: ¥6 to ¥12
FREE_THRESHOLDS = (4900, 9900, 19900, None)  # None: the flat fee always applies


def shipping_rules(rng: random.Random, stores: list[Row], as_of: datetime) -> list[Row]:
    """Flagship stores ship free; independent stores charge a flat fee, usually free above a threshold."""
    rows = []
    for store in stores:
        if store["kind"] == "flagship":
            fee, threshold = 0, None
        else:
            fee, threshold = rng.choice(FLAT_FEES), rng.choice(FREE_THRESHOLDS)
        rows.append({"store_id": store["id"], "flat_fee": fee, "free_threshold": threshold, "updated_at": as_of})
    return rows


def _promotion_tables(seed: int, users: list[Row], stores: list[Row], categories: list[Row],
                      as_of: datetime) -> tuple[tuple[str, list[Row]], ...]:
    rows = build_promotions(random.Random(f"mercato-demo:{seed}:promotions"), users, stores, categories, as_of)
    return (("promotions", rows.promotions), ("promotion_stores", rows.promotion_stores),
            ("held_coupons", rows.held_coupons), ("jobs", rows.jobs))


def resolve_size(size: str | DemoSize) -> DemoSize:
    if isinstance(size, DemoSize):
        return size
    if size not in SIZES:
        raise DemoSizeUnknown(f"Unknown demo size {size!r}: choose small, medium or large", size=size)
    return SIZES[size]


def generate(seed: int, size: str | DemoSize = "small", as_of: datetime = DEMO_AS_OF) -> Marketplace:
    chosen = resolve_size(size)
    # Separate streams per part, so growing one part (more stores) leaves the others' rows unchanged.
    taxonomy = build_taxonomy(random.Random(f"mercato-demo:{seed}:taxonomy"), as_of - timedelta(days=800))
    counts = PartyCounts(chosen.flagship, chosen.independent, chosen.consumers)
    parties = build_parties(random.Random(f"mercato-demo:{seed}:parties"), counts, as_of)
    reference = (
        ("users", parties.users), ("categories", taxonomy.categories),
        ("category_attributes", taxonomy.category_attributes), ("commission_rates", taxonomy.commission_rates),
        ("prohibited_words", taxonomy.prohibited_words), ("brands", parties.brands), ("stores", parties.stores),
        ("store_staff", parties.store_staff), ("store_tags", parties.store_tags),
        ("brand_authorisations", parties.brand_authorisations),
        ("store_applications", parties.store_applications),
        ("store_shipping", shipping_rules(random.Random(f"mercato-demo:{seed}:shipping"), parties.stores, as_of)),
        *_promotion_tables(seed, parties.users, parties.stores, taxonomy.categories, as_of),
    )
    goods = GoodsPlan(seed, chosen.products, as_of, tuple(parties.plans), taxonomy.leaves)
    return Marketplace(seed, chosen, as_of, reference, goods, DEMO_LOGINS)
