"""storefront.model: the SKU picker's axes, matching and compatibility, stock states and breadcrumbs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mercato.storefront.model import (
    Crumb,
    OptionAxis,
    SkuOption,
    StockState,
    breadcrumb,
    compatible,
    default_choice,
    matching_sku,
    option_axes,
    price_span,
    stock_state,
)


def sku(sku_id: str, available: int = 3, price: int = 1000, **options: str) -> SkuOption:
    return SkuOption(sku_id, options, price, None, available)


SHIRTS = [
    sku("red-m", colour="Red", size="M"),
    sku("red-l", available=0, colour="Red", size="L"),
    sku("blue-m", colour="Blue", size="M", price=1200),
]


def test_axes_list_each_option_name_with_its_values_in_sku_order() -> None:
    assert option_axes(SHIRTS) == [OptionAxis("colour", ("Red", "Blue")), OptionAxis("size", ("M", "L"))]


def test_a_product_without_options_has_no_axes() -> None:
    assert option_axes([sku("only")]) == []


def test_a_full_choice_selects_its_sku_and_a_partial_one_selects_none() -> None:
    assert matching_sku(SHIRTS, {"colour": "Blue", "size": "M"}) == SHIRTS[2]
    assert matching_sku(SHIRTS, {"colour": "Blue"}) is None
    assert matching_sku(SHIRTS, {"colour": "Blue", "size": "L"}) is None
    assert matching_sku([sku("only")], {}) == sku("only")


def test_a_value_is_compatible_only_with_an_in_stock_sku_agreeing_with_the_other_choices() -> None:
    assert compatible(SHIRTS, {"colour": "Red"}, "size", "M")
    assert not compatible(SHIRTS, {"colour": "Red"}, "size", "L")  # sold out
    assert not compatible(SHIRTS, {"colour": "Blue"}, "size", "L")  # no such SKU
    assert compatible(SHIRTS, {"colour": "Red", "size": "M"}, "colour", "Blue")  # switching colour keeps size M


def test_the_default_choice_is_the_first_sku_in_stock() -> None:
    assert default_choice([SHIRTS[1], SHIRTS[2]]) == {"colour": "Blue", "size": "M"}
    assert default_choice([SHIRTS[1]]) == {"colour": "Red", "size": "L"}
    assert default_choice([]) == {}


def test_stock_states_and_price_span() -> None:
    assert [stock_state(n) for n in (0, 1, 5, 6)] == [StockState.SOLD_OUT, StockState.LOW, StockState.LOW,
                                                      StockState.IN_STOCK]
    assert price_span(SHIRTS) == (1000, 1200)
    assert price_span([]) is None


def test_breadcrumb_drops_repeated_levels() -> None:
    v, c = Crumb("apparel", "Apparel", "服饰"), Crumb("tops", "Tops", "上装")
    assert breadcrumb([v, c, c]) == [v, c]


option_values = st.sampled_from(["Red", "Blue", "Green", "S", "M", "L"])
sku_lists = st.lists(
    st.builds(lambda i, c, s, n: sku(f"k{i}", available=n, colour=c, size=s),
              st.integers(0, 10**6), option_values, option_values, st.integers(0, 3)),
    max_size=12,
)


@given(sku_lists)
def test_every_sku_option_appears_once_on_its_axis(skus: list[SkuOption]) -> None:
    axes = {axis.name: axis.values for axis in option_axes(skus)}
    for s in skus:
        for name, value in s.options.items():
            assert value in axes[name]
    assert all(len(values) == len(set(values)) for values in axes.values())


@given(sku_lists)
def test_choosing_a_skus_options_selects_the_first_sku_with_them(skus: list[SkuOption]) -> None:
    for s in skus:
        found = matching_sku(skus, s.options)
        assert found is not None and found.options == s.options
        assert skus.index(found) <= skus.index(s)


@given(sku_lists, option_values, option_values)
def test_compatibility_agrees_with_brute_force(skus: list[SkuOption], colour: str, size: str) -> None:
    expected = any(s.available > 0 and s.options == {"colour": colour, "size": size} for s in skus)
    assert compatible(skus, {"colour": colour}, "size", size) == expected
