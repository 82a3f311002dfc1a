"""Category use cases: the operators' tree of industries (three levels), its attributes, and reading it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from mercato.audit import service as audit
from mercato.catalog import browse
from mercato.catalog._access import require_operator
from mercato.catalog.repo import TaxonomyRepo
from mercato.catalog.taxonomy import (
    AttributeDef,
    CategoryNotFound,
    CategoryTree,
    CategoryView,
    check_attribute_defs,
    check_category_names,
    child_level,
)
from mercato.kernel.errors import DuplicateEntity
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork


class CategorySlugTaken(DuplicateEntity):
    code = "category_slug_taken"
    title = "Another category has this slug"


def category_tree_in(uow: UnitOfWork) -> CategoryTree:
    """The whole tree with attributes, read in one query."""
    return CategoryTree.of(TaxonomyRepo(uow.conn).all_categories())


def category_tree(rt: Runtime) -> CategoryTree:
    with rt.uow(read_only=True) as uow:
        return category_tree_in(uow)


def get_category_by_slug(rt: Runtime, slug: str) -> CategoryView:
    found = next((c for c in category_tree(rt).categories.values() if c.slug == slug), None)
    if found is None:
        raise CategoryNotFound(field="slug")
    return found


def create_category(rt: Runtime, operator: Principal, parent_id: str | None, slug: str, name_en: str,
                    name_zh: str, restricted: bool = False, position: int = 0) -> CategoryView:
    require_operator(operator)
    check_category_names(slug, name_en, name_zh)
    with rt.uow() as uow:
        tree = category_tree_in(uow)
        level = child_level(tree.get(parent_id) if parent_id is not None else None)
        if TaxonomyRepo(uow.conn).slug_taken(slug):
            raise CategorySlugTaken(field="slug")
        cat = CategoryView(new_id(), parent_id, level, slug, name_en, name_zh, position, restricted, True)
        TaxonomyRepo(uow.conn).insert_category(cat, rt.clock.now())
        audit.record(uow, operator, "category.create", "category", cat.id,
                     {"slug": slug, "parent_id": parent_id, "restricted": restricted}, rt.clock.now())
        uow.after_commit(lambda: browse.forget_category_tree(rt))  # this process shows the change at once
        uow.commit()
    return cat


def update_category(rt: Runtime, operator: Principal, category_id: str, *, name_en: str | None = None,
                    name_zh: str | None = None, restricted: bool | None = None, position: int | None = None,
                    active: bool | None = None) -> CategoryView:
    """Rename, reorder, (un)restrict or (de)activate. A new restricted flag applies to listings made or edited
    from now on; products already live stay live."""
    require_operator(operator)
    with rt.uow() as uow:
        before = category_tree_in(uow).get(category_id)
        after = replace(before, name_en=before.name_en if name_en is None else name_en,
                        name_zh=before.name_zh if name_zh is None else name_zh,
                        restricted=before.restricted if restricted is None else restricted,
                        position=before.position if position is None else position,
                        active=before.active if active is None else active)
        check_category_names(after.slug, after.name_en, after.name_zh)
        TaxonomyRepo(uow.conn).update_category(after)
        audit.record(uow, operator, "category.update", "category", category_id, _diff(before, after),
                     rt.clock.now())
        uow.after_commit(lambda: browse.forget_category_tree(rt))  # this process shows the change at once
        uow.commit()
    return after


def set_category_attributes(rt: Runtime, operator: Principal, category_id: str,
                            attributes: Sequence[AttributeDef]) -> CategoryView:
    """Replace the category's own attributes (its descendants inherit them)."""
    require_operator(operator)
    defs = [replace(a, options=tuple(o.strip() for o in a.options) if a.options is not None else None,
                    name_en=a.name_en.strip(), name_zh=a.name_zh.strip()) for a in attributes]
    check_attribute_defs(defs)
    with rt.uow() as uow:
        before = category_tree_in(uow).get(category_id)
        TaxonomyRepo(uow.conn).replace_attributes(category_id, defs)
        audit.record(uow, operator, "category.attributes.set", "category", category_id,
                     {"codes": [a.code for a in defs]}, rt.clock.now())
        uow.after_commit(lambda: browse.forget_category_tree(rt))  # this process shows the change at once
        uow.commit()
    return replace(before, attributes=tuple(defs))


def _diff(before: CategoryView, after: CategoryView) -> dict[str, object]:
    fields = ("name_en", "name_zh", "restricted", "position", "active")
    return {f: [getattr(before, f), getattr(after, f)] for f in fields if getattr(before, f) != getattr(after, f)}
