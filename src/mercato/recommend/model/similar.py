"""Cold start for items: a new item (no co-visitation yet) is matched to others by its category path, its
attribute values and its title terms.

content score = TERMS_WEIGHT * Jaccard(title terms) + ATTRIBUTES_WEIGHT * share of the target's attribute
values the candidate shares + CATEGORY_WEIGHT * depth of the shared category path / 3.
Only candidates of the target's vertical score at all; the target itself never does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

TERMS_WEIGHT = 1.0
ATTRIBUTES_WEIGHT = 0.5
CATEGORY_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What content matching reads of one product: its category path (vertical first), terms and attributes."""

    item: str
    store: str
    path: tuple[str, ...]
    terms: frozenset[str]
    attributes: Mapping[str, str] = field(default_factory=dict)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def shared_path_depth(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    depth = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        depth += 1
    return depth


def attribute_share(target: Mapping[str, str], other: Mapping[str, str]) -> float:
    if not target:
        return 0.0
    return sum(1 for code, value in target.items() if other.get(code) == value) / len(target)


def content_score(target: ItemFacts, other: ItemFacts) -> float:
    """How alike two products are by content (0 when they are in different verticals)."""
    if other.item == target.item or not target.path or not other.path or other.path[0] != target.path[0]:
        return 0.0
    return (TERMS_WEIGHT * jaccard(target.terms, other.terms)
            + ATTRIBUTES_WEIGHT * attribute_share(target.attributes, other.attributes)
            + CATEGORY_WEIGHT * shared_path_depth(target.path, other.path) / 3)


def content_neighbours(target: ItemFacts, candidates: Sequence[ItemFacts], k: int) -> list[str]:
    """The k candidates most like the target by content, best first (ties by id); only positive scores."""
    scored = [(content_score(target, c), c.item) for c in candidates]
    kept = {item: score for score, item in scored if score > 0}
    return sorted(kept, key=lambda item: (-kept[item], item))[:k]


def merge_neighbours(learned: Sequence[str], content: Sequence[str], k: int) -> list[str]:
    """Learned neighbours first, then content ones, each once, at most k."""
    return list(dict.fromkeys([*learned, *content]))[:k]
