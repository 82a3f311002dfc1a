"""Demo goods: products with bilingual titles, attributes, SKUs along sensible option axes, prices and stock.

Products are made in fixed-size chunks, each from its own seeded generator, so a chunk can be regenerated alone
and a million products never sit in memory at once. Creation times rise with the product index, so ids do too.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from mercato.demo.records import Leaf, Row, StorePlan, id_at_millis, millis
from mercato.demo.vocab import AXES, Axis, AxisValue, Pair, bilingual
from mercato.demo.vocab_values import NODE_VALUES

CHUNK = 2_000
YEAR_MS = 365 * 24 * 3600 * 1000


@dataclass
class GoodsBatch:
    products: list[Row] = field(default_factory=list)
    skus: list[Row] = field(default_factory=list)
    stock: list[Row] = field(default_factory=list)
    stock_movements: list[Row] = field(default_factory=list)

    def row_count(self) -> int:
        return len(self.products) + len(self.skus) + len(self.stock) + len(self.stock_movements)


@dataclass(frozen=True)
class GoodsPlan:
    seed: int
    total: int
    as_of: datetime
    stores: tuple[StorePlan, ...]
    leaves: dict[str, list[Leaf]]

    def chunks(self) -> int:
        return math.ceil(self.total / CHUNK)

    def batch(self, chunk: int) -> GoodsBatch:
        rng = random.Random(f"mercato-demo:{self.seed}:goods:{chunk}")
        weights = list(itertools.accumulate(store.weight for store in self.stores))
        batch = GoodsBatch()
        for index in range(chunk * CHUNK, min(self.total, (chunk + 1) * CHUNK)):
            # The first products go one to each store, so every store (the demo merchants' too) has goods.
            store = self.stores[index] if index < len(self.stores) else \
                rng.choices(self.stores, cum_weights=weights)[0]
            _product(batch, rng, index, store, self._created_ms(rng, index), self)
        return batch

    def _created_ms(self, rng: random.Random, index: int) -> int:
        # Slot `index` of the year; the jitter stays inside the slot, so times (and ids) strictly increase.
        start = millis(self.as_of) - YEAR_MS
        slot = YEAR_MS // self.total
        return start + YEAR_MS * index // self.total + rng.randrange(max(1, slot))


def _product(batch: GoodsBatch, rng: random.Random, index: int, store: StorePlan, created_ms: int,
             plan: GoodsPlan) -> None:
    leaf = rng.choice(plan.leaves[rng.choice(store.verticals)])
    brand_id, maker = _maker(rng, store, leaf.vertical.slug)
    noun = rng.choice(leaf.node.nouns)
    attributes, picked = _attributes(rng, leaf)
    title = _title(rng, maker, leaf, noun, picked)
    created = datetime.fromtimestamp(created_ms / 1000, UTC)
    updated = datetime.fromtimestamp((created_ms + rng.randrange(millis(plan.as_of) - created_ms)) / 1000, UTC)
    status = _status(rng, leaf.restricted)
    product_id = id_at_millis(rng, created_ms)
    skus = _skus(rng, leaf, product_id, store, index, created_ms)
    stock = _stock(rng, skus, leaf.vertical.slug)
    active = [sku for sku in skus if sku["status"] == "active"]
    batch.products.append({
        "id": product_id, "store_id": store.id, "store_kind": store.kind, "brand_id": brand_id,
        "category_id": leaf.id, "vertical_id": leaf.vertical_id, "category_l2_id": leaf.l2_id,
        "category_l3_id": leaf.l3_id, "title_en": title[0], "title_zh": title[1],
        "description_en": _description(leaf, noun, maker, 0), "description_zh": _description(leaf, noun, maker, 1),
        "attributes": attributes, "image_urls": [f"/static/img/placeholder/{leaf.vertical.slug}.svg"],
        "status": status, "review_note": "The photos do not show the product" if status == "rejected" else None,
        "min_price_minor": min(cast(int, sku["price_minor"]) for sku in active),
        "max_price_minor": max(cast(int, sku["price_minor"]) for sku in active),
        "in_stock": any(stock[cast(str, sku["id"])] > 0 for sku in active),
        "sales_count": _sales(rng, status, store.kind, created_ms, plan.as_of),
        "created_at": created, "updated_at": updated,
        "rating": None, "rating_count": 0,  # kept by reviews; the demo has no reviews
    })
    batch.skus.extend(skus)
    _stock_rows(batch, rng, skus, stock, product_id, store.id, created, created_ms)


def _maker(rng: random.Random, store: StorePlan, vertical: str) -> tuple[str | None, Pair]:
    """Whose name goes on the goods: the flagship's brand, else mostly the shop's own label, sometimes a brand
    it resells (never a protected one, which only authorised stores may list)."""
    if store.brand is not None:
        return store.brand_id, (store.brand.en, store.brand.zh)
    resale = [(brand, bid) for brand, bid in store.resale_brands if brand.vertical == vertical]
    if resale and rng.random() < 0.15:
        brand, bid = rng.choice(resale)
        return bid, (brand.en, brand.zh)
    return None, store.label


def _attributes(rng: random.Random, leaf: Leaf) -> tuple[dict[str, str], dict[str, Pair]]:
    values: dict[str, str] = {}
    picked: dict[str, Pair] = {}
    for attr in leaf.attrs:
        if attr.required or rng.random() < 0.6:
            picked[attr.code] = rng.choice(NODE_VALUES.get(leaf.node.slug, {}).get(attr.code, attr.values))
            values[attr.code] = bilingual(picked[attr.code])
    return values, picked


def _title(rng: random.Random, maker: Pair, leaf: Leaf, noun: Pair, picked: dict[str, Pair]) -> Pair:
    """Maker + series + key attribute + noun: "Northpeak Trailhead 30L Hiking Backpack" / "北峰 远径 30L 徒步双肩包"."""
    series = rng.choice(leaf.vertical.series)
    key = _key_phrase(rng, leaf, picked)
    en = " ".join(part for part in (maker[0], series[0], key[0], noun[0]) if part)
    # A Latin key ("30L") stands apart from the Chinese noun; a Chinese one ("亚麻") runs into it.
    zh_key = f"{key[1]} " if key[1] and key[1][-1] < "\u2e80" else key[1]
    zh = f"{maker[1]} {series[1]} {zh_key}{noun[1]}"
    return en[:200], zh[:200]


def _key_phrase(rng: random.Random, leaf: Leaf, picked: dict[str, Pair]) -> Pair:
    if leaf.node.specs:
        return rng.choice(leaf.node.specs)
    if "destination" in picked:
        place = picked["destination"]
        days = picked.get("duration_days")
        return (f"{place[0]} {days[0]}-Day", f"{place[1]}{days[1]}日") if days else place
    if "material" in picked and leaf.vertical.slug == "apparel":
        return picked["material"]
    return ("", "")


def _description(leaf: Leaf, noun: Pair, maker: Pair, side: int) -> str:
    sentences = [blurb[side].format(noun=noun[side]) for blurb in leaf.vertical.blurbs]
    by = f"From {maker[0]}." if side == 0 else f"来自{maker[1]}。"
    return (" " if side == 0 else "").join([*sentences, by])


def _status(rng: random.Random, restricted: bool) -> str:
    roll = rng.random()
    if restricted:  # listings in restricted categories wait for an operator's review
        return "pending_review" if roll < 0.3 else "active"
    for status, cut in (("draft", 0.02), ("pending_review", 0.035), ("rejected", 0.04), ("delisted", 0.06)):
        if roll < cut:
            return status
    return "active"


def _options(rng: random.Random, axes: tuple[Axis, ...]) -> list[tuple[dict[str, str], int]]:
    """Every combination of a few values per axis, with the price percentage the combination carries."""
    choices: list[list[tuple[str, AxisValue]]] = []
    for axis in axes:
        count = min(rng.randint(*axis.pick), len(axis.values))
        if axis.key == "colour":
            values = rng.sample(axis.values, count)
        else:  # ordered axes (sizes, capacities) offer a contiguous run
            first = rng.randrange(len(axis.values) - count + 1)
            values = list(axis.values[first:first + count])
        choices.append([(axis.key, value) for value in values])
    combos: list[tuple[dict[str, str], int]] = []
    for combo in itertools.product(*choices):
        pct = 100
        for _, value in combo:
            pct = pct * value.price_pct // 100
        combos.append(({key: bilingual(value.label) for key, value in combo}, pct))
    return combos


def nice_price(fen: int) -> int:
    """Round up to a shop-window price: ¥x9.90 under ¥100, ¥xx9 under ¥1,000, ¥x,x99 above."""
    for limit, step, ending in ((10_000, 1_000, 990), (100_000, 1_000, 900)):
        if fen < limit:
            return max(ending, (fen - ending + step - 1) // step * step + ending)
    return (fen - 9_900 + 9_999) // 10_000 * 10_000 + 9_900


def _skus(rng: random.Random, leaf: Leaf, product_id: str, store: StorePlan, index: int,
          created_ms: int) -> list[Row]:
    low, high = leaf.node.price
    base = math.exp(rng.uniform(math.log(low), math.log(high))) * 100
    markup = rng.uniform(1.15, 1.6) if rng.random() < 0.35 else 0.0
    options = _options(rng, AXES[leaf.node.axes or leaf.vertical.axes])
    rows: list[Row] = []
    for position, (values, pct) in enumerate(options):
        price = nice_price(int(base * pct / 100))
        rows.append({
            "id": id_at_millis(rng, created_ms), "product_id": product_id, "store_id": store.id,
            "code": f"{store.code}-{index:07d}-{position + 1:02d}", "options": values, "price_minor": price,
            "list_price_minor": nice_price(int(price * markup)) if markup else None,
            "status": "inactive" if position and rng.random() < 0.04 else "active", "position": position,
        })
    return rows


def _stock(rng: random.Random, skus: list[Row], vertical: str) -> dict[str, int]:
    sold_out = rng.random() < 0.04
    levels: dict[str, int] = {}
    for sku in skus:
        if sold_out or rng.random() < 0.08:
            levels[cast(str, sku["id"])] = 0
        elif vertical == "travel":
            levels[cast(str, sku["id"])] = rng.choice((50, 100, 200, 999))
        else:
            levels[cast(str, sku["id"])] = min(5000, int(rng.paretovariate(1.3) * 12))
    return levels


def _stock_rows(batch: GoodsBatch, rng: random.Random, skus: list[Row], levels: dict[str, int], product_id: str,
                store_id: str, created: datetime, created_ms: int) -> None:
    for sku in skus:
        available = levels[cast(str, sku["id"])]
        batch.stock.append({"sku_id": sku["id"], "product_id": product_id, "store_id": store_id,
                            "available": available, "reserved": 0, "updated_at": created})
        if available:
            batch.stock_movements.append({"id": id_at_millis(rng, created_ms), "sku_id": sku["id"],
                                          "delta": available, "available_after": available, "reason": "set",
                                          "actor_id": None, "at": created})


def _sales(rng: random.Random, status: str, kind: str, created_ms: int, as_of: datetime) -> int:
    if status in ("draft", "pending_review", "rejected"):
        return 0
    age = (millis(as_of) - created_ms) / YEAR_MS  # 0..1 of the year: older goods have sold more
    scale = 40 if kind == "flagship" else 12
    return max(0, min(250_000, int(rng.paretovariate(1.2) * scale * (0.2 + age)) - 1))
