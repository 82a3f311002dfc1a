"""The listing rules, the product status machine, the category tree and commission rules, as plain values."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mercato.catalog.edits import ProductEdit, apply_edit
from mercato.catalog.model import (
    MAX_PRICE_MINOR,
    TRANSITIONS,
    BrandFacts,
    ProductDraft,
    ProductStatus,
    ProductStatusConflict,
    SkuDraft,
    SkuLastActive,
    SkuStatus,
    SkuView,
    StoreFacts,
    check_can_deactivate,
    check_listing,
    initial_status,
    price_range,
    status_after_edit,
    status_after_relist,
    status_after_review,
    transition,
)
from mercato.catalog.taxonomy import (
    AttributeDef,
    CategoryTooDeep,
    CategoryTree,
    CategoryView,
    CommissionRateInvalid,
    check_commission_rate,
    child_level,
    commission_rate,
    path_ids,
    rate_matrix,
)
from mercato.catalog.words import ProhibitedWordInvalid, find_prohibited, normalise_word

S = ProductStatus
ATTRS = (AttributeDef("size_system", "Size system", "尺码体系", required=True, options=("EU", "CN")),
         AttributeDef("material", "Material", "材质"))
STORE = StoreFacts("st", "independent", True)


def draft(**overrides: object) -> ProductDraft:
    base = ProductDraft(
        category_id="c", brand_id=None, title_en="Cotton tee", title_zh="纯棉T恤", description_en="Soft",
        description_zh="柔软", attributes={"size_system": "CN"}, image_urls=("https://img.example.com/a.jpg",),
        skus=(SkuDraft("A-1", {"colour": "Red"}, 9900, 12900), SkuDraft("A-2", {"colour": "Blue"}, 9900)))
    return replace(base, **overrides)  # type: ignore[arg-type]


def codes(d: ProductDraft, words: tuple[str, ...] = (), brand: BrandFacts | None = None,
          store: StoreFacts = STORE) -> list[tuple[str, str]]:
    return [(v.code, v.field) for v in check_listing(d, ATTRS, words, brand, store)]


# --- listing rules ----------------------------------------------------------------------------------------------

def test_a_good_draft_breaks_no_rule() -> None:
    assert codes(draft()) == []


def test_every_violation_is_reported_at_once_not_just_the_first() -> None:
    bad = draft(title_en="", attributes={"size_system": "XL", "colour": "x"}, image_urls=("ftp://x/y.jpg",),
                skus=(SkuDraft("A 1", {"c": "1"}, 0, None, stock=-1), SkuDraft("B", {"c": "1"}, 10, 5)))
    assert codes(bad) == [
        ("title_length", "title_en"),
        ("image_url_invalid", "image_urls[0]"),
        ("attribute_unknown", "attributes.colour"),
        ("attribute_option_invalid", "attributes.size_system"),
        ("price_out_of_range", "skus[0].price_minor"),
        ("sku_code_invalid", "skus[0].code"),
        ("stock_out_of_range", "skus[0].stock"),
        ("list_price_below_price", "skus[1].list_price_minor"),
        ("sku_options_duplicate", "skus[1].options"),
    ]


@pytest.mark.parametrize(("price", "ok"), [(1, True), (MAX_PRICE_MINOR, True), (0, False), (-5, False),
                                           (MAX_PRICE_MINOR + 1, False)])
def test_a_sku_price_is_above_zero_and_at_most_ten_million_yuan(price: int, ok: bool) -> None:
    result = codes(draft(skus=(SkuDraft("A", {}, price),)))
    assert result == ([] if ok else [("price_out_of_range", "skus[0].price_minor")])


def test_a_list_price_equal_to_the_price_is_fine() -> None:
    assert codes(draft(skus=(SkuDraft("A", {}, 500, 500),))) == []


def test_required_attributes_must_be_present() -> None:
    assert codes(draft(attributes={"material": "wool"})) == [("attribute_missing", "attributes.size_system")]


@pytest.mark.parametrize(("title", "ok"), [("x", True), ("x" * 200, True), ("   ", False), ("x" * 201, False)])
def test_titles_have_one_to_two_hundred_characters(title: str, ok: bool) -> None:
    assert codes(draft(title_zh=title)) == ([] if ok else [("title_length", "title_zh")])


def test_at_most_twenty_images() -> None:
    urls = tuple(f"https://img.example.com/{i}.jpg" for i in range(21))
    assert codes(draft(image_urls=urls)) == [("too_many_images", "image_urls")]
    assert codes(draft(image_urls=urls[:20])) == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://", "http://a b.com/x", "//cdn.example.com/a.jpg"])
def test_images_must_be_http_addresses(url: str) -> None:
    assert codes(draft(image_urls=(url,))) == [("image_url_invalid", "image_urls[0]")]


def test_one_to_a_hundred_skus() -> None:
    assert codes(draft(skus=())) == [("sku_count", "skus")]
    many = tuple(SkuDraft(f"S-{i}", {"n": str(i)}, 100) for i in range(101))
    assert codes(draft(skus=many)) == [("sku_count", "skus")]
    assert codes(draft(skus=many[:100])) == []


def test_sku_codes_and_option_combinations_are_unique_ignoring_case() -> None:
    skus = (SkuDraft("A", {"Colour": "Red"}, 100), SkuDraft("a", {"colour": " red "}, 100))
    assert codes(draft(skus=skus)) == [("sku_code_duplicate", "skus[1].code"),
                                       ("sku_options_duplicate", "skus[1].options")]


def test_every_sku_names_the_same_options() -> None:
    skus = (SkuDraft("A", {"colour": "Red"}, 100), SkuDraft("B", {"size": "M"}, 100))
    assert codes(draft(skus=skus)) == [("sku_options_inconsistent", "skus")]


def test_a_protected_brand_needs_an_authorisation() -> None:
    d = draft(brand_id="b")
    assert codes(d, brand=BrandFacts("b", True, False)) == [("brand_not_authorised", "brand_id")]
    assert codes(d, brand=BrandFacts("b", True, True)) == []
    assert codes(d, brand=BrandFacts("b", False, False)) == []
    assert codes(d, brand=None) == [("brand_unknown", "brand_id")]


def test_a_suspended_store_cannot_list() -> None:
    assert codes(draft(), store=StoreFacts("st", "independent", False)) == [("store_not_active", "store_id")]


def test_prohibited_words_are_found_in_every_text_whatever_the_case_and_in_chinese() -> None:
    d = draft(title_en="Best REPLICA bag", description_zh="这是高仿产品", attributes={"size_system": "CN",
                                                                                 "material": "fake leather"},
              skus=(SkuDraft("A", {"style": "Replica"}, 100),))
    assert codes(d, ("replica", "高仿", "fake")) == [
        ("prohibited_word", "title_en"), ("prohibited_word", "description_zh"),
        ("prohibited_word", "attributes.material"), ("prohibited_word", "skus[0].options")]


def test_accents_full_width_letters_and_zero_width_spaces_do_not_hide_a_word() -> None:
    for disguised in ("RÉPLICA", "ｒｅｐｌｉｃａ", "rep\u200blica"):
        assert find_prohibited(f"a {disguised} bag", ["replica"]) == ["replica"]


def test_a_prohibited_word_is_normalised_before_it_is_stored() -> None:
    assert normalise_word("  Fake   Brand ") == "fake brand"
    with pytest.raises(ProhibitedWordInvalid):
        normalise_word("\u200b ")
    with pytest.raises(ProhibitedWordInvalid):
        normalise_word("x" * 65)


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_field = st.sampled_from(["title_en", "title_zh", "description_en", "description_zh", "attribute", "option"])


@given(word=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12), before=_text,
       after=_text, where=_field)
def test_a_prohibited_word_anywhere_always_yields_a_prohibited_word_violation(
        word: str, before: str, after: str, where: str) -> None:
    try:
        stored = normalise_word(word)
    except ProhibitedWordInvalid:
        assume(False)
        return
    text = before + word + after
    d = {"title_en": lambda: draft(title_en=text), "title_zh": lambda: draft(title_zh=text),
         "description_en": lambda: draft(description_en=text), "description_zh": lambda: draft(description_zh=text),
         "attribute": lambda: draft(attributes={"size_system": "CN", "material": text}),
         "option": lambda: draft(skus=(SkuDraft("A", {"style": text}, 100),))}[where]()
    found = [v for v in check_listing(d, ATTRS, [stored], None, STORE) if v.code == "prohibited_word"]
    assert found


# --- prices -------------------------------------------------------------------------------------------------------

def sku(i: int, price: int, status: SkuStatus) -> SkuView:
    return SkuView(f"s{i}", "p", "st", f"C{i}", {}, price, None, status, i)


@given(st.lists(st.tuples(st.integers(1, MAX_PRICE_MINOR), st.booleans()), min_size=1, max_size=30))
def test_the_price_range_spans_exactly_the_active_skus(rows: list[tuple[int, bool]]) -> None:
    skus = [sku(i, p, SkuStatus.ACTIVE if active else SkuStatus.INACTIVE) for i, (p, active) in enumerate(rows)]
    active = [p for p, a in rows if a]
    assume(active)
    low, high = price_range(skus)
    assert (low, high) == (min(active), max(active))
    assert low <= high


def test_the_last_active_sku_cannot_be_withdrawn() -> None:
    skus = [sku(0, 100, SkuStatus.ACTIVE), sku(1, 200, SkuStatus.INACTIVE)]
    with pytest.raises(SkuLastActive):
        check_can_deactivate(skus, "s0")
    check_can_deactivate([*skus, sku(2, 300, SkuStatus.ACTIVE)], "s0")


# --- the status machine -----------------------------------------------------------------------------------------

ALLOWED = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}


@pytest.mark.parametrize(("current", "target"), [(a, b) for a in S for b in S if a != b])
def test_every_move_is_allowed_exactly_when_the_table_lists_it(current: S, target: S) -> None:
    if (current, target) in ALLOWED:
        assert transition(current, target) is target
    else:
        with pytest.raises(ProductStatusConflict):
            transition(current, target)


def test_nothing_goes_back_to_draft_and_reviews_only_decide_pending_products() -> None:
    assert all(S.DRAFT not in targets for targets in TRANSITIONS.values())
    assert status_after_review(S.PENDING_REVIEW, approved=True) is S.ACTIVE
    assert status_after_review(S.PENDING_REVIEW, approved=False) is S.REJECTED
    for status in (S.ACTIVE, S.REJECTED, S.DELISTED, S.DRAFT):
        with pytest.raises(ProductStatusConflict):
            status_after_review(status, approved=True)


def test_restricted_categories_wait_for_review() -> None:
    assert initial_status(restricted=True) is S.PENDING_REVIEW
    assert initial_status(restricted=False) is S.ACTIVE


@pytest.mark.parametrize(("current", "restricted", "expected"), [
    (S.ACTIVE, True, S.PENDING_REVIEW), (S.ACTIVE, False, S.ACTIVE), (S.REJECTED, False, S.ACTIVE),
    (S.REJECTED, True, S.PENDING_REVIEW), (S.PENDING_REVIEW, True, S.PENDING_REVIEW),
    (S.PENDING_REVIEW, False, S.ACTIVE), (S.DELISTED, True, S.DELISTED)])
def test_an_edit_resubmits_the_listing(current: S, restricted: bool, expected: S) -> None:
    assert status_after_edit(current, restricted) is expected


def test_only_a_delisted_product_is_relisted() -> None:
    assert status_after_relist(S.DELISTED, restricted=False) is S.ACTIVE
    assert status_after_relist(S.DELISTED, restricted=True) is S.PENDING_REVIEW
    with pytest.raises(ProductStatusConflict):
        status_after_relist(S.ACTIVE, restricted=False)


def test_an_edit_changes_only_the_fields_it_names() -> None:
    edited = apply_edit(draft(brand_id="b"), ProductEdit(title_en="New", clear_brand=True))
    assert (edited.title_en, edited.title_zh, edited.brand_id) == ("New", "纯棉T恤", None)


# --- the category tree and commission ---------------------------------------------------------------------------

def cat(cid: str, parent: str | None, level: int, *, restricted: bool = False,
        attrs: tuple[AttributeDef, ...] = ()) -> CategoryView:
    return CategoryView(cid, parent, level, cid, cid.title(), cid, 0, restricted, True, attrs)


TREE = CategoryTree.of([
    cat("health", None, 1, restricted=True, attrs=(AttributeDef("licence", "Licence", "许可", required=True),)),
    cat("medicine", "health", 2, attrs=(AttributeDef("dose", "Dose", "剂量"),)),
    cat("pills", "medicine", 3, attrs=(AttributeDef("licence", "Licence no.", "许可证号"),)),
    cat("apparel", None, 1)])


def test_attributes_are_inherited_and_a_deeper_category_overrides_by_code() -> None:
    attrs = TREE.attributes_for("pills")
    assert [(a.code, a.name_en, a.required) for a in attrs] == [("dose", "Dose", False),
                                                                ("licence", "Licence no.", False)]


def test_restriction_is_inherited_from_any_ancestor() -> None:
    assert TREE.is_restricted("pills")
    assert not TREE.is_restricted("apparel")


def test_the_category_path_fills_the_denormalised_columns() -> None:
    assert path_ids(TREE, "pills") == ("health", "medicine", "pills")
    assert path_ids(TREE, "apparel") == ("apparel", None, None)
    assert [c.id for c in TREE.walk()] == ["apparel", "health", "medicine", "pills"]


def test_categories_go_at_most_three_levels_deep() -> None:
    assert child_level(None) == 1
    assert child_level(TREE.get("medicine")) == 3
    with pytest.raises(CategoryTooDeep):
        child_level(TREE.get("pills"))


@given(st.integers(-10_000, 10_000))
def test_a_commission_rate_is_accepted_exactly_from_zero_to_fifty_percent(rate: int) -> None:
    if 0 <= rate <= 5000:
        assert check_commission_rate(rate) == rate
    else:
        with pytest.raises(CommissionRateInvalid):
            check_commission_rate(rate)


def test_unset_rates_fall_back_to_the_platform_default_per_store_kind() -> None:
    configured = {("apparel", "flagship"): 800}
    assert commission_rate(configured, "apparel", "flagship") == 800
    assert commission_rate(configured, "apparel", "independent") == 300
    assert commission_rate(configured, "health", "flagship") == 500
    matrix = rate_matrix(configured, TREE.roots)
    assert [(r.vertical_id, r.store_kind, r.rate_bp, r.is_default) for r in matrix] == [
        ("apparel", "flagship", 800, False), ("apparel", "independent", 300, True),
        ("health", "flagship", 500, True), ("health", "independent", 300, True)]
