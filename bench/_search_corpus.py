"""The corpus and the queries of bench/search.py: the demo generator's bilingual products as search documents, the
real Chinese e-commerce queries of Multi-CPR, and English queries made from the catalog's own words the way
shoppers type them (1-3 words, some misspelt, some with a word no product has)."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mercato.demo.generate import generate
from mercato.demo.records import Row
from mercato.search.model import SearchDocument, tokenize

SEED = 1
# Words shoppers add that no demo product has (checked against the corpus's vocabulary before use).
ABSENT_WORDS = ("cheap", "discount", "clearance", "authentic", "bestseller", "giftbox", "wholesale", "limited",
                "refurbished", "bundle", "vintage", "oversize", "imported", "deluxe2", "promo")


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # zh | en1 | en2 | en_typo | en_absent


def _document(row: Row, brands: dict[str, tuple[str, str]]) -> SearchDocument:
    """What search indexes of a product: both titles, and as text its brand's names and its attribute values."""
    brand = brands.get(str(row["brand_id"])) if row["brand_id"] else None
    values = [str(v) for v in dict(row["attributes"]).values()]
    text = " ".join([*(brand or ()), *values])
    return SearchDocument(product_id=str(row["id"]), store_id=str(row["store_id"]),
                          vertical_id=str(row["vertical_id"]), store_kind=str(row["store_kind"]),
                          title_en=str(row["title_en"]), title_zh=str(row["title_zh"]),
                          price_min=int(row["min_price_minor"]), updated_at=row["updated_at"],
                          brand_id=str(row["brand_id"]) if row["brand_id"] else None, text=text,
                          sales=int(row["sales_count"]), in_stock=bool(row["in_stock"]),
                          active=row["status"] == "active")


def documents(products: int) -> Iterator[list[SearchDocument]]:
    """The first `products` goods of the large demo catalog (seed 1), as search documents, a generator chunk at a
    time (2,000): the same products `mercato seed --size large` writes, without the rest of the marketplace."""
    market = generate(SEED, "large")
    brands = {str(b["id"]): (str(b["name_en"]), str(b["name_zh"])) for b in market.table("brands")}
    plan = dataclasses.replace(market.goods, total=min(products, market.goods.total))
    for chunk in range(plan.chunks()):
        yield [_document(row, brands) for row in plan.batch(chunk).products]


def chinese_queries(path: Path, limit: int) -> list[Query]:
    """Multi-CPR's e-commerce dev queries (id<TAB>text), real queries typed on Taobao."""
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line]
    return [Query(text.strip(), "zh") for _, text in rows if text.strip()][:limit]


def _misspell(rng: random.Random, word: str) -> str:
    """A typing slip: a letter dropped, doubled or two neighbours swapped."""
    i = rng.randrange(len(word) - 1)
    slip = rng.choice(("drop", "double", "swap"))
    if slip == "drop":
        return word[:i] + word[i + 1:]
    if slip == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def english_queries(titles: list[str], vocabulary: Counter[str], count: int, seed: int = 7) -> list[Query]:
    """Queries from random titles: one word (35 %, the noun), two or three of its words in order (35 %), the same
    with one word misspelt (15 %), or a real word and a word no product has (15 %)."""
    rng = random.Random(seed)
    absent = [w for w in ABSENT_WORDS if w not in vocabulary] or ["zzqx"]
    queries: list[Query] = []
    while len(queries) < count and titles:
        words = [w for w in rng.choice(titles).lower().split() if w.isalpha() and len(w) > 2]
        if not words:
            continue
        roll = rng.random()
        if roll < 0.35:
            queries.append(Query(words[-1], "en1"))
            continue
        picked = sorted(rng.sample(range(len(words)), min(len(words), rng.choice((2, 2, 3)))))
        chosen = [words[i] for i in picked]
        if roll < 0.70:
            queries.append(Query(" ".join(chosen), "en2"))
        elif roll < 0.85:
            slip = rng.randrange(len(chosen))
            if len(chosen[slip]) > 3:
                chosen[slip] = _misspell(rng, chosen[slip])
            queries.append(Query(" ".join(chosen), "en_typo"))
        else:
            queries.append(Query(f"{words[-1]} {rng.choice(absent)}", "en_absent"))
    return queries


def vocabulary_of(titles: list[str]) -> Counter[str]:
    return Counter(term for title in titles for term in tokenize(title))


def mixed(chinese: list[Query], english: list[Query], seed: int = 11) -> list[Query]:
    """Both languages in one stream, shuffled with a fixed seed."""
    queries = [*chinese, *english]
    random.Random(seed).shuffle(queries)
    return queries
