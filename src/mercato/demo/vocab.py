"""The demo vocabulary's shapes and the platform-wide words: option axes, prohibited words, brands, store tags.

Everything here is fictional; brand names are invented and any likeness to a real company is accidental.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Pair = tuple[str, str]  # (English, Chinese)


def same(*texts: str) -> tuple[Pair, ...]:
    """Language-neutral phrases (sizes, capacities) as pairs whose two sides are equal."""
    return tuple((text, text) for text in texts)


def bilingual(pair: Pair) -> str:
    """How a bilingual attribute or option value is stored in a single JSON string."""
    en, zh = pair
    return en if en == zh else f"{en} / {zh}"


@dataclass(frozen=True, slots=True)
class Attr:
    """A category attribute. `closed` attributes only accept `values`; open ones use them as samples."""

    code: str
    en: str
    zh: str
    values: tuple[Pair, ...]
    required: bool = True
    closed: bool = False


@dataclass(frozen=True, slots=True)
class Node:
    """A level-2 or level-3 category. A node without children is a leaf that products are listed in."""

    slug: str
    en: str
    zh: str
    nouns: tuple[Pair, ...] = ()
    price: tuple[int, int] = (0, 0)  # yuan, lowest and highest base price
    specs: tuple[Pair, ...] = ()  # a key attribute shown in the title ("30L", "Merino")
    axes: str = ""  # option axes; "" means the vertical's default
    attrs: tuple[Attr, ...] = ()
    restricted: bool = False
    children: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Vertical:
    slug: str
    en: str
    zh: str
    commission_bp: tuple[int, int]  # (flagship, independent), basis points
    attrs: tuple[Attr, ...]
    axes: str
    series: tuple[Pair, ...]
    blurbs: tuple[Pair, ...]  # description sentences; {noun} is filled with the product noun
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AxisValue:
    label: Pair
    price_pct: int = 100  # percent of the product's base price


@dataclass(frozen=True, slots=True)
class Axis:
    """One option dimension of a SKU, e.g. colour or size; a product picks `pick` of its values in order."""

    key: str
    values: tuple[AxisValue, ...]
    pick: tuple[int, int] = (1, 2)


@dataclass(frozen=True, slots=True)
class Brand:
    slug: str
    en: str
    zh: str
    vertical: str
    protected: bool = False


@dataclass(frozen=True, slots=True)
class Tag:
    """A distinctive-shop tag in both languages and the verticals where such shops sell."""

    en: str
    zh: str
    verticals: tuple[str, ...] = field(default_factory=tuple)


def _values(*pairs: Pair, pct: tuple[int, ...] = ()) -> tuple[AxisValue, ...]:
    return tuple(AxisValue(pair, pct[i] if i < len(pct) else 100) for i, pair in enumerate(pairs))


COLOURS: tuple[Pair, ...] = (
    ("Black", "黑色"), ("White", "白色"), ("Navy", "藏青"), ("Oat", "燕麦色"), ("Sage", "鼠尾草绿"),
    ("Terracotta", "陶土红"), ("Grey", "灰色"), ("Sky Blue", "天蓝"), ("Olive", "橄榄绿"), ("Burgundy", "酒红"),
)
_COLOUR = Axis("colour", _values(*COLOURS), pick=(1, 3))
_APPAREL_SIZE = Axis("size", _values(*same("S", "M", "L", "XL")), pick=(2, 3))
_KIDS_SIZE = Axis("size", _values(*same("100cm", "110cm", "120cm", "130cm")), pick=(2, 3))
_SHOE_SIZE = Axis("size", _values(*same("38", "39", "40", "41", "42", "43", "44")), pick=(2, 3))
_STORAGE = Axis("storage", _values(*same("128GB", "256GB", "512GB", "1TB"), pct=(100, 112, 130, 155)), pick=(1, 3))
_BED = Axis("size", _values(*same("1.5m", "1.8m", "2.0m"), pct=(100, 115, 130)), pick=(1, 2))
_WEIGHT = Axis("weight", _values(*same("250g", "500g", "1kg", "2.5kg"), pct=(100, 185, 340, 780)), pick=(1, 3))
_PACK = Axis("pack", _values(("1 pack", "1件装"), ("2 packs", "2件装"), ("6 packs", "6件装"),
                             pct=(100, 190, 540)), pick=(1, 3))
_VOLUME = Axis("volume", _values(*same("30ml", "50ml", "100ml"), pct=(100, 150, 260)), pick=(1, 2))
_TICKET = Axis("ticket", _values(("Adult", "成人"), ("Child", "儿童"), ("Senior", "长者"),
                                 pct=(100, 60, 70)), pick=(1, 3))
_PACKAGE = Axis("package", _values(("Standard", "标准"), ("Deluxe", "豪华"), pct=(100, 145)), pick=(1, 2))

AXES: dict[str, tuple[Axis, ...]] = {
    "none": (),
    "colour": (_COLOUR,),
    "colour_size": (_COLOUR, _APPAREL_SIZE),
    "colour_kids": (_COLOUR, _KIDS_SIZE),
    "colour_shoe": (_COLOUR, _SHOE_SIZE),
    "colour_storage": (Axis("colour", _COLOUR.values, pick=(1, 2)), _STORAGE),
    "bed": (_BED,),
    "weight": (_WEIGHT,),
    "pack": (_PACK,),
    "volume": (_VOLUME,),
    "ticket": (_TICKET,),
    "package": (_PACKAGE,),
}

PROHIBITED_WORDS: tuple[str, ...] = (
    "最好", "第一", "国家级", "最高级", "最佳", "顶级", "万能", "根治", "治愈", "特效", "神药", "100%有效", "永久",
    "best in the world", "world's best", "number one", "cure", "miracle", "guaranteed results", "no side effects",
)

TAGS: tuple[Tag, ...] = (
    Tag("original design", "原创设计", ("apparel", "home", "sports")),
    Tag("handmade", "手作", ("apparel", "home", "food")),
    Tag("vintage", "古着", ("apparel", "home", "electronics")),
    Tag("farm direct", "产地直发", ("food",)),
    Tag("niche fragrance", "小众香氛", ("fmcg", "home")),
    Tag("eco friendly", "环保", ("fmcg", "home", "apparel")),
    Tag("outdoor gear", "户外装备", ("sports", "travel")),
    Tag("retro tech", "复古数码", ("electronics",)),
    Tag("local guide", "本地向导", ("travel",)),
    Tag("wellness", "养生", ("health", "food")),
    Tag("small batch", "小批量", ("food", "fmcg", "apparel")),
    Tag("pet friendly", "宠物友好", ("home", "travel")),
)
