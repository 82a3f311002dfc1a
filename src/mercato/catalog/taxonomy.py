"""The category tree (industries, three levels), category attributes and commission rates, as pure values and rules.

Level 1 categories are the verticals (apparel, electronics, ...); commission is set per vertical and store kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from mercato.kernel.errors import EntityNotFound, InputInvalid

MAX_LEVEL = 3
MAX_ATTRIBUTES = 50
MAX_OPTIONS = 100
MAX_RATE_BP = 5000
STORE_KINDS = ("flagship", "independent")
# The platform default when an operator has set no rate for a vertical: brands pay more for the flagship
# traffic they get; small independent sellers pay less (growth support).
DEFAULT_RATE_BP: Mapping[str, int] = {"flagship": 500, "independent": 300}

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class CategoryInvalid(InputInvalid):
    code = "category_invalid"
    title = "The category is not acceptable"


class CategoryTooDeep(InputInvalid):
    code = "category_too_deep"
    title = "Categories go at most three levels deep"


class CategoryNotFound(EntityNotFound):
    code = "not_found"
    title = "No such category"


class AttributeDefInvalid(InputInvalid):
    code = "attribute_invalid"
    title = "The attribute definition is not acceptable"


class CommissionRateInvalid(InputInvalid):
    code = "commission_rate_invalid"
    title = "The commission rate is out of range"


@dataclass(frozen=True, slots=True)
class AttributeDef:
    code: str
    name_en: str
    name_zh: str
    required: bool = False
    options: tuple[str, ...] | None = None  # allowed values; None for free text
    position: int = 0


@dataclass(frozen=True, slots=True)
class CategoryView:
    id: str
    parent_id: str | None
    level: int
    slug: str
    name_en: str
    name_zh: str
    position: int
    restricted: bool
    active: bool
    attributes: tuple[AttributeDef, ...] = ()  # its own, not inherited


@dataclass(frozen=True)
class CategoryTree:
    """Every category at once (a small, immutable value: cheap to cache and to pass to templates)."""

    categories: Mapping[str, CategoryView]
    _children: Mapping[str | None, tuple[CategoryView, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, categories: Iterable[CategoryView]) -> CategoryTree:
        by_id = {c.id: c for c in categories}
        children: dict[str | None, list[CategoryView]] = {}
        for cat in by_id.values():
            children.setdefault(cat.parent_id, []).append(cat)
        ordered = {k: tuple(sorted(v, key=lambda c: (c.position, c.slug))) for k, v in children.items()}
        return cls(by_id, ordered)

    def get(self, category_id: str) -> CategoryView:
        cat = self.categories.get(category_id)
        if cat is None:
            raise CategoryNotFound(field="category_id")
        return cat

    def children(self, parent_id: str | None) -> tuple[CategoryView, ...]:
        return self._children.get(parent_id, ())

    @property
    def roots(self) -> tuple[CategoryView, ...]:
        return self.children(None)

    def path(self, category_id: str) -> list[CategoryView]:
        """From the vertical down to `category_id`."""
        chain = [self.get(category_id)]
        while chain[-1].parent_id is not None and len(chain) <= MAX_LEVEL:
            chain.append(self.get(chain[-1].parent_id))
        return list(reversed(chain))

    def vertical_of(self, category_id: str) -> CategoryView:
        return self.path(category_id)[0]

    def is_restricted(self, category_id: str) -> bool:
        return any(c.restricted for c in self.path(category_id))

    def is_active(self, category_id: str) -> bool:
        return all(c.active for c in self.path(category_id))

    def attributes_for(self, category_id: str) -> list[AttributeDef]:
        """Inherited from the ancestors; a deeper category's attribute replaces an ancestor's with the same code."""
        merged: dict[str, AttributeDef] = {}
        for cat in self.path(category_id):
            merged.update({a.code: a for a in cat.attributes})
        return sorted(merged.values(), key=lambda a: (a.position, a.code))

    def walk(self) -> list[CategoryView]:
        """Depth first, in display order (for a select box or an indented list)."""
        out: list[CategoryView] = []
        stack = list(reversed(self.roots))
        while stack:
            cat = stack.pop()
            out.append(cat)
            stack.extend(reversed(self.children(cat.id)))
        return out


@dataclass(frozen=True, slots=True)
class CommissionRateView:
    vertical_id: str
    store_kind: str
    rate_bp: int
    is_default: bool  # no operator rate: the platform default applies


def path_ids(tree: CategoryTree, category_id: str) -> tuple[str, str | None, str | None]:
    """(vertical, level 2, level 3) ids of a category, as products keep them for listing without joins."""
    ids = [c.id for c in tree.path(category_id)]
    padded = ids + [None] * (MAX_LEVEL - len(ids))
    return ids[0], padded[1], padded[2]


def child_level(parent: CategoryView | None) -> int:
    level = 1 if parent is None else parent.level + 1
    if level > MAX_LEVEL:
        raise CategoryTooDeep(f"A category can be at most {MAX_LEVEL} levels deep", field="parent_id")
    return level


def check_category_names(slug: str, name_en: str, name_zh: str) -> None:
    if not (1 <= len(slug) <= 64 and _SLUG.match(slug)):
        raise CategoryInvalid("The slug must be 1-64 lower-case letters, digits and single dashes", field="slug")
    for name, value in (("name_en", name_en), ("name_zh", name_zh)):
        if not (1 <= len(value.strip()) <= 64) or value != value.strip():
            raise CategoryInvalid(f"{name} must be 1-64 characters without surrounding spaces", field=name)


def check_attribute_defs(defs: Sequence[AttributeDef]) -> None:
    if len(defs) > MAX_ATTRIBUTES:
        raise AttributeDefInvalid(f"At most {MAX_ATTRIBUTES} attributes per category", field="attributes")
    seen: set[str] = set()
    for i, attr in enumerate(defs):
        _check_attribute_def(attr, f"attributes[{i}]")
        if attr.code in seen:
            raise AttributeDefInvalid(f"Attribute code {attr.code!r} appears twice", field=f"attributes[{i}].code")
        seen.add(attr.code)


def _check_attribute_def(attr: AttributeDef, where: str) -> None:
    if not _CODE.match(attr.code):
        raise AttributeDefInvalid("An attribute code is 1-32 lower-case letters, digits or _, starting with a "
                                  "letter", field=f"{where}.code")
    if not (1 <= len(attr.name_en.strip()) <= 64 and 1 <= len(attr.name_zh.strip()) <= 64):
        raise AttributeDefInvalid("Attribute names must be 1-64 characters", field=f"{where}.name_en")
    if attr.options is None:
        return
    cleaned = [o.strip() for o in attr.options]
    if not (1 <= len(cleaned) <= MAX_OPTIONS) or not all(1 <= len(o) <= 64 for o in cleaned):
        raise AttributeDefInvalid(f"Options must be 1-{MAX_OPTIONS} values of 1-64 characters",
                                  field=f"{where}.options")
    if len(set(cleaned)) != len(cleaned):
        raise AttributeDefInvalid("Options must not repeat", field=f"{where}.options")


def check_store_kind(kind: str) -> str:
    if kind not in STORE_KINDS:
        raise CommissionRateInvalid(f"store_kind must be one of {', '.join(STORE_KINDS)}", field="store_kind")
    return kind


def check_commission_rate(rate_bp: int) -> int:
    if isinstance(rate_bp, bool) or not isinstance(rate_bp, int) or not 0 <= rate_bp <= MAX_RATE_BP:
        raise CommissionRateInvalid(f"The rate must be 0 to {MAX_RATE_BP} basis points (0-50 %)",
                                    field="rate_bp", minimum=0, maximum=MAX_RATE_BP)
    return rate_bp


def rate_matrix(configured: Mapping[tuple[str, str], int], verticals: Iterable[CategoryView]
                ) -> list[CommissionRateView]:
    """Every (vertical, store kind) pair with its effective rate, defaults included."""
    return [CommissionRateView(v.id, kind, configured.get((v.id, kind), DEFAULT_RATE_BP[kind]),
                               (v.id, kind) not in configured)
            for v in verticals for kind in STORE_KINDS]


def commission_rate(configured: Mapping[tuple[str, str], int], vertical_id: str, store_kind: str) -> int:
    """The operator's rate for (vertical, store kind), else the platform default for the store kind."""
    check_store_kind(store_kind)
    return configured.get((vertical_id, store_kind), DEFAULT_RATE_BP[store_kind])
