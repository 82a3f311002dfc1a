"""The demo generator is deterministic and its data obeys the marketplace's rules (pure, no database)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mercato.web
from mercato.demo.generate import SIZES, DemoSize, DemoSizeUnknown, Marketplace, generate
from mercato.demo.generate_goods import CHUNK, GoodsBatch, nice_price
from mercato.demo.records import PlainPassword, fast_encode_id
from mercato.demo.vocab import PROHIBITED_WORDS
from mercato.kernel.ids import encode_id, id_millis, is_valid_id
from mercato.stores.model import normalize_slug, normalize_tag

SEED = 7
STATIC = Path(mercato.web.__file__).parent / "static"


@pytest.fixture(scope="module")
def market() -> Marketplace:
    return generate(SEED, "small")


@pytest.fixture(scope="module")
def goods(market: Marketplace) -> GoodsBatch:
    whole = GoodsBatch()
    for batch in market.batches():
        for name in ("products", "skus", "stock", "stock_movements"):
            getattr(whole, name).extend(getattr(batch, name))
    return whole


def _everything(market: Marketplace) -> Iterator[Any]:
    yield market.reference
    yield from (vars(batch) for batch in market.batches())


def test_the_same_seed_gives_identical_rows_ids_included() -> None:
    first, second = generate(SEED, "small"), generate(SEED, "small")
    assert list(_everything(first)) == list(_everything(second))


def test_a_different_seed_gives_different_rows() -> None:
    one, other = generate(SEED, "small"), generate(SEED + 1, "small")
    assert one.table("stores") != other.table("stores")
    assert one.goods.batch(0).products != other.goods.batch(0).products


def test_a_chunk_regenerates_alone_exactly_as_in_sequence() -> None:
    size = DemoSize("three-chunks", flagship=2, independent=3, products=2 * CHUNK + 5, consumers=1)
    alone = generate(SEED, size).goods.batch(2)
    in_sequence = list(generate(SEED, size).batches())
    assert len(in_sequence) == 3 and vars(in_sequence[2]) == vars(alone)


def test_an_unknown_size_is_refused() -> None:
    with pytest.raises(DemoSizeUnknown) as refused:
        generate(SEED, "gigantic")
    assert refused.value.code == "demo_size_unknown"


def test_small_has_twenty_flagship_and_eighty_independent_stores_and_about_two_thousand_products(
        market: Marketplace, goods: GoodsBatch) -> None:
    kinds = [store["kind"] for store in market.table("stores")]
    assert (kinds.count("flagship"), kinds.count("independent")) == (20, 80)
    assert len(goods.products) == 2_000
    assert 4_000 <= len(goods.skus) <= 6_000


def test_every_store_and_so_every_demo_merchant_has_products(market: Marketplace, goods: GoodsBatch) -> None:
    assert {p["store_id"] for p in goods.products} == {s["id"] for s in market.table("stores")}


def test_the_tree_has_eight_verticals_with_level_two_and_three_children(market: Marketplace) -> None:
    levels = defaultdict(list)
    for category in market.table("categories"):
        levels[category["level"]].append(category)
    assert len(levels[1]) == 8
    for vertical in levels[1]:
        children = [c for c in levels[2] if c["parent_id"] == vertical["id"]]
        assert 5 <= len(children) <= 8
    assert len(levels[3]) >= 16
    restricted = {c["slug"] for c in market.table("categories") if c["restricted"]}
    assert {"health-otc", "food-infant-formula"} <= restricted


def test_commission_rates_cover_every_vertical_and_store_kind_between_two_and_eight_percent(
        market: Marketplace) -> None:
    rates = market.table("commission_rates")
    assert len({(r["vertical_id"], r["store_kind"]) for r in rates}) == 16
    assert all(200 <= cast(int, r["rate_bp"]) <= 800 for r in rates)


def test_every_product_has_an_active_sku_with_a_positive_price(goods: GoodsBatch) -> None:
    active = defaultdict(list)
    for sku in goods.skus:
        assert cast(int, sku["price_minor"]) > 0
        if sku["list_price_minor"] is not None:
            assert cast(int, sku["list_price_minor"]) > cast(int, sku["price_minor"])
        if sku["status"] == "active":
            active[sku["product_id"]].append(sku["price_minor"])
    for product in goods.products:
        prices = active[product["id"]]
        assert prices, product["title_en"]
        assert (product["min_price_minor"], product["max_price_minor"]) == (min(prices), max(prices))


def test_in_stock_agrees_with_the_stock_rows_of_active_skus(goods: GoodsBatch) -> None:
    available = {row["sku_id"]: row["available"] for row in goods.stock}
    assert set(available) == {sku["id"] for sku in goods.skus}
    stocked = {sku["product_id"] for sku in goods.skus
               if sku["status"] == "active" and cast(int, available[sku["id"]]) > 0}
    assert {p["id"] for p in goods.products if p["in_stock"]} == stocked
    assert 0 < len(stocked) < len(goods.products)  # some goods are sold out, most are not


def test_initial_stock_movements_add_up_to_the_stock(goods: GoodsBatch) -> None:
    moved = {m["sku_id"]: m["delta"] for m in goods.stock_movements}
    assert {sku: level for sku, level in ((r["sku_id"], r["available"]) for r in goods.stock) if level} == moved


def test_denormalised_category_and_store_columns_match_the_tree(market: Marketplace, goods: GoodsBatch) -> None:
    categories = {c["id"]: c for c in market.table("categories")}
    stores = {s["id"]: s for s in market.table("stores")}
    parents = {c["parent_id"] for c in categories.values()}
    for product in goods.products:
        leaf = categories[product["category_id"]]
        assert leaf["id"] not in parents
        path = [leaf]
        while path[-1]["parent_id"]:
            path.append(categories[cast(str, path[-1]["parent_id"])])
        by_level = {c["level"]: c["id"] for c in path}
        assert (product["vertical_id"], product["category_l2_id"], product["category_l3_id"]) == \
            (by_level[1], by_level[2], by_level.get(3))
        assert product["store_kind"] == stores[cast(str, product["store_id"])]["kind"]


def test_products_carry_every_required_attribute_along_their_category_path(market: Marketplace,
                                                                           goods: GoodsBatch) -> None:
    categories = {c["id"]: c for c in market.table("categories")}
    attributes = defaultdict(list)
    for attr in market.table("category_attributes"):
        attributes[attr["category_id"]].append(attr)
    for product in goods.products:
        values = cast(dict[str, str], product["attributes"])
        category: dict[str, Any] | None = categories[product["category_id"]]
        while category is not None:
            for attr in attributes[category["id"]]:
                if attr["required"]:
                    assert values.get(cast(str, attr["code"])), (product["title_en"], attr["code"])
                if attr["options"] is not None and attr["code"] in values:
                    assert values[cast(str, attr["code"])] in cast(list[str], attr["options"])
            category = categories.get(category["parent_id"])


def _texts(market: Marketplace, goods: GoodsBatch) -> Iterator[str]:
    for product in goods.products:
        yield from (str(product[k]) for k in ("title_en", "title_zh", "description_en", "description_zh"))
        yield from cast(dict[str, str], product["attributes"]).values()
    for sku in goods.skus:
        yield from cast(dict[str, str], sku["options"]).values()
    for table, keys in (("stores", ("name_en", "name_zh", "description_en", "description_zh")),
                        ("brands", ("name_en", "name_zh")), ("categories", ("name_en", "name_zh"))):
        for row in market.table(table):
            yield from (str(row[k]) for k in keys)


def test_no_generated_text_contains_a_prohibited_word(market: Marketplace, goods: GoodsBatch) -> None:
    words = [w.casefold() for w in PROHIBITED_WORDS]
    offending = {text for text in _texts(market, goods) for w in words if w in text.casefold()}
    assert offending == set()


def test_titles_and_descriptions_are_filled_in_both_languages(market: Marketplace, goods: GoodsBatch) -> None:
    verticals = {c["id"]: c["slug"] for c in market.table("categories") if c["level"] == 1}
    for product in goods.products:
        assert product["title_en"] and not any(_is_chinese(ch) for ch in str(product["title_en"]))
        assert any(_is_chinese(ch) for ch in str(product["title_zh"]))
        assert product["description_en"] and product["description_zh"]
        slug = verticals[product["vertical_id"]]
        assert product["image_urls"] == [f"/static/img/placeholder/{slug}.svg"]
        assert (STATIC / "img" / "placeholder" / f"{slug}.svg").is_file()


def _is_chinese(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def test_flagship_goods_carry_their_brand_and_independent_goods_never_a_protected_brand(
        market: Marketplace, goods: GoodsBatch) -> None:
    stores = {s["id"]: s for s in market.table("stores")}
    protected = {b["id"] for b in market.table("brands") if b["protected"]}
    authorised = {(a["store_id"], a["brand_id"]) for a in market.table("brand_authorisations")}
    for product in goods.products:
        store = stores[cast(str, product["store_id"])]
        if store["kind"] == "flagship":
            assert product["brand_id"] == store["brand_id"]
            assert (store["id"], store["brand_id"]) in authorised
        else:
            assert product["brand_id"] not in protected


def test_product_ids_rise_with_creation_time_and_encode_it(goods: GoodsBatch) -> None:
    ids = [cast(str, p["id"]) for p in goods.products]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for product in goods.products:
        created = cast(datetime, product["created_at"])
        assert is_valid_id(cast(str, product["id"]))
        assert id_millis(cast(str, product["id"])) == int(created.timestamp() * 1000)
        assert created <= cast(datetime, product["updated_at"]) < datetime(2026, 11, 26, tzinfo=UTC)


def test_sku_codes_are_unique_within_each_store(goods: GoodsBatch) -> None:
    codes = [(sku["store_id"], sku["code"]) for sku in goods.skus]
    assert len(set(codes)) == len(codes)


def test_slugs_and_tags_pass_the_stores_rules(market: Marketplace) -> None:
    slugs = [s["slug"] for s in market.table("stores")] + [a["slug"] for a in market.table("store_applications")]
    assert all(normalize_slug(cast(str, slug)) == slug for slug in slugs)
    assert len({s["slug"] for s in market.table("stores")}) == len(market.table("stores"))
    assert all(normalize_tag(cast(str, t["tag"])) == t["tag"] for t in market.table("store_tags"))


def test_demo_logins_exist_with_their_passwords_and_merchants_own_stores(market: Marketplace) -> None:
    users = {u["email"]: u for u in market.table("users")}
    owners = {s["owner_id"] for s in market.table("stores")}
    for login in market.logins:
        assert users[login.email]["password_hash"] == PlainPassword(login.password)
    assert users["operator@demo.mercato"]["is_operator"] is True
    assert {users["flagship@demo.mercato"]["id"], users["indie@demo.mercato"]["id"]} <= owners


def test_pending_applications_wait_for_an_operator(market: Marketplace) -> None:
    pending = [a for a in market.table("store_applications") if a["status"] == "pending"]
    assert len(pending) == 4 and all(a["decided_by"] is None and a["store_id"] is None for a in pending)


def test_sizes_grow_to_a_million_products() -> None:
    assert [SIZES[name].products for name in ("small", "medium", "large")] == [2_000, 100_000, 1_000_000]
    assert generate(SEED, "large").goods.chunks() == 1_000_000 // CHUNK


def test_a_custom_size_is_accepted() -> None:
    tiny = generate(SEED, DemoSize("tiny", flagship=2, independent=3, products=10, consumers=1))
    assert sum(len(b.products) for b in tiny.batches()) == 10


@given(st.integers(0, 2**48 - 1), st.integers(0, 2**80 - 1))
def test_the_fast_id_encoder_matches_the_kernel(at_millis: int, entropy: int) -> None:
    assert fast_encode_id(at_millis, entropy) == encode_id(at_millis, entropy)


@given(st.integers(1, 10**9))
def test_a_shop_window_price_is_never_below_the_raw_price_and_ends_in_nine(fen: int) -> None:
    price = nice_price(fen)
    assert price >= fen
    assert str(price // 100).endswith("9")


def test_fast_id_encoder_handles_both_ends_of_the_range() -> None:
    for at_millis, entropy in itertools.product((0, 2**48 - 1), (0, 2**80 - 1)):
        assert fast_encode_id(at_millis, entropy) == encode_id(at_millis, entropy)


def test_flagship_stores_ship_free_and_independent_stores_charge_a_flat_fee(market: Marketplace) -> None:
    kinds = {s["id"]: s["kind"] for s in market.table("stores")}
    rules = market.table("store_shipping")
    assert sorted(r["store_id"] for r in rules) == sorted(kinds)
    for rule in rules:
        if kinds[rule["store_id"]] == "flagship":
            assert (rule["flat_fee"], rule["free_threshold"]) == (0, None)
        else:
            threshold = rule["free_threshold"]
            assert rule["flat_fee"] > 0 and (threshold is None or threshold > rule["flat_fee"])
    assert {r["free_threshold"] for r in rules if kinds[r["store_id"]] == "independent"} >= {None, 9900}
