"""Operators' catalog use cases on both engines: the category tree, attributes, commission and prohibited words,
each audited; a non-operator is refused and nothing changes."""

from __future__ import annotations

import pytest
from catalog_helpers import Tree, audit_actions, snapshot

from mercato.catalog import service as catalog
from mercato.catalog.taxonomy import AttributeDef
from mercato.kernel.errors import AccessDenied, DomainError, EntityNotFound
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime


def test_the_tree_reads_back_levels_restriction_and_inherited_attributes(rt: Runtime, tree: Tree) -> None:
    read = catalog.category_tree(rt)
    assert [(c.slug, c.level) for c in read.walk()] == [
        ("apparel", 1), ("tops", 2), ("tees", 3), ("health", 1), ("medicine", 2)]
    assert [a.code for a in read.attributes_for(tree.tees.id)] == ["material", "size_system"]
    assert read.is_restricted(tree.medicine.id) and not read.is_restricted(tree.tees.id)
    assert catalog.get_category_by_slug(rt, "tops").id == tree.tops.id


def test_a_fourth_level_is_refused(rt: Runtime, operator: Principal, tree: Tree) -> None:
    before = snapshot(rt)
    with pytest.raises(DomainError) as info:
        catalog.create_category(rt, operator, tree.tees.id, "v-neck", "V-neck", "V领")
    assert info.value.code == "category_too_deep"
    assert snapshot(rt) == before


@pytest.mark.parametrize(("slug", "name_en", "code"), [
    ("Bad Slug", "X", "category_invalid"), ("ok", "", "category_invalid"), ("tops", "Tops", "category_slug_taken")])
def test_bad_or_taken_slugs_and_empty_names_are_refused(rt: Runtime, operator: Principal, tree: Tree, slug: str,
                                                        name_en: str, code: str) -> None:
    with pytest.raises(DomainError) as info:
        catalog.create_category(rt, operator, None, slug, name_en, "名")
    assert info.value.code == code


def test_an_unknown_parent_is_not_found(rt: Runtime, operator: Principal) -> None:
    with pytest.raises(EntityNotFound):
        catalog.create_category(rt, operator, "0" * 26, "x", "X", "X")


def test_operators_changes_are_audited(rt: Runtime, operator: Principal, tree: Tree) -> None:
    updated = catalog.update_category(rt, operator, tree.tops.id, restricted=True, name_zh="上装")
    assert (updated.restricted, updated.name_zh, updated.name_en) == (True, "上装", "Tops")
    assert catalog.category_tree(rt).is_restricted(tree.tees.id)
    assert audit_actions(rt, "category", tree.tops.id) == ["category.create", "category.update"]
    assert audit_actions(rt, "category", tree.tees.id) == ["category.attributes.set", "category.create"]


def test_attributes_are_replaced_as_a_whole(rt: Runtime, operator: Principal, tree: Tree) -> None:
    catalog.set_category_attributes(rt, operator, tree.tees.id, [
        AttributeDef("fit", "Fit", "版型", options=(" Slim", "Loose ")), AttributeDef("neck", "Neck", "领型")])
    own = catalog.category_tree(rt).get(tree.tees.id).attributes
    assert [(a.code, a.options) for a in own] == [("fit", ("Slim", "Loose")), ("neck", None)]


def test_duplicate_attribute_codes_are_refused(rt: Runtime, operator: Principal, tree: Tree) -> None:
    before = snapshot(rt)
    with pytest.raises(DomainError) as info:
        catalog.set_category_attributes(rt, operator, tree.tees.id, [AttributeDef("fit", "Fit", "版型"),
                                                                     AttributeDef("fit", "Fit", "版型")])
    assert info.value.code == "attribute_invalid"
    assert snapshot(rt) == before


def test_a_merchant_cannot_manage_categories(rt: Runtime, merchant: Principal, tree: Tree) -> None:
    before = snapshot(rt)
    for attempt in (lambda: catalog.create_category(rt, merchant, None, "x", "X", "X"),
                    lambda: catalog.update_category(rt, merchant, tree.tops.id, restricted=True),
                    lambda: catalog.set_category_attributes(rt, merchant, tree.tops.id, []),
                    lambda: catalog.set_commission_rate(rt, merchant, tree.apparel.id, "flagship", 1),
                    lambda: catalog.add_prohibited_word(rt, merchant, "fake")):
        with pytest.raises(AccessDenied):
            attempt()
    assert snapshot(rt) == before


def test_commission_defaults_until_an_operator_sets_a_rate(rt: Runtime, operator: Principal, tree: Tree) -> None:
    with rt.uow(read_only=True) as uow:
        assert catalog.commission_rate_in(uow, tree.apparel.id, "flagship") == 500
        assert catalog.commission_rate_in(uow, tree.apparel.id, "independent") == 300
    catalog.set_commission_rate(rt, operator, tree.apparel.id, "flagship", 650)
    catalog.set_commission_rate(rt, operator, tree.apparel.id, "flagship", 700)
    with rt.uow(read_only=True) as uow:
        assert catalog.commission_rate_in(uow, tree.apparel.id, "flagship") == 700
        pairs = [(tree.apparel.id, "flagship"), (tree.apparel.id, "independent"), (tree.health.id, "flagship")]
        assert catalog.commission_rates_in(uow, pairs) == {pairs[0]: 700, pairs[1]: 300, pairs[2]: 500}
        assert catalog.commission_rates_in(uow, []) == {}
    matrix = {(r.vertical_id, r.store_kind): (r.rate_bp, r.is_default) for r in catalog.commission_rates(rt)}
    assert matrix == {(tree.apparel.id, "flagship"): (700, False), (tree.apparel.id, "independent"): (300, True),
                      (tree.health.id, "flagship"): (500, True), (tree.health.id, "independent"): (300, True)}
    assert audit_actions(rt, "category", tree.apparel.id).count("commission.rate.set") == 2


@pytest.mark.parametrize(("kind", "rate", "which", "code"), [
    ("flagship", 5001, "vertical", "commission_rate_invalid"), ("flagship", -1, "vertical", "commission_rate_invalid"),
    ("kiosk", 100, "vertical", "commission_rate_invalid"), ("flagship", 100, "level2", "not_found")])
def test_out_of_range_rates_unknown_kinds_and_non_verticals_are_refused(
        rt: Runtime, operator: Principal, tree: Tree, kind: str, rate: int, which: str, code: str) -> None:
    before = snapshot(rt)
    target = tree.apparel.id if which == "vertical" else tree.tops.id
    with pytest.raises(DomainError) as info:
        catalog.set_commission_rate(rt, operator, target, kind, rate)
    assert info.value.code == code
    assert snapshot(rt) == before


def test_prohibited_words_are_stored_normalised_and_once(rt: Runtime, operator: Principal) -> None:
    word = catalog.add_prohibited_word(rt, operator, "  RÉPLICA ")
    assert word.word == "replica"
    with pytest.raises(DomainError) as info:
        catalog.add_prohibited_word(rt, operator, "replica")
    assert info.value.code == "prohibited_word_duplicate"
    catalog.add_prohibited_word(rt, operator, "高仿")
    assert [w.word for w in catalog.prohibited_words(rt, operator)] == ["replica", "高仿"]
    catalog.remove_prohibited_word(rt, operator, word.id)
    assert [w.word for w in catalog.prohibited_words(rt, operator)] == ["高仿"]
    assert audit_actions(rt, "prohibited_word", word.id) == ["prohibited_word.add", "prohibited_word.remove"]
    with pytest.raises(EntityNotFound):
        catalog.remove_prohibited_word(rt, operator, word.id)
