"""Search test data: a small bilingual catalog and the issue's "Bad input" list (empty, huge, operator-laden and
mixed-script queries)."""

from datetime import UTC, datetime

from mercato.search.model import SearchDocument

START = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)


def doc(product_id: str, title_en: str, title_zh: str, **kwargs: object) -> SearchDocument:
    values: dict[str, object] = {"store_id": "s-1", "vertical_id": "v-digital", "store_kind": "independent",
                                 "price_min": 100_00, "updated_at": START, **kwargs}
    return SearchDocument(product_id=product_id, title_en=title_en, title_zh=title_zh, **values)  # type: ignore[arg-type]


CATALOG = [
    doc("p-huawei-phone", "Huawei Mate60 smartphone", "华为 Mate60 智能手机", store_kind="flagship",
        price_min=5999_00, brand_id="b-huawei", sales=900),
    doc("p-huawei-case", "Protective case for Huawei phones", "华为手机保护壳", price_min=39_00, in_stock=False),
    doc("p-iphone", "Apple iPhone 15 phone", "苹果 iPhone 15 手机", store_kind="flagship", price_min=5999_00),
    doc("p-shoes", "Running Shoes", "跑步鞋", vertical_id="v-fashion", text="breathable mesh"),
    doc("p-tea", "West Lake Longjing green tea", "西湖龙井绿茶", vertical_id="v-food", rating=480),
]
BAD_INPUTS = [
    "", "   ", "\x00\x07\x1b", '"', '""', '"unbalanced', "*", "phone*", "NEAR", "NEAR(a b)", "a OR b", "OR",
    "a AND NOT b", "-", "-x", "^start", "title:phone", "tokens:华为", "(((", ")", "a' OR '1'='1", "手机 NEAR/3 壳",
    "x" * 5000, "华为" * 300, "iPhone手机壳case", "ｉＰｈｏｎｅ　１５", "\u200b\ufeff", "🙂🙂", "a_b__c", "%_\\",
    "a:b:c*", "{tokens}: x", "NOT", "!@#$%^&*()", "<script>alert(1)</script>", "привет мир", "café Müller",
    "١٢٣", "& | ! <->", "'", "\\", "手机" + "-" * 300,
]
