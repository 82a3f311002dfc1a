"""The demo category tree, its attributes, commission rates and prohibited words, as rows and listable leaves."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from mercato.demo.records import Leaf, Row, new_id
from mercato.demo.vocab import PROHIBITED_WORDS, Attr, Node, Vertical, bilingual
from mercato.demo.vocab_verticals_a import APPAREL, ELECTRONICS, FMCG, SPORTS
from mercato.demo.vocab_verticals_b import FOOD, HEALTH, HOME, TRAVEL

VERTICALS: tuple[Vertical, ...] = (APPAREL, SPORTS, FMCG, ELECTRONICS, HOME, FOOD, HEALTH, TRAVEL)


@dataclass
class Taxonomy:
    categories: list[Row] = field(default_factory=list)
    category_attributes: list[Row] = field(default_factory=list)
    commission_rates: list[Row] = field(default_factory=list)
    prohibited_words: list[Row] = field(default_factory=list)
    leaves: dict[str, list[Leaf]] = field(default_factory=dict)  # vertical slug -> leaves
    vertical_ids: dict[str, str] = field(default_factory=dict)


def build_taxonomy(rng: random.Random, created_at: datetime) -> Taxonomy:
    tax = Taxonomy()
    for position, vertical in enumerate(VERTICALS):
        _add_vertical(tax, rng, vertical, position, created_at)
    for word in PROHIBITED_WORDS:
        tax.prohibited_words.append({"id": new_id(rng, created_at), "word": word.casefold(),
                                     "created_at": created_at})
    return tax


def _add_vertical(tax: Taxonomy, rng: random.Random, vertical: Vertical, position: int, now: datetime) -> None:
    vid = _category(tax, rng, None, 1, vertical.slug, (vertical.en, vertical.zh), position, False, now)
    tax.vertical_ids[vertical.slug] = vid
    _attributes(tax, vid, vertical.attrs)
    for kind, rate in zip(("flagship", "independent"), vertical.commission_bp, strict=True):
        tax.commission_rates.append({"vertical_id": vid, "store_kind": kind, "rate_bp": rate, "updated_at": now})
    leaves = tax.leaves.setdefault(vertical.slug, [])
    for l2_position, node in enumerate(vertical.nodes):
        l2 = _node(tax, rng, vid, 2, node, l2_position, now)
        if not node.children:
            leaves.append(Leaf(l2, vertical, vid, l2, None, node, vertical.attrs + node.attrs, node.restricted))
        for l3_position, child in enumerate(node.children):
            l3 = _node(tax, rng, l2, 3, child, l3_position, now)
            attrs = vertical.attrs + node.attrs + child.attrs
            leaves.append(Leaf(l3, vertical, vid, l2, l3, child, attrs, node.restricted or child.restricted))


def _node(tax: Taxonomy, rng: random.Random, parent: str, level: int, node: Node, position: int,
          now: datetime) -> str:
    cid = _category(tax, rng, parent, level, node.slug, (node.en, node.zh), position, node.restricted, now)
    _attributes(tax, cid, node.attrs)
    return cid


def _category(tax: Taxonomy, rng: random.Random, parent: str | None, level: int, slug: str,
              name: tuple[str, str], position: int, restricted: bool, now: datetime) -> str:
    cid = new_id(rng, now)
    tax.categories.append({
        "id": cid, "parent_id": parent, "level": level, "slug": slug, "name_en": name[0], "name_zh": name[1],
        "position": position, "restricted": restricted, "active": True, "created_at": now,
    })
    return cid


def _attributes(tax: Taxonomy, category_id: str, attrs: tuple[Attr, ...]) -> None:
    for position, attr in enumerate(attrs):
        tax.category_attributes.append({
            "category_id": category_id, "code": attr.code, "name_en": attr.en, "name_zh": attr.zh,
            "required": attr.required, "position": position,
            "options": [bilingual(value) for value in attr.values] if attr.closed else None,
        })
